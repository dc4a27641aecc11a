"""Forms of ready answers: the list's filters, the canned reply editor and the FAQ editor.

The editors have one title/text pair per language of settings.LANGUAGES; Arabic is required."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mithaq.cases.forms.fields import INDENT

from .placeholders import PLACEHOLDERS, unknown_placeholders

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def _unit_choices(units, blank):
    return [("", blank)] + [(str(u.pk), INDENT * max(u.depth - 1, 0) + u.name) for u in units]


def _service_choices(services, blank):
    groups: dict[str, list] = {}
    for service in services:
        groups.setdefault(service.unit.name, []).append((str(service.pk), service.name))
    return [("", blank)] + list(groups.items())


class ReplyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    inactive = forms.BooleanField(label=_("Show those no longer in use"), required=False)

    def __init__(self, *args, units, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.services = {str(s.pk): s for s in services}
        cast(forms.ChoiceField, self.fields["unit"]).choices = _unit_choices(units, _("All units"))
        cast(forms.ChoiceField, self.fields["service"]).choices = _service_choices(
            services, _("All services")
        )
        cast(forms.ChoiceField, self.fields["language"]).choices = [("", _("All languages"))] + [
            (code, str(name)) for code, name in settings.LANGUAGES
        ]

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q", ""),
            "unit": self.units.get(data.get("unit") or ""),
            "service": self.services.get(data.get("service") or ""),
            "language": data.get("language", ""),
            "active": None if data.get("inactive") else True,
        }


class _TranslatedForm(forms.Form):
    """Adds one pair of fields per language: `<first>_<lang>` and `<second>_<lang>`."""

    first: "tuple[str, StrOrPromise, int]"  # field name, label, max length
    second: "tuple[str, StrOrPromise]"

    def __init__(self, *args, texts=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        for text in texts or ():
            initial[f"{self.first[0]}_{text.language}"] = getattr(text, self.first[0])
            initial[f"{self.second[0]}_{text.language}"] = getattr(text, self.second[0])
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            required = code == settings.LANGUAGE_CODE
            attrs = {"lang": code, "dir": "rtl" if code in settings.LANGUAGES_BIDI else "ltr"}
            self.fields[f"{self.first[0]}_{code}"] = forms.CharField(
                label=f"{self.first[1]} ({name})",
                max_length=self.first[2],
                required=required,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"{self.second[0]}_{code}"] = forms.CharField(
                label=f"{self.second[1]} ({name})",
                required=required,
                widget=forms.Textarea(attrs={**attrs, "rows": 7}),
            )

    def language_fields(self):
        """[(language name, first field, second field)] for the template."""
        return [
            (name, self[f"{self.first[0]}_{code}"], self[f"{self.second[0]}_{code}"])
            for code, name in settings.LANGUAGES
        ]

    def texts(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            code: (
                data.get(f"{self.first[0]}_{code}", ""),
                data.get(f"{self.second[0]}_{code}", ""),
            )
            for code, _name in settings.LANGUAGES
        }

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        for code, _name in settings.LANGUAGES:
            first = (data.get(f"{self.first[0]}_{code}") or "").strip()
            second = (data.get(f"{self.second[0]}_{code}") or "").strip()
            if bool(first) != bool(second):
                missing = self.second[0] if first else self.first[0]
                self.add_error(
                    f"{missing}_{code}", _("Fill in both parts of this language, or neither.")
                )
        return data


class CannedReplyForm(_TranslatedForm):
    first = ("title", _("Title"), 150)
    second = ("body", _("Text"))

    unit = forms.ChoiceField(
        label=_("Unit"),
        required=False,
        help_text=_("Its cases and those of the units under it. Empty: every unit."),
    )
    service = forms.ChoiceField(
        label=_("Service"),
        required=False,
        help_text=_("Only cases about this service. Empty: any service."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, units, services, institution_wide: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.services = {str(s.pk): s for s in services}
        blank = _("Every unit") if institution_wide else _("— Choose —")
        cast(forms.ChoiceField, self.fields["unit"]).choices = _unit_choices(units, blank)
        cast(forms.ChoiceField, self.fields["service"]).choices = _service_choices(
            services, _("Any service")
        )
        self.institution_wide = institution_wide

    def clean(self):
        data = super().clean()
        data["unit"] = self.units.get(data.get("unit") or "")
        data["service"] = self.services.get(data.get("service") or "")
        if not self.institution_wide and data["unit"] is None and data["service"] is None:
            self.add_error("unit", _("Choose a unit or a service of yours."))
        return data

    def unknown(self) -> dict[str, list[str]]:
        """{language name: [unknown placeholders]} of the texts as they stand in the form."""
        found = {}
        for name, title, body in self.language_fields():
            value = f"{title.value() or ''}\n{body.value() or ''}"
            if names := unknown_placeholders(value):
                found[name] = names
        return found

    @staticmethod
    def placeholders():
        return PLACEHOLDERS


class FaqEntryForm(_TranslatedForm):
    first = ("question", _("Question"), 300)
    second = ("answer", _("Answer"))

    service = forms.ChoiceField(label=_("Service"))
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=1000,
        initial=10,
        help_text=_("Lower numbers come first."),
    )
    is_published = forms.BooleanField(
        label=_("Published on the portal"), required=False, initial=False
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {str(s.pk): s for s in services}
        cast(forms.ChoiceField, self.fields["service"]).choices = _service_choices(
            services, _("— Choose —")
        )

    def clean(self):
        data = super().clean()
        data["service"] = self.services.get(data.get("service") or "")
        return data
