"""The citizen's forms on the portal: submit a case, track it, answer the office."""

import re
import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from mithaq.accounts.models import OrgUnit, UnitKind
from mithaq.cases.services import clocks
from mithaq.catalog import choices
from mithaq.catalog.models import RequiredDocument, Service, ServiceQuestion, ServiceVersion
from mithaq.common.ids import parse_id
from mithaq.common.phones import parse_phone
from mithaq.common.text import to_ascii_digits
from mithaq.common.uploads import check_upload

from ..models import CODE_ALPHABET, Case
from ..states import CitizenGroup, Kind
from .fields import (
    ACCEPTED_FILES,
    INDENT,
    KeptChoiceField,
    MultipleFileField,
    UnitSelect,
    unit_tree,
)


def presidency_unit() -> OrgUnit | None:
    return (
        OrgUnit.objects.active()
        .filter(kind=UnitKind.PRESIDENCY, accepts_cases=True)
        .order_by("path")
        .first()
    )


def normalize_national_id(value: str) -> str:
    return re.sub(r"[\s\-_.]", "", to_ascii_digits(value or ""))


class SubmitForm(forms.Form):
    """What a citizen brings. The fields shown depend on the kind: the remedy sought and the
    urgent appeal belong to complaints; a request to the president goes to the presidency."""

    unit = KeptChoiceField(
        label=_("The college, department or office concerned"),
        queryset=OrgUnit.objects.active().filter(accepts_cases=True),
        kept=choices.CASE_UNITS,
        widget=UnitSelect,
        # Not knowing is fine: the routing rules or the citizens' affairs office direct it.
        required=False,
        help_text=_("If you are not sure, leave it: the citizens' affairs office will pass it on."),
    )
    service = KeptChoiceField(
        label=_("Service (optional)"),
        queryset=Service.objects.active(),
        kept=choices.SERVICES,
        required=False,
    )
    subject = forms.CharField(
        label=pgettext_lazy("case", "Subject"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("A short title, for example: delay in issuing a transcript."),
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 7, "dir": "auto"}),
        help_text=_("What happened, when and where; include the numbers of earlier requests."),
    )
    remedy_sought = forms.CharField(
        label=_("What do you ask for?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("The remedy you seek, for example: issue the document, correct a mark."),
    )
    attachments = MultipleFileField(
        label=_("Documents (optional)"),
        help_text=ngettext_lazy(
            "PDF, photos, Word or Excel; up to %(count)d file.",
            "PDF, photos, Word or Excel; up to %(count)d files.",
            "count",
        ),
    )
    is_urgent = forms.BooleanField(
        label=_("This is an urgent distress appeal"),
        required=False,
        help_text=_(
            "A fast lane for urgent distress that cannot wait (health, safety, a deadline "
            "in days): the office answers %(promise)s. Please use it only then."
        ),
    )
    citizen_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    citizen_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}
        ),
        help_text=_("We send news of your case to this number; you also track with it."),
    )
    citizen_email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    citizen_national_id = forms.CharField(
        label=_("National ID number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    citizen_group = forms.ChoiceField(
        label=_("You are"),
        choices=CitizenGroup.choices,
        initial=CitizenGroup.COMMUNITY,
    )
    identity_confidential = forms.BooleanField(
        label=_("Keep my identity confidential"),
        required=False,
        help_text=_(
            "Only the citizens' affairs office and the leadership will see your name and "
            "contact details; every look at them is recorded."
        ),
    )
    is_collective = forms.BooleanField(
        label=_("I write on behalf of a group of people"),
        required=False,
    )
    head_count = forms.IntegerField(
        label=_("Number of people, yourself included"),
        min_value=2,
        max_value=100000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = Kind(kind)
        self.fixed_unit = None
        if not self.is_bound and "token" not in self.initial:
            self.initial["token"] = uuid.uuid4()
        self.fields["token"].error_messages["required"] = _(
            "This form has expired. Please send it again."
        )
        self.fields["token"].error_messages["invalid"] = _(
            "This form has expired. Please send it again."
        )
        self.fields["attachments"].help_text = self.fields["attachments"].help_text % {
            "count": settings.MITHAQ_MAX_UPLOADS_PER_FORM
        }
        if self.kind == Kind.COMPLAINT:
            self.fields["remedy_sought"].required = True
            self.fields["is_urgent"].help_text = self.fields["is_urgent"].help_text % {
                "promise": clocks.promise(kind=Kind.COMPLAINT, urgent=True)
            }
        else:
            del self.fields["is_urgent"]
            if self.kind != Kind.PRESIDENT_REQUEST:
                del self.fields["remedy_sought"]

        if self.kind == Kind.PRESIDENT_REQUEST:
            self.fixed_unit = presidency_unit()
        if self.fixed_unit is not None:
            del self.fields["unit"]
            del self.fields["service"]
        elif not self.is_bound:
            self.prepare_choices()
        self.version: ServiceVersion | None = None
        self.documents: list[RequiredDocument] = []
        self.questions: list[ServiceQuestion] = []
        if self.fixed_unit is None:
            self._add_service_fields()

    def prepare_choices(self):
        """The unit tree and the service list, for showing the form. A sent form is checked
        against the fields' querysets alone, so a valid submission never builds them."""
        if self.fixed_unit is None:
            self._set_unit_choices()
            self._set_service_choices()

    def _set_unit_choices(self):
        rows = unit_tree(list(OrgUnit.objects.active()))
        field = cast(forms.ChoiceField, self.fields["unit"])
        dont_know = _("I don't know — the citizens' affairs office will direct it")
        field.choices = [("", dont_know)] + [
            (str(unit.pk), INDENT * level + unit.name) for unit, level, _ok in rows
        ]
        field.widget.disabled_values = {str(unit.pk) for unit, _lvl, ok in rows if not ok}
        # With JavaScript, choosing a unit reloads the service list, which cannot be used until
        # the unit's own list has come (a service picked from the old list would be lost when
        # the new one replaces it); without JavaScript, the server checks the pair when the
        # form is sent. A unit chosen while the last one's list is coming asks at once for its
        # own, dropping the older request (hx-sync), so only the last choice's list ever lands.
        field.widget.attrs.update(
            {
                "hx-get": reverse_lazy("portal:services"),
                "hx-target": "#service-field",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
                "hx-disabled-elt": "#id_service",
                "hx-sync": "this:replace",
            }
        )

    def chosen_unit_id(self) -> int | None:
        raw: Any = (
            self.data.get(self.add_prefix("unit")) if self.is_bound else self.initial.get("unit")
        )
        return parse_id(getattr(raw, "pk", raw))

    def _set_service_choices(self):
        field = cast(forms.ChoiceField, self.fields["service"])
        services = Service.objects.active().select_related("unit")
        unit_id = self.chosen_unit_id()
        none = ("", _("— Not about a particular service —"))
        if unit_id is not None:
            services = list(services.filter(unit_id=unit_id))
            field.choices = [none] + [(str(s.pk), s.name) for s in services]
            if not services:
                field.help_text = _("This unit lists no services; leave this empty.")
            return
        # No unit yet (or no JavaScript to reload the list): every service, by unit.
        groups: dict[str, list] = {}
        for service in services:
            groups.setdefault(service.unit.name, []).append((str(service.pk), service.name))
        field.choices = [none] + list(groups.items())
        field.help_text = _("It must be a service of the unit you chose.")

    def chosen_service(self) -> Service | None:
        raw: Any = (
            self.data.get(self.add_prefix("service"))
            if self.is_bound
            else self.initial.get("service")
        )
        raw = getattr(raw, "pk", raw)
        try:
            return choices.SERVICES.get().get(int(raw))
        except (TypeError, ValueError):
            return None

    def _add_service_fields(self):
        """The chosen service's checklist (upload each document or bring it to the window),
        its eligibility questions and its declaration, from the version in effect today."""
        service = self.chosen_service()
        version = service.version_on() if service is not None else None
        if version is None:
            return
        self.version = version
        self.documents = list(version.documents.all())
        self.questions = list(version.questions.all())
        for doc in self.documents:
            self.fields[f"doc_{doc.pk}"] = forms.FileField(
                label=doc.name,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
            )
            self.fields[f"bring_{doc.pk}"] = forms.BooleanField(
                label=_("I will bring it to the window"), required=False
            )
        yes_no = [("yes", _("Yes")), ("no", _("No"))]
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = forms.ChoiceField(
                label=question.question, choices=yes_no, widget=forms.RadioSelect
            )
        if version.declaration:
            self.fields["declaration"] = forms.BooleanField(
                label=version.declaration,
                error_messages={"required": _("Tick the declaration to send your request.")},
            )

    def document_rows(self):
        """(document, upload field, bring field) for the template."""
        return [(doc, self[f"doc_{doc.pk}"], self[f"bring_{doc.pk}"]) for doc in self.documents]

    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.questions]

    def clean_citizen_phone(self):
        return parse_phone(self.cleaned_data["citizen_phone"])

    def clean_citizen_national_id(self):
        value = normalize_national_id(self.cleaned_data["citizen_national_id"])
        if value and not (value.isdigit() and 5 <= len(value) <= 20):
            raise ValidationError(
                _("A national ID number is written with digits only."), code="national_id"
            )
        return value

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if self.fixed_unit is not None:
            data["unit"] = self.fixed_unit
            data["service"] = None
        unit, service = data.get("unit"), data.get("service")
        if unit is not None and service is not None and service.unit_id != unit.pk:
            self.add_error("service", _("This service is not offered by the chosen unit."))
        if self.version is not None:
            self._clean_service_parts(data)
        if data.get("is_collective") and not data.get("head_count"):
            if "head_count" not in self.errors:
                self.add_error(
                    "head_count",
                    _("Say how many people bring this case: two or more."),
                )
        return data

    def _clean_service_parts(self, data: dict) -> None:
        # Eligibility first: a refused applicant need not upload anything.
        for question in self.questions:
            answer = data.get(f"question_{question.pk}")
            if answer and (answer == "yes") != question.eligible_answer:
                self.add_error(f"question_{question.pk}", question.refusal)
        for doc in self.documents:
            upload, bring = data.get(f"doc_{doc.pk}"), data.get(f"bring_{doc.pk}")
            if upload is not None:
                try:
                    check_upload(upload)
                except ValidationError as exc:
                    self.add_error(f"doc_{doc.pk}", exc)
                    continue
            if upload is not None and bring:
                self.add_error(
                    f"doc_{doc.pk}", _("Upload the document or say you will bring it, not both.")
                )
            elif doc.is_required and upload is None and not bring:
                self.add_error(
                    f"doc_{doc.pk}",
                    _("Upload this document, or say you will bring it to the window."),
                )

    def is_refused(self) -> bool:
        """An eligibility answer refused the application (the page says why)."""
        return self.version is not None and any(
            f"question_{q.pk}" in self.errors for q in self.questions
        )

    def case_fields(self) -> dict:
        """The keyword arguments of `services.submit_case` that come from the citizen."""
        data = self.cleaned_data
        collective = data.get("is_collective", False)
        return {
            "kind": self.kind,
            "unit": data["unit"],
            "service": data.get("service"),
            "subject": data["subject"],
            "body": data["body"],
            "remedy_sought": data.get("remedy_sought", ""),
            "files": data.get("attachments") or [],
            "is_urgent": data.get("is_urgent", False),
            "citizen_name": data["citizen_name"],
            "citizen_phone": data["citizen_phone"],
            "citizen_email": data["citizen_email"],
            "citizen_national_id": data["citizen_national_id"],
            "citizen_group": data["citizen_group"],
            "identity_confidential": data["identity_confidential"],
            "is_collective": collective,
            "head_count": data["head_count"] if collective else 1,
            "submission_token": data["token"],
            "checklist": [
                (doc, data.get(f"doc_{doc.pk}"))
                for doc in self.documents
                if data.get(f"doc_{doc.pk}") is not None or data.get(f"bring_{doc.pk}")
            ],
            "declaration": self.version.declaration if self.version is not None else "",
        }


def normalize_code(value: str) -> str:
    """What people type ("abcd efgh", "ABCD-EFGH", Arabic-Indic digits) to "ABCD-EFGH"."""
    text = re.sub(r"[^0-9A-Za-z]", "", to_ascii_digits(value or "")).upper()
    return f"{text[:4]}-{text[4:]}" if len(text) == 8 else text


_CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")


class TrackForm(forms.Form):
    """The reference and the phone number or email given at submission. A wrong pair gets
    one message, whether the reference exists or not."""

    code = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "ltr-input code-input",
                "dir": "ltr",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABCD-EFGH",
            }
        ),
    )
    contact = forms.CharField(
        label=_("The phone number or email you gave"),
        max_length=254,
        widget=forms.TextInput(attrs={"class": "ltr-input", "dir": "ltr", "autocomplete": "off"}),
    )

    mismatch = _(
        "We could not find a case with this reference and this phone number or email. "
        "Check both and try again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case: Case | None = None

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not _CODE_RE.match(code):
            raise ValidationError(
                _("A reference has eight letters and digits, like ACDE-3467."), code="format"
            )
        return code

    def clean_contact(self):
        value = self.cleaned_data["contact"].strip()
        if "@" in value:
            return ("email", value.casefold())
        try:
            return ("phone", parse_phone(value))
        except ValidationError as exc:
            raise ValidationError(
                _("Enter the phone number or the email address you gave."), code="contact"
            ) from exc

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if self.errors:
            return data
        how, given = data["contact"]
        case = Case.objects.filter(code=data["code"]).first()
        if case is None:
            # Compare anyway, so that a missing reference takes as long as a wrong pair.
            constant_time_compare(given, "+000000000000")
            raise ValidationError(self.mismatch, code="mismatch")
        expected = case.citizen_phone if how == "phone" else case.citizen_email.casefold()
        if not (expected and constant_time_compare(given, expected)):
            raise ValidationError(self.mismatch, code="mismatch")
        self.case = case
        return data


class RespondForm(forms.Form):
    """The citizen's answer to the office's request for information."""

    body = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    attachments = MultipleFileField(label=_("Documents (optional)"))

    def clean(self):
        data = cast(dict[str, Any], super().clean())
        if not self.errors and not (data.get("body", "").strip() or data.get("attachments")):
            self.add_error("body", _("Write your answer or attach a document."))
        return data


class LastDigitsForm(forms.Form):
    """The second factor behind the SMS's short link: the last four digits of the phone the
    case was brought with (decision 0002, shortened for a link that names the case)."""

    digits = forms.CharField(
        label=_("The last four digits of your phone number"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "class": "ltr-input",
                "dir": "ltr",
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "1234",
            }
        ),
    )

    def clean_digits(self):
        value = to_ascii_digits(self.cleaned_data["digits"]).strip()
        if not re.fullmatch(r"[0-9]{4}", value):
            raise forms.ValidationError(_("Type the four digits."), code="format")
        return value


class GrievanceForm(forms.Form):
    """The citizen's grievance (تظلم) against a decided or closed case's outcome."""

    grounds = forms.CharField(
        label=_("Your grounds"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        error_messages={"required": _("Give the grounds of your grievance.")},
    )
    attachments = MultipleFileField(label=_("Documents (optional)"))


class ContactForm(forms.Form):
    """Where the office writes to: the citizen keeps it current."""

    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}
        ),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )

    def clean_phone(self):
        return parse_phone(self.cleaned_data["phone"])
