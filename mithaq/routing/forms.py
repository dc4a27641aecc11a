"""Forms of the clocks page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class HolidayDateForm(forms.Form):
    date = forms.DateField(
        label=_("Correct date"),
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "dir": "ltr", "aria-label": _("Correct date")}
        ),
    )
