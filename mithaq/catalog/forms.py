"""The office manager's forms for the catalogue: a service and one version of it, with its
documents, fees, steps, eligibility questions and FAQ, Arabic and English side by side."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import (
    Fee,
    RequiredDocument,
    Service,
    ServiceFaq,
    ServiceQuestion,
    ServiceStep,
    ServiceVersion,
)

_TEXT = {"rows": 2}


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name_ar", "name_en", "description_ar", "description_en", "is_active"]
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "description_ar": forms.Textarea(attrs={**_TEXT, "dir": "rtl", "lang": "ar"}),
            "description_en": forms.Textarea(attrs={**_TEXT, "dir": "ltr", "lang": "en"}),
        }


class NewVersionForm(forms.Form):
    effective_from = forms.DateField(
        label=_("Takes effect from"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _side_by_side(fields):
    widgets = {}
    for name in fields:
        lang = "ar" if name.endswith("_ar") else "en" if name.endswith("_en") else None
        if lang is None:
            continue
        attrs = {"dir": "rtl" if lang == "ar" else "ltr", "lang": lang}
        widgets[name] = forms.Textarea(attrs={**_TEXT, **attrs})
    return widgets


_VERSION_FIELDS = [
    "who_may_apply_ar",
    "who_may_apply_en",
    "where_to_apply_ar",
    "where_to_apply_en",
    "apply_online",
    "apply_at_window",
    "apply_by_letter",
    "min_days_before_decision",
    "file_complete_starts_clock",
    "declaration_ar",
    "declaration_en",
]


class VersionForm(forms.ModelForm):
    class Meta:
        model = ServiceVersion
        fields = _VERSION_FIELDS
        widgets = _side_by_side(_VERSION_FIELDS)


def _formset(model, fields):
    return inlineformset_factory(
        ServiceVersion,
        model,
        fields=fields,
        widgets=_side_by_side(fields),
        extra=1,
        can_delete=True,
    )


DocumentFormSet = _formset(
    RequiredDocument,
    ["position", "name_ar", "name_en", "form", "count", "is_required", "notes_ar", "notes_en"],
)
FeeFormSet = _formset(
    Fee,
    [
        "position",
        "label_ar",
        "label_en",
        "amount",
        "currency",
        "exemptions_ar",
        "exemptions_en",
        "how_to_pay_ar",
        "how_to_pay_en",
    ],
)
StepFormSet = _formset(ServiceStep, ["position", "actor", "text_ar", "text_en"])
QuestionFormSet = _formset(
    ServiceQuestion,
    ["position", "question_ar", "question_en", "eligible_answer", "refusal_ar", "refusal_en"],
)
FaqFormSet = _formset(
    ServiceFaq, ["position", "question_ar", "question_en", "answer_ar", "answer_en"]
)

# (prefix, heading, formset class)
FORMSETS = [
    ("documents", _("Documents"), DocumentFormSet),
    ("fees", _("Fees"), FeeFormSet),
    ("steps", _("Steps"), StepFormSet),
    ("questions", _("Eligibility questions"), QuestionFormSet),
    ("faqs", _("Questions and answers"), FaqFormSet),
]
