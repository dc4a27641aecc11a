"""The Reports pages' forms: asking for a pack, signing it off, recording its submission."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mithaq.accounts.models import OrgUnit

from .models import SubmissionWay
from .periods import Period, parse_period


class RequestPackForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=24,
        help_text=_("monthly:2026-11, semiannual:2026-H2 or annual:2026"),
    )
    unit = forms.ModelChoiceField(
        label=_("Scope"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("The whole institution"),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("ar", "العربية"), ("en", "English")], initial="ar"
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)  # noqa: S101 (declared above)
        unit.queryset = OrgUnit.objects.active().order_by("path")

    def clean_period(self) -> Period:
        return parse_period(self.cleaned_data["period"], today=self.today)


class SignOffForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubmitForm(forms.Form):
    recipient = forms.CharField(label=_("Recipient"), max_length=200)
    way = forms.ChoiceField(label=_("Way"), choices=SubmissionWay.choices, widget=forms.RadioSelect)
    email = forms.EmailField(label=_("Email address"), required=False)
    letter_number = forms.CharField(
        label=_("Outgoing letter number"), required=False, max_length=60
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("way") == SubmissionWay.EMAIL and not data.get("email"):
            raise ValidationError({"email": _("Give the recipient's email address.")})
        if (
            data.get("way") == SubmissionWay.BY_HAND
            and not (data.get("letter_number") or "").strip()
        ):
            raise ValidationError({"letter_number": _("Give the outgoing letter's number.")})
        return data


class LogoForm(forms.Form):
    logo = forms.FileField(label=_("Logo"), help_text=_("A PNG or JPEG image."))


class CharterTextForm(forms.Form):
    text_ar = forms.CharField(
        label=_("Text in Arabic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "rtl"}),
    )
    text_en = forms.CharField(
        label=_("Text in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "ltr"}),
    )
