"""The staff's forms for government systems and the ministry's letters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mithaq.cases.states import ExternalSystem

from .models import Letter


class ExternalEntryForm(forms.Form):
    system = forms.ChoiceField(label=_("External system"), choices=ExternalSystem.choices)
    reference = forms.CharField(label=_("Reference in that system"), max_length=80)
    status = forms.CharField(label=_("Status there"), max_length=80, required=False)
    closure_code = forms.CharField(
        label=_("Closure code given by that system"), max_length=40, required=False
    )


class LetterForm(forms.Form):
    case_code = forms.CharField(label=_("Case reference"), max_length=20)
    direction = forms.ChoiceField(label=_("Direction"), choices=Letter.Direction.choices)
    body_name = forms.CharField(
        label=_("Body"), max_length=150, initial=_("Ministry of Higher Education")
    )
    number = forms.CharField(label=_("Letter number"), max_length=60)
    date = forms.DateField(label=_("Letter date"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_case_code(self):
        return self.cleaned_data["case_code"].strip().upper()
