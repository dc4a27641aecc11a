"""The audit trail's filters (mithaq/cases/views/audit.py)."""

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from mithaq.cases.forms.public import normalize_code
from mithaq.cases.models import ConfidentialRead
from mithaq.common.ids import PAGE_MAX


class ConfidentialReadFilterForm(forms.Form):
    case = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    user = forms.ModelChoiceField(
        label=_("Read by"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("Anyone"),
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=PAGE_MAX, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone who has read an identity, former staff too: one index probe per person
        # (staff are few, reads many).
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = (
            get_user_model()
            .objects.filter(Exists(ConfidentialRead.objects.filter(user=OuterRef("pk"))))
            .only("username", "full_name", "first_name", "last_name")
            .order_by("full_name", "username")
        )

    def clean_case(self) -> str:
        return normalize_code(self.cleaned_data["case"])

    def filters(self) -> dict:
        """The valid filters and the page. One in error is left out (its message is shown
        next to it); the others still apply."""
        if not self.is_bound:
            return {"code": "", "user": None, "page": 1}
        self.is_valid()
        data = self.cleaned_data
        return {
            "code": data.get("case") or "",
            "user": data.get("user"),
            "page": data.get("page") or 1,
        }
