"""Staff sign-in."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
