"""The fields every new case needs, whoever types them: the citizen on the portal or
reception at the desk. Subclasses add what their channel needs."""

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mithaq.accounts.models import OrgUnit
from mithaq.cases.forms.staff import MultipleFileField, unit_choices
from mithaq.cases.states import CitizenGroup, Kind
from mithaq.catalog.models import Service
from mithaq.common.phones import parse_phone
from mithaq.common.text import to_ascii_digits


class CaseIntakeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit concerned"), queryset=OrgUnit.objects.none())
    service = forms.ModelChoiceField(
        label=_("Service (optional)"), queryset=Service.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 6}))
    remedy_sought = forms.CharField(
        label=_("What do you ask for?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The remedy or outcome the citizen seeks."),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        help_text=_("PDF, images, Word or Excel; up to 10 MB each."),
    )
    citizen_name = forms.CharField(label=_("Full name"), max_length=150)
    citizen_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"type": "tel", "dir": "ltr", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    citizen_email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
    )
    citizen_national_id = forms.CharField(
        label=_("National ID number (optional)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    citizen_group = forms.ChoiceField(label=_("You are"), choices=CitizenGroup.choices)
    identity_confidential = forms.BooleanField(
        label=_("Keep my identity confidential"),
        required=False,
        help_text=_("Only the citizens' affairs office will see your name and contacts."),
    )
    is_collective = forms.BooleanField(label=_("On behalf of a group of people"), required=False)
    head_count = forms.IntegerField(
        label=_("Number of people"), required=False, min_value=2, max_value=100000
    )
    is_urgent = forms.BooleanField(
        label=_("Urgent distress appeal"),
        required=False,
        help_text=_("For urgent hardship that cannot wait: it is answered first."),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = Kind(kind)
        super().__init__(*args, **kwargs)
        units = list(OrgUnit.objects.active().filter(accepts_cases=True))
        self.fields["unit"].queryset = OrgUnit.objects.active().filter(accepts_cases=True)
        self.fields["unit"].choices = [("", "---------")] + unit_choices(units)
        self.fields["service"].queryset = Service.objects.active().select_related("unit")
        self.fields["files"].max_files = settings.MITHAQ_MAX_UPLOADS_PER_FORM
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
        if self.kind != Kind.COMPLAINT:
            del self.fields["is_urgent"]
        if self.kind in (Kind.PRAISE, Kind.SUGGESTION, Kind.INQUIRY):
            del self.fields["remedy_sought"]

    def clean_citizen_phone(self):
        return parse_phone(self.cleaned_data["citizen_phone"])

    def clean_citizen_national_id(self):
        value = to_ascii_digits(self.cleaned_data.get("citizen_national_id", "")).strip()
        if value and not value.replace(" ", "").isalnum():
            raise forms.ValidationError(_("Use only letters and digits."), code="national_id")
        return value.replace(" ", "")

    def clean(self):
        data = super().clean()
        unit, service = data.get("unit"), data.get("service")
        if unit and service and service.unit_id != unit.pk:
            self.add_error("service", _("This service is not offered by the chosen unit."))
        if data.get("is_collective"):
            if not data.get("head_count"):
                self.add_error("head_count", _("Give the number of people (two or more)."))
        else:
            data["head_count"] = 1
        return data

    def case_fields(self) -> dict:
        """The cleaned data as keyword arguments for services.submit_case."""
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "unit": data["unit"],
            "service": data.get("service"),
            "subject": data["subject"],
            "body": data["body"],
            "remedy_sought": data.get("remedy_sought", ""),
            "files": data.get("files") or [],
            "citizen_name": data["citizen_name"],
            "citizen_phone": data["citizen_phone"],
            "citizen_email": data.get("citizen_email", ""),
            "citizen_national_id": data.get("citizen_national_id", ""),
            "citizen_group": data["citizen_group"],
            "identity_confidential": data.get("identity_confidential", False),
            "is_collective": data.get("is_collective", False),
            "head_count": data.get("head_count") or 1,
            "is_urgent": data.get("is_urgent", False),
            "submission_token": data["submission_token"],
        }
