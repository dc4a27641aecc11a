"""The base of every case action's form (cases.forms.staff.ACTION_FORMS): it knows its case,
the person acting and its action, whose name prefixes its fields."""

from django import forms

from mithaq.cases.states import Action


class CaseActionForm(forms.Form):
    action: Action

    def __init__(self, *args, case, user, **kwargs):
        self.case = case
        self.user = user
        kwargs["prefix"] = self.action.value
        super().__init__(*args, **kwargs)
