"""Forms of the staff side: inbox filters and one form per case action."""

import datetime
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mithaq.accounts.access import access_for, assignable_officers
from mithaq.accounts.models import OrgUnit
from mithaq.cases import search as case_search
from mithaq.cases.forms.actions import CaseActionForm
from mithaq.cases.forms.fields import INDENT, MultipleFileField, OptionField, OptionList

# Merging and linking duplicates (mithaq.citizens).
from mithaq.cases.forms.registry import DUPLICATE_ACTION_FORMS
from mithaq.cases.forms.workbench import WORKBENCH_ACTION_FORMS
from mithaq.cases.models import Case
from mithaq.cases.services import checklist
from mithaq.cases.states import (
    Action,
    Channel,
    ClosureCode,
    Decision,
    ExternalSystem,
    Kind,
    State,
)
from mithaq.common import recent
from mithaq.common.ids import PAGE_MAX
from mithaq.routing import calendar as working
from mithaq.routing.selectors import (
    ClockFilter,
    PromiseFilter,
    filter_by_clock,
    filter_by_promise,
    order_by_due,
)

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


INBOX_OPEN = "open"
# The cases received since midnight in the institution's time zone (the dashboard's column).
RECEIVED_TODAY = "today"


def inbox_filter_options(units, assignees) -> dict[str, OptionList]:
    """The inbox filter's selects, rendered in the current language. `units` are the units
    this person may filter by, `assignees` (pk, full name, username) rows."""
    return {
        "state": OptionList(
            _blank(_("All states")) + [(INBOX_OPEN, _("All open"))] + list(State.choices)
        ),
        "kind": OptionList(_blank(_("All kinds")) + list(Kind.choices)),
        "channel": OptionList(_blank(_("All channels")) + list(Channel.choices)),
        "unit": OptionList(_blank(_("All units")) + unit_choices(units)),
        "assignee": OptionList(
            _blank(_("Anyone"))
            + [("none", _("Not assigned"))]
            + [(pk, name or username) for pk, name, username in assignees]
        ),
        "clock": OptionList(
            [
                ("", _("Any deadline")),
                (ClockFilter.OVERDUE, _("Overdue")),
                (ClockFilter.DUE_TODAY, _("Due today")),
                (ClockFilter.DUE_SOON, _("Due within one working day")),
                (ClockFilter.PAUSED, _("Clock paused")),
            ]
        ),
        "received": OptionList(
            [("", _("Received any day")), (RECEIVED_TODAY, _("Received today"))]
        ),
        # The dashboard's compliance columns link here (reports.dashboard).
        "promise": OptionList(
            [
                ("", _("Any promise")),
                (PromiseFilter.ON_TIME, _("Due this month, met on time")),
                (PromiseFilter.LATE, _("Due this month, met late")),
                (PromiseFilter.PAST_DUE, _("Due this month, past due")),
            ]
        ),
        "sort": OptionList(
            [
                ("-created", _("Newest first")),
                ("created", _("Oldest first")),
                ("-updated", _("Recently changed")),
                ("due", _("Due soonest")),
            ]
        ),
    }


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        # A hint under the box, not a placeholder: a placeholder this long was cut off at a
        # laptop's width and on a phone.
        help_text=_("Reference, phone, national ID, name or words"),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "aria-describedby": "id_q_hint"}
        ),
    )
    state = OptionField(label=_("State"), required=False)
    kind = OptionField(label=_("Kind"), required=False)
    channel = OptionField(label=_("Channel"), required=False)
    unit = OptionField(label=_("Unit"), required=False)
    assignee = OptionField(label=_("Assigned to"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    clock = OptionField(label=_("Deadline"), required=False)
    received = OptionField(label=_("Received"), required=False)
    promise = OptionField(label=_("The charter's promises"), required=False)
    sort = OptionField(label=_("Sort"), required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=PAGE_MAX, widget=forms.HiddenInput
    )

    OPEN = INBOX_OPEN

    def __init__(self, *args, options: dict[str, OptionList], **kwargs):
        super().__init__(*args, **kwargs)
        for name, option_list in options.items():
            cast(OptionField, self.fields[name]).options = option_list

    def as_filter_fields(self) -> SafeString:
        """The visible fields as the filter bar shows them, put together directly: Django's
        form templates cost more than everything else on the inbox. Filters are never in
        error (an invalid one is ignored), so there are no error lists to show."""
        parts = []
        for name, field in self.fields.items():
            if field.widget.is_hidden:
                continue
            html_id = f"id_{self.add_prefix(name)}"
            key = self.add_prefix(name)
            label = escape(str(field.label))
            if isinstance(field, forms.BooleanField):
                on = field.widget.value_from_datadict(self.data, self.files, key)
                checked = " checked" if self.is_bound and on else ""
                parts.append(
                    f'<div class="field check"><label><input type="checkbox" name="{key}" '
                    f'id="{html_id}"{checked}> {label}</label></div>'
                )
                continue
            value = self.data.get(key) if self.is_bound else None
            if isinstance(field.widget, forms.TextInput):
                # As Django's input template writes it, without a template.
                attrs = field.widget.build_attrs(field.widget.attrs, {"id": html_id})
                shown = field.widget.format_value(value)
                widget = format_html(
                    '<input type="{}" name="{}"{}{}>',
                    field.widget.input_type,
                    key,
                    format_html(' value="{}"', shown) if shown is not None else "",
                    flatatt(attrs),
                )
            else:
                widget = field.widget.render(key, value, attrs={"id": html_id})
            hint = (
                f'<small class="hint" id="{html_id}_hint">{escape(str(field.help_text))}</small>'
                if field.help_text
                else ""
            )
            parts.append(
                f'<div class="field"><label for="{html_id}">{label}</label>{widget}{hint}</div>'
            )
        return mark_safe("".join(parts))  # noqa: S308 - labels escaped, widgets escape their own

    def filter(self, qs, user, *, now=None, access=None, fuzzy=False):
        """Apply the valid filters to `qs` (already limited to what `user` may see). With
        `fuzzy`, the search words are matched by similarity (mithaq.cases.search.fuzzy)."""
        data = self.cleaned_data if self.is_valid() else {}
        return self.filter_by(qs, data, user, now=now, access=access, fuzzy=fuzzy)

    @classmethod
    def filter_by(
        cls, qs, data: dict, user, *, now=None, access=None, fuzzy=False
    ) -> QuerySet[Case, Any]:
        """filter() for the cleaned values `data` of a valid form ({} for any other)."""
        if data.get("q"):
            find = case_search.fuzzy if fuzzy else case_search.search
            qs = find(qs, data["q"], access=access or access_for(user))
        state = data.get("state")
        if state == cls.OPEN:
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
        if data.get("received") == RECEIVED_TODAY:
            qs = qs.filter(created_at__gte=start_of_today(now or timezone.now()))
        if data.get("promise"):
            qs = filter_by_promise(qs, data["promise"], now=now or timezone.now())
        return cls.ordered(qs, data.get("sort"))

    @staticmethod
    def ordered(qs: QuerySet[Case, Any], sort: str | None) -> QuerySet[Case, Any]:
        if sort == DUE_SORT:
            return order_by_due(qs)
        return qs.order_by(*SORTS.get(sort or "-created", SORTS["-created"]))

    @property
    def number_search(self):
        """What the search box holds, parsed, when it is a phone or ID number and no filter
        but the sort and the page is set beside it; else None (such a search's page is baked:
        cases.selectors.baked_page)."""
        if not self.is_valid() or not self.cleaned_data.get("q"):
            return None
        if any(v for name, v in self.cleaned_data.items() if name not in ("q", "sort", "page")):
            return None
        parsed = case_search.parse(self.cleaned_data["q"])
        return parsed if parsed.kind == "number" else None

    @property
    def may_retry_fuzzy(self) -> bool:
        """Whether an empty first page is worth a second, similarity-based search."""
        return (
            self.is_valid()
            and (self.cleaned_data.get("page") or 1) == 1
            and case_search.fuzzy_available(self.cleaned_data.get("q") or "")
        )

    @property
    def page_number(self) -> int:
        if self.is_valid() and self.cleaned_data.get("page"):
            return self.cleaned_data["page"]
        return 1


def start_of_today(now: datetime.datetime) -> datetime.datetime:
    """Midnight of `now`'s day in the institution's time zone."""
    tz = working.active_calendar().tz
    return datetime.datetime.combine(timezone.localdate(now, tz), datetime.time(), tzinfo=tz)


# The inbox's views above its filters: each a filter of the inbox (its address's parameters),
# with the count of the person's cases in it (staff.inbox_views).
INBOX_VIEWS: tuple[tuple[str, Any, dict[str, str]], ...] = (
    ("mine", _("Mine"), {"state": INBOX_OPEN, "mine": "on"}),
    ("due_today", _("Due today"), {"state": INBOX_OPEN, "clock": ClockFilter.DUE_TODAY}),
    ("late", _("Late"), {"state": INBOX_OPEN, "clock": ClockFilter.OVERDUE}),
    ("waiting", _("Waiting for the citizen"), {"state": State.AWAITING_CITIZEN.value}),
    ("unassigned", _("Unassigned"), {"state": INBOX_OPEN, "assignee": "none"}),
)


def inbox_fields() -> list[str]:
    """The inbox filter's parameters a URL or a saved filter may hold (all but the page)."""
    return [name for name in InboxFilterForm.base_fields if name != "page"]


def inbox_url(request, source) -> str:
    """The inbox's address for the filter (and search text) of `source` (mithaq.common.recent)."""
    return recent.filter_url(request, "cases:inbox", source, inbox_fields())


class AcknowledgeForm(CaseActionForm):
    action = Action.ACKNOWLEDGE


class AssignForm(CaseActionForm):
    action = Action.ASSIGN
    assignee = forms.ModelChoiceField(label=_("Officer"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        assignee.queryset = assignable_officers(self.case.unit)


class ReferForm(CaseActionForm):
    action = Action.REFER
    to_unit = forms.ModelChoiceField(label=_("Refer to"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.active().filter(accepts_cases=True).exclude(pk=self.case.unit_id)
        to_unit = cast(forms.ModelChoiceField, self.fields["to_unit"])
        to_unit.queryset = units
        to_unit.choices = [("", "---------")] + unit_choices(units)


class RequestInfoForm(CaseActionForm):
    action = Action.REQUEST_INFO
    question = forms.CharField(
        label=_("What should the citizen send?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(CaseActionForm):
    action = Action.REPLY
    body = forms.CharField(
        label=_("Reply (the citizen will see it)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    # A declared field: Django's form metaclass takes it off the class, so BaseForm.files stays.
    files = MultipleFileField(label=_("Attachments"))  # type: ignore[assignment]


class NoteForm(CaseActionForm):
    action = Action.NOTE
    body = forms.CharField(
        label=_("Note (staff only, never shown to the citizen)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # A declared field: Django's form metaclass takes it off the class, so BaseForm.files stays.
    files = MultipleFileField(label=_("Attachments"))  # type: ignore[assignment]


class ComposerForm(CaseActionForm):
    """The one composer under a case's conversation (cases.services.answer_case): a reply or
    an internal note, a ready answer inserted from the picker, files, and "send and set the
    state". Its prefix is the reply's, so the ready-answer picker fills its text."""

    action = Action.REPLY
    MODES = (("reply", _("Reply to the citizen")), ("note", _("Internal note")))
    mode = forms.ChoiceField(
        label=_("Write"), choices=MODES, widget=forms.RadioSelect, initial="reply"
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    # A declared field: Django's form metaclass takes it off the class, so BaseForm.files stays.
    files = MultipleFileField(label=_("Attachments"))  # type: ignore[assignment]
    # Set by the button pressed: "" sends only, or the action that follows the reply.
    then = forms.ChoiceField(
        required=False,
        choices=[("", ""), (Action.RESOLVE.value, ""), (Action.REQUEST_INFO.value, "")],
    )

    def __init__(self, *args, modes=("reply", "note"), **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["mode"])
        field.choices = [(value, label) for value, label in self.MODES if value in modes]
        field.initial = modes[0]

    @property
    def internal(self) -> bool:
        return self.cleaned_data.get("mode") == "note"

    @property
    def then_action(self) -> Action | None:
        then = self.cleaned_data.get("then")
        return Action(then) if then else None


class DecideForm(CaseActionForm):
    action = Action.DECIDE
    decision = forms.ChoiceField(
        label=pgettext_lazy("form label", "Decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=_("Reason to decide before the service's minimum time"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the office manager may; the reason is recorded on the case."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        earliest = checklist.earliest_decision(self.case)
        if earliest is None or earliest <= timezone.now():
            del self.fields["override_reason"]


class ResolveForm(CaseActionForm):
    action = Action.RESOLVE
    summary = forms.CharField(
        label=_("How was it resolved? (the citizen will see it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(CaseActionForm):
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
        data = cast(dict[str, Any], super().clean())
        if bool(data.get("external_system")) != bool(
            (data.get("external_reference") or "").strip()
        ):
            raise forms.ValidationError(
                _("Give both the external system and its reference, or neither.")
            )
        return data


class ReopenForm(CaseActionForm):
    action = Action.REOPEN
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


ACTION_FORMS: dict[Action, Callable[..., forms.Form]] = {
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
        *WORKBENCH_ACTION_FORMS,
        *DUPLICATE_ACTION_FORMS,
    )
}
