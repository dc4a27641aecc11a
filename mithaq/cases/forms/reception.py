"""Reception registers a case that came by walk-in, phone, letter, email, social media or a
branch office: the portal's form, seen from the desk, plus the channel and the letter."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mithaq.cases.forms.public import SubmitForm
from mithaq.cases.states import STAFF_CHANNELS, Channel, Kind


class ReceptionCaseForm(SubmitForm):
    # A declared field: Django's form metaclass takes it off the class (SubmitForm.kind is
    # set on the instance).
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)  # type: ignore[assignment]
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
        "attachments",
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
        # Built as a complaint so that every field is offered; the kind is chosen below.
        super().__init__(*args, kind=Kind.COMPLAINT, **kwargs)
        self.order_fields(self.field_order)
        relabel = {
            "attachments": _("Attachments (a letter's scan, documents)"),
            "citizen_name": _("Citizen's full name"),
            "citizen_group": _("Citizen group"),
            "identity_confidential": _("The citizen asks that their identity be kept confidential"),
            "is_collective": _("On behalf of a group of people"),
            "head_count": _("Number of people"),
            "remedy_sought": _("Remedy the citizen seeks"),
            "is_urgent": _("Urgent distress appeal"),
        }
        for name, label in relabel.items():
            self.fields[name].label = label
        # The portal's help texts speak to the citizen; at the desk they are noise.
        for name in (
            "unit",
            "service",
            "remedy_sought",
            "citizen_phone",
            "identity_confidential",
            "subject",
            "body",
            "is_urgent",
        ):
            self.fields[name].help_text = ""
        self.fields["remedy_sought"].required = False

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.LETTER:
            if not data.get("letter_number"):
                self.add_error("letter_number", _("A letter needs its incoming number."))
            if not data.get("letter_date"):
                self.add_error("letter_date", _("A letter needs its date."))
            # The letter itself is the record: its scan is attached when it is registered. A
            # file refused for its type already has its own message there.
            if not data.get("attachments") and "attachments" not in self.errors:
                self.add_error("attachments", _("Attach the letter's scan."))
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
            is_urgent=data.get("is_urgent", False) and data["kind"] == Kind.COMPLAINT,
        )
        return fields
