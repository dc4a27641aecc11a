"""Reception registers a case that came by walk-in, phone, letter, email, social media or a
branch office."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mithaq.cases.forms.intake import CaseIntakeForm
from mithaq.cases.states import STAFF_CHANNELS, Channel, Kind


class ReceptionCaseForm(CaseIntakeForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    channel = forms.ChoiceField(
        label=_("Arrived by"), choices=[(c.value, c.label) for c in STAFF_CHANNELS]
    )
    letter_number = forms.CharField(
        label=_("Incoming letter number"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    letter_date = forms.DateField(
        label=_("Incoming letter date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    citizen_language = forms.ChoiceField(label=_("Citizen's language"), choices=settings.LANGUAGES)

    field_order = [
        "kind",
        "channel",
        "letter_number",
        "letter_date",
        "unit",
        "service",
        "subject",
        "body",
        "remedy_sought",
        "files",
        "citizen_name",
        "citizen_phone",
        "citizen_email",
        "citizen_national_id",
        "citizen_group",
        "citizen_language",
        "identity_confidential",
        "is_collective",
        "head_count",
        "is_urgent",
    ]

    def __init__(self, *args, **kwargs):
        # Every field is offered: the kind is chosen in the form itself.
        super().__init__(*args, kind=Kind.COMPLAINT, **kwargs)
        self.order_fields(self.field_order)
        self.fields["files"].label = _("Attachments (a letter's scan, documents)")
        self.fields["citizen_group"].label = _("Citizen group")
        self.fields["citizen_name"].label = _("Citizen's full name")
        self.fields["identity_confidential"].label = _(
            "The citizen asks that their identity be kept confidential"
        )
        self.fields["identity_confidential"].help_text = ""
        self.fields["remedy_sought"].label = _("Remedy the citizen seeks")
        self.fields["remedy_sought"].help_text = ""

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.LETTER:
            if not data.get("letter_number"):
                self.add_error("letter_number", _("A letter needs its incoming number."))
            if not data.get("letter_date"):
                self.add_error("letter_date", _("A letter needs its date."))
        if data.get("kind") != Kind.COMPLAINT:
            data["is_urgent"] = False
        return data

    def case_fields(self) -> dict:
        fields = super().case_fields()
        data = self.cleaned_data
        fields.update(
            kind=data["kind"],
            channel=data["channel"],
            letter_number=data.get("letter_number", ""),
            letter_date=data.get("letter_date"),
            citizen_language=data["citizen_language"],
        )
        return fields
