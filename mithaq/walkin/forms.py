"""The hall's forms: the kiosk, the reception desk, the window's actions and the rating."""

import datetime
import uuid
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mithaq.cases.forms.public import normalize_code
from mithaq.common.phones import parse_phone
from mithaq.scheduling.models import WeeklyHours

from .bookings import week_order
from .models import Counter, Hall, HallService
from .states import Face, Outcome


class IssueForm(forms.Form):
    """What the kiosk (and the reception desk) asks: the service, priority and a phone."""

    service = forms.ModelChoiceField(
        label=_("Service"), queryset=HallService.objects.none(), empty_label=None
    )
    is_priority = forms.BooleanField(label=_("I am elderly or have special needs"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone (optional), to be told when your turn is near"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off", "dir": "ltr"}
        ),
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, hall: Hall, **kwargs):
        super().__init__(*args, **kwargs)
        self.hall = hall
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = hall.services.filter(
            is_active=True, service__is_active=True
        ).select_related("service")
        if not self.is_bound and "token" not in self.initial:
            self.initial["token"] = uuid.uuid4()
        expired = _("This form has expired. Please try again.")
        self.fields["token"].error_messages.update(required=expired, invalid=expired)

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        return parse_phone(raw) if raw else ""


class TransferForm(forms.Form):
    to_service = forms.ModelChoiceField(
        label=_("To the service"), queryset=HallService.objects.none(), required=False
    )
    to_counter = forms.ModelChoiceField(
        label=_("Or to the window"), queryset=Counter.objects.none(), required=False
    )

    def __init__(self, *args, hall: Hall, exclude_counter: Counter | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        to_service = cast(forms.ModelChoiceField, self.fields["to_service"])
        to_service.queryset = hall.services.filter(is_active=True).select_related("service")
        to_service.label_from_instance = lambda s: f"{s.letter} · {s.service.name}"  # type: ignore[method-assign,assignment]  # per-instance label, as Django documents
        counters = hall.counters.filter(is_active=True)
        if exclude_counter is not None:
            counters = counters.exclude(pk=exclude_counter.pk)
        to_counter = cast(forms.ModelChoiceField, self.fields["to_counter"])
        to_counter.queryset = counters
        to_counter.label_from_instance = lambda c: str(c.number)  # type: ignore[method-assign,assignment]  # per-instance label, as Django documents

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if bool(data.get("to_service")) == bool(data.get("to_counter")):
            raise ValidationError(_("Choose a service or a window to transfer to."))
        return data


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)


class AttachCaseForm(forms.Form):
    code = forms.CharField(
        label=_("Reference of an existing case"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def clean_code(self):
        return normalize_code(self.cleaned_data["code"])


class RatingForm(forms.Form):
    face = forms.ChoiceField(choices=Face.choices)


class BookForm(forms.Form):
    """A citizen books a time for a hall service: the slot (its start, as offered) and a
    mobile phone for the code."""

    slot = forms.CharField(label=_("Time"), max_length=40)
    phone = forms.CharField(
        label=_("Mobile phone, for the appointment code"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}
        ),
    )

    def clean_slot(self):
        return parse_slot(self.cleaned_data["slot"])

    def clean_phone(self):
        return parse_phone(self.cleaned_data["phone"].strip())


class MoveForm(forms.Form):
    slot = forms.CharField(label=_("New time"), max_length=40)

    def clean_slot(self):
        return parse_slot(self.cleaned_data["slot"])


def parse_slot(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationError(_("Choose one of the times offered."), code="slot") from exc
    if moment.tzinfo is None:
        raise ValidationError(_("Choose one of the times offered."), code="slot")
    return moment


class CheckInForm(forms.Form):
    booking_code = forms.CharField(
        label=_("Booked online? Type your appointment code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
    )


class HoursForm(forms.Form):
    """Weekly appointment hours for one of the hall's services (its supervisor)."""

    service = forms.ModelChoiceField(
        label=_("Service"), queryset=HallService.objects.none(), empty_label=None
    )
    weekday = forms.TypedChoiceField(label=_("Day"), coerce=int, choices=())
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    quota = forms.IntegerField(label=_("Appointments"), min_value=1, max_value=200)

    def __init__(self, *args, hall: Hall, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = hall.services.filter(
            is_active=True
        ).select_related("service")
        labels = dict(WeeklyHours._meta.get_field("weekday").choices or [])
        cast(forms.TypedChoiceField, self.fields["weekday"]).choices = [
            (day, labels[day]) for day in week_order()
        ]


class ClosureForm(forms.Form):
    """A one-off closure of a service's appointments: a day, or days from..to, and why."""

    service = forms.ModelChoiceField(
        label=_("Service"), queryset=HallService.objects.none(), empty_label=None
    )
    first_day = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "dir": "ltr"}),
    )
    last_day = forms.DateField(
        label=_("To (leave empty for one day)"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "dir": "ltr"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    cancel_booked = forms.BooleanField(
        label=_(
            "Cancel the appointments already booked on these days and tell each citizen by SMS"
        ),
        required=False,
    )

    def __init__(self, *args, hall: Hall, **kwargs):
        kwargs.setdefault("prefix", "closure")  # beside the hours' form on one page
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = hall.services.filter(
            is_active=True, schedule__isnull=False
        ).select_related("service")

    def clean(self):
        data = super().clean() or {}
        if data.get("first_day") and not data.get("last_day"):
            data["last_day"] = data["first_day"]
        return data


class WindowForm(forms.ModelForm):
    class Meta:
        model = Hall
        fields = ["booking_window_minutes"]
