"""Staff sign-in and the second factor's forms."""

from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mithaq.common.text import to_ascii_digits

from .models import User


class StaffLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The username or password is not right."),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "dir": "ltr"})


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "dir": "ltr",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self):
        return to_ascii_digits(self.cleaned_data["code"]).strip()


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label=_("Enrolment code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "dir": "ltr", "autofocus": True, "spellcheck": "false"}
        ),
    )


class IssueEnrolmentCodeForm(forms.Form):
    """Whom to give an enrolment code: an active member of staff."""

    user = forms.ModelChoiceField(label=_("Member of staff"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = (
            User.objects.filter(is_active=True, memberships__isnull=False)
            .distinct()
            .order_by("full_name", "username")
        )
