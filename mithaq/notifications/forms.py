"""The template editor's form: placeholders are checked against what the event offers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .defaults import placeholders_for
from .models import MessageTemplate
from .rendering import placeholders_in


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8, "dir": "auto"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.channel != "email":
            del self.fields["subject"]
        self.allowed = placeholders_for(self.instance.event_key)

    def _check(self, value: str) -> str:
        try:
            used = placeholders_in(value)
        except ValueError:
            raise forms.ValidationError(
                _("A brace is not closed: write placeholders as {reference}.")
            ) from None
        unknown = sorted(n for n in used if n not in self.allowed)
        if unknown:
            raise forms.ValidationError(
                _("Unknown placeholders: %(names)s. Available: %(allowed)s.")
                % {
                    "names": ", ".join(f"{{{n}}}" for n in unknown),
                    "allowed": ", ".join(f"{{{n}}}" for n in self.allowed),
                }
            )
        return value

    def clean_subject(self):
        return self._check(self.cleaned_data["subject"])

    def clean_body(self):
        return self._check(self.cleaned_data["body"])
