"""Forms of the citizen registry and of the duplicate actions (merge, link) on a case."""

from django import forms
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from mithaq.cases.access import get_case_for_user
from mithaq.cases.forms.actions import CaseActionForm
from mithaq.cases.forms.public import normalize_code
from mithaq.cases.states import Action
from mithaq.citizens.models import ContactChannel


class _CaseActionForm(CaseActionForm):
    """A duplicate action's form: the other case is named by its reference."""

    def _other_case(self, field: str):
        code = normalize_code(self.cleaned_data[field])
        try:
            other = get_case_for_user(self.user, code, action=self.action)
        except Http404:
            other = None
        if other is None:
            raise forms.ValidationError(
                _("No case with this reference that you can act on."), code="unknown"
            )
        if other.pk == self.case.pk:
            raise forms.ValidationError(_("Give the reference of another case."), code="self")
        return other


def _reference_field(label):
    return forms.CharField(
        label=label,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "dir": "ltr",
                "class": "code-input",
                "autocomplete": "off",
                "placeholder": "ABCD-EFGH",
            }
        ),
    )


class MergeForm(_CaseActionForm):
    action = Action.MERGE
    survivor = _reference_field(_("Merge this case into (reference)"))
    note = forms.CharField(
        label=_("Why (staff only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )

    def clean_survivor(self):
        return self._other_case("survivor")


class LinkForm(_CaseActionForm):
    action = Action.LINK
    other = _reference_field(_("Related case (reference)"))

    def clean_other(self):
        return self._other_case("other")


DUPLICATE_ACTION_FORMS = (MergeForm, LinkForm)


class FindCitizenForm(forms.Form):
    """Find a person by phone (any way it is written), national ID or name."""

    q = forms.CharField(
        label=_("Phone, national ID or name"),
        max_length=150,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off", "type": "search"}),
    )


class PreferencesForm(forms.Form):
    allow_sms = forms.BooleanField(label=_("SMS allowed"), required=False)
    allow_whatsapp = forms.BooleanField(label=_("WhatsApp allowed"), required=False)
    allow_email = forms.BooleanField(label=_("Email allowed"), required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"),
        required=False,
        choices=[("", _("No preference"))] + list(ContactChannel.choices),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
