"""The form of a case's restriction to named people."""

from django import forms
from django.utils.translation import gettext_lazy as _


class StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


class RestrictForm(forms.Form):
    """Who may see a case: nobody named lifts the restriction."""

    people = StaffChoice(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Visible only to"),
        help_text=_("You are added to those named. Name nobody to lift the restriction."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        people = self.fields["people"]
        assert isinstance(people, forms.ModelMultipleChoiceField)  # noqa: S101 - for the type
        people.queryset = staff.order_by("full_name", "username")
