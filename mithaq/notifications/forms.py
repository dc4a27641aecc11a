"""The template editor's form: placeholders are checked against what the event offers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .defaults import placeholders_for
from .models import MessageTemplate
from .rendering import placeholders_in


def check_placeholders(value: str, allowed) -> str:
    """`value` if every {placeholder} in it is one of `allowed` (the event's, defaults.
    placeholders_for); ValidationError otherwise. The office's template editor and the message
    templates' page in Django's admin both check here."""
    try:
        used = placeholders_in(value)
    except ValueError:
        raise forms.ValidationError(
            _("A brace is not closed: write placeholders as {reference}."), code="brace"
        ) from None
    unknown = sorted(n for n in used if n not in allowed)
    if unknown:
        raise forms.ValidationError(
            _("Unknown placeholders: %(names)s. Available: %(allowed)s.")
            % {
                "names": ", ".join(f"{{{n}}}" for n in unknown),
                "allowed": ", ".join(f"{{{n}}}" for n in allowed),
            },
            code="placeholder",
        )
    return value


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

    def clean_subject(self):
        return check_placeholders(self.cleaned_data["subject"], self.allowed)

    def clean_body(self):
        return check_placeholders(self.cleaned_data["body"], self.allowed)


class TemplateAdminForm(forms.ModelForm):
    """The template's page in Django's admin: its subject and text may use only the
    placeholders of its event, as in the office's editor (check_placeholders). The admin gives
    the model and its fields."""

    def clean(self):
        cleaned = super().clean() or {}
        allowed = placeholders_for(cleaned.get("event_key") or self.instance.event_key)
        for name in ("subject", "body"):
            if cleaned.get(name):
                try:
                    check_placeholders(cleaned[name], allowed)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned
