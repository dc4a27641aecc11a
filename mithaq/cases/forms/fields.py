"""Form fields shared by the portal and the staff side: several checked files in one input,
and the organisation tree as a select."""

import copy
from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from mithaq.accounts.models import OrgUnit
from mithaq.common.uploads import check_upload

# Tell the browser's file picker what we take; the server decides by content anyway.
ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx"
INDENT = "\u00a0" * 4


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Each is checked by its content (`check_upload`) and the
    count is capped by MITHAQ_MAX_UPLOADS_PER_FORM; errors name the file they are about."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            return super().clean(None, initial) or []
        limit = settings.MITHAQ_MAX_UPLOADS_PER_FORM
        if len(uploads) > limit:
            raise ValidationError(
                ngettext_lazy(
                    "Attach at most %(limit)d file.", "Attach at most %(limit)d files.", "limit"
                )
                % {"limit": limit},
                code="too_many",
            )
        errors = []
        for upload in uploads:
            try:
                super().clean(upload, initial)
                check_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return uploads


class UnitSelect(forms.Select):
    """A select whose group headings (units that take no cases themselves) cannot be chosen."""

    def __init__(self, *args, **kwargs):
        self.disabled_values: set[str] = set()
        super().__init__(*args, **kwargs)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


def unit_tree(units: list[OrgUnit]) -> list[tuple[OrgUnit, int, bool]]:
    """The units a citizen may address, in tree order with siblings sorted by name, as
    (unit, level, selectable). Units that take no cases are kept as headings when something
    under them does; a root that takes none is left out so that its children start at 0."""
    by_id = {u.pk: u for u in units}
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in by_id else None
        children.setdefault(parent, []).append(unit)

    wanted: set[int] = set()
    for unit in units:
        if unit.accepts_cases:
            wanted.update(int(i) for i in unit.path.strip("/").split("/") if i)

    rows: list[tuple[OrgUnit, int, bool]] = []

    def walk(parent_id, level):
        # The citizens' affairs office first: it is the choice for anyone unsure.
        siblings = children.get(parent_id, [])
        for unit in sorted(siblings, key=lambda u: (not u.is_citizens_office, u.name)):
            if unit.pk not in wanted:
                continue
            if unit.parent_id is None and not unit.accepts_cases:
                walk(unit.pk, level)
                continue
            rows.append((unit, level, unit.accepts_cases))
            walk(unit.pk, level + 1)

    walk(None, 0)
    return rows


class OptionList:
    """A <select>'s options rendered once and kept: the inbox's filters list every unit and
    officer, hundreds of options, on every page. Selecting one is a string replacement."""

    __slots__ = ("values", "html")

    def __init__(self, choices):
        choices = [(str(key), str(label)) for key, label in choices]
        self.values = frozenset(key for key, _label in choices)
        self.html = "".join(
            f'<option value="{escape(key)}">{escape(label)}</option>' for key, label in choices
        )

    def render(self, selected) -> str:
        if selected is None or str(selected) not in self.values:
            return self.html
        marker = f'<option value="{escape(str(selected))}">'
        return self.html.replace(marker, f"{marker[:-1]} selected>", 1)

    def __deepcopy__(self, memo):
        return self  # never changed once made; a form's deep copy of its fields can share it


class OptionSelect(forms.Widget):
    def __init__(self, options: OptionList | None = None, attrs=None):
        super().__init__(attrs)
        self.options = options or OptionList([])

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        # Every option was escaped when the list was made.
        return mark_safe(f"<select{flatatt(final_attrs)}>{self.options.render(value)}</select>")  # noqa: S308


class OptionField(forms.Field):
    """A choice among an OptionList's values (strings; "" when none is chosen)."""

    widget = OptionSelect
    default_error_messages = {
        "invalid_choice": _(
            "Select a valid choice. That choice is not one of the available choices."
        ),
    }

    def __init__(self, *, options: OptionList | None = None, **kwargs):
        super().__init__(**kwargs)
        self.options = options or OptionList([])

    @property
    def options(self) -> OptionList:
        return self._options

    @options.setter
    def options(self, value: OptionList):
        self._options = value
        self.widget.options = value

    def to_python(self, value):
        return "" if value in self.empty_values else str(value)

    def validate(self, value):
        super().validate(value)
        if value and value not in self.options.values:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class KeptChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose sent choice is looked up among the rows kept in this process
    (`kept`: a ProcessCopy of {pk: instance}, mithaq.catalog.choices) instead of a query;
    the queryset, which must hold the same rows, still lists the choices to show. Each
    answer is a copy, so that nothing set on it reaches the kept row."""

    def __init__(self, *args, kept, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, cast(QuerySet, self.queryset).model):
            value = value.pk
        try:
            row = self.kept.get().get(int(value))
        except (TypeError, ValueError):
            row = None
        if row is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return copy.copy(row)
