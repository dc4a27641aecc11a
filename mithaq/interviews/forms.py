"""The interview request form (portal and reception), tracking, and the office's forms."""

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from mithaq.accounts.models import Membership, OrgUnit, Role
from mithaq.cases.forms.fields import MultipleFileField, MultipleFileInput
from mithaq.common.phones import parse_phone

from .models import InterviewRequest
from .models_visits import ChecklistTemplate

_LTR = {"class": "ltr-input", "dir": "ltr"}


class OfficialChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.display_name} · {obj.unit.name}"


class RequestForm(forms.Form):
    """The standard interview form (استمارة المقابلة)."""

    official = OfficialChoice(
        label=_("Whom do you wish to meet?"),
        queryset=Membership.objects.filter(
            role=Role.OFFICIAL, unit__is_active=True, user__is_active=True
        )
        .select_related("user", "unit")
        .order_by("unit__path"),
        empty_label=None,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    summary = forms.CharField(
        label=_("Summary of what you wish to raise"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    earlier_references = forms.CharField(
        label=_("References of earlier cases, if any"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_LTR),
    )
    preferred_days = forms.CharField(label=_("Days that suit you"), max_length=200, required=False)
    citizen_name = forms.CharField(label=_("Your full name"), max_length=150)
    citizen_phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs=_LTR)
    )
    citizen_email = forms.EmailField(
        label=_("Email (optional)"), required=False, widget=forms.EmailInput(attrs=_LTR)
    )

    def clean_citizen_phone(self):
        return parse_phone(self.cleaned_data["citizen_phone"])


class TrackForm(forms.Form):
    """The request's reference and the phone or email given: one message for a wrong pair,
    whether the reference exists or not (as for a case, decision 0002)."""

    code = forms.CharField(
        label=_("Reference number"), max_length=20, widget=forms.TextInput(attrs=_LTR)
    )
    contact = forms.CharField(
        label=_("The phone number or email you gave"),
        max_length=254,
        widget=forms.TextInput(attrs=_LTR),
    )
    mismatch = _(
        "We could not find a request with this reference and this phone number or email. "
        "Check both and try again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_row: InterviewRequest | None = None

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if self.errors:
            return data
        code = data["code"].strip().upper().replace(" ", "")
        if len(code) == 8:
            code = f"{code[:4]}-{code[4:]}"
        given = data["contact"].strip()
        how = "email" if "@" in given else "phone"
        if how == "email":
            given = given.casefold()
        else:
            try:
                given = parse_phone(given)
            except ValidationError:
                raise ValidationError(self.mismatch, code="mismatch") from None
        row = InterviewRequest.objects.filter(code=code).first()
        expected = (
            ""
            if row is None
            else (row.citizen_email.casefold() if how == "email" else row.citizen_phone)
        )
        if not (expected and constant_time_compare(given, expected)):
            raise ValidationError(self.mismatch, code="mismatch")
        self.request_row = row
        return data


class SlotForm(forms.Form):
    """A free slot, chosen from the list the page offers: `slots` holds (slot, label) pairs;
    the value is the slot's start as an ISO moment, checked again by the slot engine."""

    starts_at = forms.ChoiceField(label=_("Free times"))

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["starts_at"]).choices = [
            (slot.starts_at.isoformat(), label) for slot, label in slots
        ]

    def clean_starts_at(self):
        return datetime.datetime.fromisoformat(self.cleaned_data["starts_at"])


class ReferForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.active().filter(accepts_cases=True),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, told to the citizen"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(forms.Form):
    attendees = forms.CharField(
        label=_("Who attended"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    asked = forms.CharField(
        label=_("What was asked"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    said = forms.CharField(
        label=_("What was said"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.CharField(
        label=_("Decision (a follow-up action)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decision_unit = forms.ModelChoiceField(
        label=_("Owner unit"),
        queryset=OrgUnit.objects.active().filter(accepts_cases=True),
        required=False,
    )
    decision_due = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") and not (data.get("decision_unit") and data.get("decision_due")):
            raise ValidationError(
                _("A decision needs its owner unit and its due date."), code="decision"
            )
        return data


class RecordedInterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    citizen_name = forms.CharField(label=_("Citizen"), max_length=150)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VisitForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.active())
    template = forms.ModelChoiceField(
        label=_("Checklist"),
        queryset=ChecklistTemplate.objects.filter(is_active=True),
        empty_label=None,
    )
    planned_for = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.CharField(label=_("Team"), max_length=300)
    scope = forms.CharField(
        label=_("Scope"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(forms.Form):
    text = forms.CharField(
        label=_("Finding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.ModelChoiceField(
        label=_("Owner unit"), queryset=OrgUnit.objects.active().filter(accepts_cases=True)
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class VisitPhotoForm(forms.Form):
    photos = MultipleFileField(
        label=_("Photos"),
        required=True,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
