"""Forms of the staff side: inbox filters and one form per case action."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mithaq.accounts.models import OrgUnit
from mithaq.cases.forms.fields import INDENT, FastSelect, MultipleFileField
from mithaq.cases.services import assignable_officers
from mithaq.cases.states import (
    Action,
    Channel,
    ClosureCode,
    Decision,
    ExternalSystem,
    Kind,
    State,
)
from mithaq.routing.selectors import ClockFilter, filter_by_clock, order_by_due

SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
# Sorting by the charter's clock goes through the case's deadline row (mithaq.routing).
DUE_SORT = "due"


def _blank(label):
    return [("", label)]


def unit_choices(units):
    """Units as an indented tree for a <select>."""
    return [(u.pk, INDENT * max(u.depth - 1, 0) + u.name) for u in units]


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    clock = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any deadline")),
            (ClockFilter.OVERDUE, _("Overdue")),
            (ClockFilter.DUE_SOON, _("Due within one working day")),
            (ClockFilter.PAUSED, _("Clock paused")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("-updated", _("Recently changed")),
            ("due", _("Due soonest")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    OPEN = "open"

    def __init__(self, *args, units, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.widget = FastSelect(choices=field.widget.choices)
        self.fields["state"].choices = (
            _blank(_("All states")) + [(self.OPEN, _("All open"))] + list(State.choices)
        )
        self.fields["kind"].choices = _blank(_("All kinds")) + list(Kind.choices)
        self.fields["channel"].choices = _blank(_("All channels")) + list(Channel.choices)
        self.fields["unit"].choices = _blank(_("All units")) + unit_choices(units)
        self.fields["assignee"].choices = (
            _blank(_("Anyone"))
            + [("none", _("Not assigned"))]
            + [(pk, name or username) for pk, name, username in assignees]
        )

    def filter(self, qs, user, *, now=None):
        """Apply the valid filters to `qs` (already limited to what `user` may see)."""
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state")
        if state == self.OPEN:
            qs = qs.open()
        elif state:
            qs = qs.filter(state=state)
        for name in ("kind", "channel"):
            if data.get(name):
                qs = qs.filter(**{name: data[name]})
        if data.get("unit"):
            qs = qs.filter(unit_id=int(data["unit"]))
        if data.get("assignee") == "none":
            qs = qs.filter(assignee__isnull=True)
        elif data.get("assignee"):
            qs = qs.filter(assignee_id=int(data["assignee"]))
        if data.get("mine"):
            qs = qs.filter(assignee=user)
        if data.get("urgent"):
            qs = qs.filter(is_urgent=True)
        if data.get("clock"):
            qs = filter_by_clock(qs, data["clock"], now=now or timezone.now())
        if data.get("sort") == DUE_SORT:
            return order_by_due(qs)
        return qs.order_by(*SORTS.get(data.get("sort") or "-created", SORTS["-created"]))

    @property
    def page_number(self) -> int:
        if self.is_valid() and self.cleaned_data.get("page"):
            return self.cleaned_data["page"]
        return 1


class _ActionForm(forms.Form):
    action: Action

    def __init__(self, *args, case, user, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, prefix=self.action.value, **kwargs)


class AcknowledgeForm(_ActionForm):
    action = Action.ACKNOWLEDGE


class AssignForm(_ActionForm):
    action = Action.ASSIGN
    assignee = forms.ModelChoiceField(label=_("Officer"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_officers(self.case.unit)


class ReferForm(_ActionForm):
    action = Action.REFER
    to_unit = forms.ModelChoiceField(label=_("Refer to"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.active().filter(accepts_cases=True).exclude(pk=self.case.unit_id)
        self.fields["to_unit"].queryset = units
        self.fields["to_unit"].choices = [("", "---------")] + unit_choices(units)


class RequestInfoForm(_ActionForm):
    action = Action.REQUEST_INFO
    question = forms.CharField(
        label=_("What should the citizen send?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(_ActionForm):
    action = Action.REPLY
    body = forms.CharField(
        label=_("Reply (the citizen will see it)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(label=_("Attachments"))


class NoteForm(_ActionForm):
    action = Action.NOTE
    body = forms.CharField(
        label=_("Note (staff only, never shown to the citizen)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label=_("Attachments"))


class DecideForm(_ActionForm):
    action = Action.DECIDE
    decision = forms.ChoiceField(
        label=pgettext_lazy("form label", "Decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(_ActionForm):
    action = Action.RESOLVE
    summary = forms.CharField(
        label=_("How was it resolved? (the citizen will see it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(_ActionForm):
    action = Action.CLOSE
    closure_code = forms.ChoiceField(label=_("Closure code"), choices=ClosureCode.choices)
    external_system = forms.ChoiceField(
        label=_("External government system"),
        required=False,
        choices=_blank(_("None")) + list(ExternalSystem.choices),
    )
    external_reference = forms.CharField(
        label=_("Reference in that system"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    note = forms.CharField(
        label=_("Closing message to the citizen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("external_system")) != bool(
            (data.get("external_reference") or "").strip()
        ):
            raise forms.ValidationError(
                _("Give both the external system and its reference, or neither.")
            )
        return data


class ReopenForm(_ActionForm):
    action = Action.REOPEN
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


ACTION_FORMS: dict[Action, type[_ActionForm]] = {
    form.action: form
    for form in (
        AcknowledgeForm,
        AssignForm,
        ReferForm,
        RequestInfoForm,
        ReplyForm,
        NoteForm,
        DecideForm,
        ResolveForm,
        CloseForm,
        ReopenForm,
    )
}
