"""Forms of saved filters and of bulk actions."""

from typing import Any, cast
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mithaq.accounts.models import OrgUnit
from mithaq.cases.forms.staff import inbox_fields
from mithaq.cases.services.bulk import BULK_LIMIT
from mithaq.cases.states import ClosureCode
from mithaq.common import recent


def clean_inbox_query(raw: str) -> str:
    """The inbox filter's own parameters of a query string as the inbox's address carries
    them: the search by its key (`s`), never its text (`q`), and without the page number."""
    known = (set(inbox_fields()) - {recent.TEXT}) | {recent.KEY}
    pairs = [(k, v) for k, v in parse_qsl((raw or "").lstrip("?")) if k in known and v]
    return urlencode(pairs)


class SavedFilterForm(forms.Form):
    """Saves the inbox's current filter (`query`: its address's parameters, the search by
    its key). What is stored is the filter with the search's text (`q=`), in the database
    only: applying it keeps the text for the session again (views.apply_filter)."""

    name = forms.CharField(label=_("Name of this filter"), max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_query(self):
        pairs = []
        for name, value in parse_qsl(clean_inbox_query(self.cleaned_data.get("query", ""))):
            if name == recent.KEY:
                text = recent.recall(self.request, value) if self.request else None
                if text is None:
                    raise forms.ValidationError(
                        _("That search is no longer kept: search again, then save it.")
                    )
                name, value = recent.TEXT, text
            pairs.append((name, value))
        if not pairs:
            raise forms.ValidationError(_("Choose some filters or a search first."))
        return urlencode(pairs)


class _Codes(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        codes = []
        for code in value if isinstance(value, list | tuple) else [value]:
            code = str(code).strip().upper()
            if code and code not in codes:
                codes.append(code)
        return codes

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Select at least one case."), code="required")
        if len(value) > BULK_LIMIT:
            raise forms.ValidationError(
                ngettext(
                    "Select at most %(limit)d case at a time.",
                    "Select at most %(limit)d cases at a time.",
                    BULK_LIMIT,
                ),
                code="limit",
                params={"limit": BULK_LIMIT},
            )


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("With the selected cases"),
        choices=[
            ("assign", _("Assign to an officer")),
            ("refer", _("Refer to a unit")),
            ("close", _("Close")),
        ],
    )
    cases = _Codes()
    assignee = forms.ModelChoiceField(
        label=_("Officer"), required=False, queryset=get_user_model().objects.none()
    )
    to_unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=OrgUnit.objects.none()
    )
    reason = forms.CharField(label=_("Reason for the referral"), required=False, max_length=2000)
    closure_code = forms.ChoiceField(
        label=_("Closure code"),
        required=False,
        choices=[("", "---------"), *ClosureCode.choices],
    )
    back = forms.CharField(required=False, max_length=1000)

    # Its fields sit on the inbox page beside the filter's own (assignee, unit).
    prefix = "bulk"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Who may really take a case is checked per case by assign_case.
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        assignee.queryset = get_user_model().objects.filter(is_active=True)
        to_unit = cast(forms.ModelChoiceField, self.fields["to_unit"])
        to_unit.queryset = OrgUnit.objects.active().filter(accepts_cases=True)

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        action = data.get("action")
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose the officer."))
        if action == "refer":
            if not data.get("to_unit"):
                self.add_error("to_unit", _("Choose the unit."))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Give the reason for the referral."))
        if action == "close" and not data.get("closure_code"):
            self.add_error("closure_code", _("Choose a closure code."))
        data["back"] = clean_inbox_query(data.get("back") or "")
        return data

    def params(self) -> dict:
        data = self.cleaned_data
        return {
            "assign": {"assignee": data.get("assignee")},
            "refer": {"to_unit": data.get("to_unit"), "reason": data.get("reason") or ""},
            "close": {"closure_code": data.get("closure_code")},
        }[data["action"]]
