"""Forms of the workbench: routing rules, units' assignment modes, routing from the triage
queue, and the case actions for referrals and consultations."""

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from mithaq.accounts.models import OrgUnit, Role
from mithaq.catalog.models import Service
from mithaq.routing.models import AssignmentMode, RoutingRule

from ..states import Action, Channel, CitizenGroup, Kind
from .actions import CaseActionForm
from .fields import INDENT


def _unit_choices(units, blank=True):
    rows = [(u.pk, INDENT * max(u.depth - 1, 0) + u.name) for u in units]
    return ([("", "---------")] if blank else []) + rows


def _case_units():
    return OrgUnit.objects.active().filter(accepts_cases=True)


class RuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "name",
            "is_active",
            "service",
            "kind",
            "channel",
            "citizen_group",
            "words",
            "unit",
            "default_officer",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"dir": "auto"}),
            "words": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = _case_units()
        unit = cast(forms.ModelChoiceField, self.fields["unit"])
        unit.queryset = units
        unit.choices = _unit_choices(units)
        service = cast(forms.ModelChoiceField, self.fields["service"])
        service.queryset = Service.objects.active()
        service.label_from_instance = lambda s: s.name  # type: ignore[method-assign,assignment]  # per-instance label, as Django documents
        service.empty_label = _("Any service")
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [("", _("Any kind"))] + list(Kind.choices)
        channel = cast(forms.ChoiceField, self.fields["channel"])
        channel.choices = [("", _("Any channel"))] + list(Channel.choices)
        citizen_group = cast(forms.ChoiceField, self.fields["citizen_group"])
        citizen_group.choices = [("", _("Any group"))] + list(CitizenGroup.choices)
        officers = get_user_model().objects.filter(
            is_active=True,
            memberships__role__in=[Role.OFFICER, Role.UNIT_MANAGER, Role.OFFICE_MANAGER],
        )
        default_officer = cast(forms.ModelChoiceField, self.fields["default_officer"])
        default_officer.queryset = officers.distinct().order_by("full_name")
        default_officer.empty_label = _("Nobody: the unit's own assignment")
        default_officer.help_text = _("Must be one of the unit's officers or managers.")


class TryRuleForm(forms.Form):
    """A sample case, to see which rule it would meet."""

    subject = forms.CharField(
        label=_("Subject"), required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.COMPLAINT)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WEB)
    citizen_group = forms.ChoiceField(
        label=_("Citizen group"), choices=CitizenGroup.choices, initial=CitizenGroup.COMMUNITY
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.active(),
        required=False,
        empty_label=_("No particular service"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        service = cast(forms.ModelChoiceField, self.fields["service"])
        service.label_from_instance = lambda s: s.name  # type: ignore[method-assign,assignment]  # per-instance label, as Django documents


class AssignmentModeForm(forms.Form):
    mode = forms.ChoiceField(label=_("Assignment"), choices=AssignmentMode.choices)


class RouteForm(forms.Form):
    """The office sends a case from its triage queue or its returns list to a unit."""

    to_unit = forms.ModelChoiceField(label=_("Send to"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(
        label=_("Note for the unit (optional)"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        to_unit = cast(forms.ModelChoiceField, self.fields["to_unit"])
        to_unit.queryset = _case_units()
        to_unit.choices = _unit_choices(units)


# --- Case actions (listed in mithaq.cases.forms.staff.ACTION_FORMS) -------------------------


class AcceptReferralForm(CaseActionForm):
    action = Action.ACCEPT_REFERRAL


class ReturnReferralForm(CaseActionForm):
    action = Action.RETURN_REFERRAL
    reason = forms.CharField(
        label=_("Why is it not for your unit?"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )


class ConsultForm(CaseActionForm):
    action = Action.CONSULT
    units = forms.ModelMultipleChoiceField(
        label=_("Units to ask"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    question = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.active().exclude(pk=self.case.unit_id).exclude(parent=None)
        field = cast(forms.ModelMultipleChoiceField, self.fields["units"])
        field.queryset = units
        field.choices = _unit_choices(units, blank=False)


class OpinionForm(CaseActionForm):
    action = Action.GIVE_OPINION
    opinion = forms.CharField(
        label=_("Your unit's opinion (staff only)"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )


WORKBENCH_ACTION_FORMS = (AcceptReferralForm, ReturnReferralForm, ConsultForm, OpinionForm)
