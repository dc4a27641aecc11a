"""The survey's three questions and its comment, and the period of the results page."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import COMMENT_MAX, Answer
from .states import Resolved

SATISFACTION_CHOICES = [
    (1, _("1 · Very dissatisfied")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 · Very satisfied")),
]
EFFORT_CHOICES = [
    (1, _("1 · Very hard")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 · Very easy")),
]


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    effort = forms.TypedChoiceField(
        label=_("How easy was it to get what you needed?"),
        choices=EFFORT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    resolved = forms.ChoiceField(
        label=_("Was your request resolved?"),
        choices=Resolved.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether your request was resolved.")},
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def answer(self) -> Answer:
        data = self.cleaned_data
        return Answer(
            satisfaction=data["satisfaction"],
            effort=data["effort"],
            resolved=data["resolved"],
            comment=data["comment"],
        )

    @classmethod
    def initial_of(cls, row) -> dict:
        if row is None:
            return {}
        return {
            "satisfaction": row.satisfaction,
            "effort": row.effort,
            "resolved": row.resolved,
            "comment": row.comment,
        }


class PeriodForm(forms.Form):
    """The months the results cover: from the first day of `start` to the end of `end`."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start comes after the end."), code="order")
        return cleaned

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """[start, end] as dates, both included: a year back to today by default."""
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or (end.replace(day=1) - datetime.timedelta(days=335)).replace(
            day=1
        )
        return start, end


class OutcomeStepForm(forms.Form):
    """The next stage of an accepted suggestion, with its public note; the first stage also
    takes the suggestion in public words (`first`)."""

    said_ar = forms.CharField(
        label=_("The suggestion, in public words (Arabic)"),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "rtl", "lang": "ar"}),
        help_text=_("Shown on the public page: name no one."),
    )
    said_en = forms.CharField(
        label=_("The suggestion, in public words (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "lang": "en"}),
    )
    note_ar = forms.CharField(
        label=_("Public note (Arabic)"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "ar"}),
    )
    note_en = forms.CharField(
        label=_("Public note (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "en"}),
    )

    def __init__(self, *args, first: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not first:
            del self.fields["said_ar"]
            del self.fields["said_en"]
