"""Routing rules: where a new case goes, and the office's edits to the rules.

The active rules (with their units), the units' assignment modes and the citizens' affairs
office are kept together in each process (mithaq.common.cache.ProcessCopy) and dropped
everywhere on every change to them (the edits below call invalidate()), to a unit or to who
works in one (accounts.services: units_changed, memberships_changed), so that a submission
reads them without a query once warm. No signal is listened to."""

from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from mithaq.accounts.access import assignable_officers
from mithaq.accounts.models import OrgUnit
from mithaq.catalog.models import Service
from mithaq.catalog.vocab import Kind
from mithaq.common.cache import ProcessCopy
from mithaq.common.search_text import strip_article
from mithaq.common.search_text import words as search_words

from .models import AssignmentMode, RoutingRule, UnitAssignment

_VERSION_KEY = "mithaq:routing:version"
_MAX_AGE = 3600.0


@dataclass(frozen=True)
class CompiledRule:
    pk: int
    name: str
    service_id: int | None
    kind: str
    channel: str
    citizen_group: str
    words: tuple[str, ...]  # normalised
    unit: OrgUnit
    default_officer_id: int | None

    def matches(self, *, kind, channel, service_id, citizen_group, text: str) -> bool:
        if self.service_id is not None and self.service_id != service_id:
            return False
        if self.kind and self.kind != kind:
            return False
        # A request to the president goes to the presidency unless a rule names that kind.
        if not self.kind and kind == Kind.PRESIDENT_REQUEST:
            return False
        if self.channel and self.channel != channel:
            return False
        if self.citizen_group and self.citizen_group != citizen_group:
            return False
        if self.words and not any(_has_word(text, word) for word in self.words):
            return False
        return True


# The prefixes an Arabic word carries in running text: "الرسوم", "والرسوم", "بالرسوم".
_CLITICS = ("ال", "و", "ف", "ب", "ل", "ك", "وال", "فال", "بال", "كال", "لل", "ولل")


def _has_word(text: str, word: str) -> bool:
    """Whether the padded `text` (normalised_text) holds `word` (or phrase, from words_of) as
    whole words, with or without a prefix: "رسوم" matches "بالرسوم" and "ورسوم" but not
    "مرسوم". The articles are already gone from both (words_of); the prefixes are also
    tried for the words too short to lose theirs ("الحج", "والحج")."""
    return f" {word} " in text or any(f" {p}{word} " in text for p in _CLITICS)


@dataclass(frozen=True)
class RoutingConfig:
    rules: tuple[CompiledRule, ...]
    modes: dict  # unit id -> AssignmentMode, for units not assigned by hand
    office: OrgUnit | None


def words_of(text: str) -> str:
    """`text`'s words as search reads them (mithaq.common.search_text): normalised, every hamza
    on a seat a bare hamza (مسؤول and مسئول are one word), each word without its article
    ("الرسوم" is "رسوم"), one space between words. A rule's words and a case's text both go
    through here, so a rule matches whatever search would find."""
    return " ".join(strip_article(word) for word in search_words(text))


def normalised_text(subject: str, body: str) -> str:
    """The subject and the text as rules read them, padded with a space at either end."""
    return f" {words_of(subject)} {words_of(body)} "


def _load() -> RoutingConfig:
    rules = []
    for rule in RoutingRule.objects.filter(is_active=True).select_related("unit"):
        words = tuple(w for w in map(words_of, rule.word_list()) if w)
        rules.append(
            CompiledRule(
                pk=rule.pk,
                name=rule.name,
                service_id=rule.service_id,
                kind=rule.kind,
                channel=rule.channel,
                citizen_group=rule.citizen_group,
                words=words,
                unit=rule.unit,
                default_officer_id=rule.default_officer_id,
            )
        )
    modes = dict(
        UnitAssignment.objects.exclude(mode=AssignmentMode.MANUAL).values_list("unit_id", "mode")
    )
    office = OrgUnit.objects.active().filter(is_citizens_office=True).order_by("path").first()
    return RoutingConfig(rules=tuple(rules), modes=modes, office=office)


# The rules hold whole unit records (whether each takes cases, the office) and rules' officers
# who must still work in the unit: a unit's or a membership's change drops them.
_COPY = ProcessCopy(
    _VERSION_KEY, _load, changed_by=("accounts.OrgUnit", "accounts.Membership"), max_age=_MAX_AGE
)


def config() -> RoutingConfig:
    return _COPY.get()


def invalidate() -> None:
    """Drop the kept rules in every process, now (for this transaction) and once the change
    is committed."""
    _COPY.invalidate()


def first_match(
    *, kind: str, channel: str, service_id, citizen_group: str, subject: str, body: str
) -> CompiledRule | None:
    rules = config().rules
    if not rules:
        return None
    text = normalised_text(subject, body)
    for rule in rules:
        if not (rule.unit.is_active and rule.unit.accepts_cases):
            continue
        if rule.matches(
            kind=kind,
            channel=channel,
            service_id=service_id,
            citizen_group=citizen_group,
            text=text,
        ):
            return rule
    return None


def citizens_office() -> OrgUnit | None:
    return config().office


def mode_of(unit_id: int) -> str:
    return config().modes.get(unit_id, AssignmentMode.MANUAL)


# --- The office's edits ---------------------------------------------------------------------


def _validate(rule: RoutingRule) -> None:
    errors = {}
    if not (rule.unit.is_active and rule.unit.accepts_cases):
        errors["unit"] = _("This unit does not take cases.")
    if rule.service_id and not cast(Service, rule.service).is_active:
        errors["service"] = _("This service is no longer offered.")
    if (
        rule.default_officer_id
        and "unit" not in errors
        and not assignable_officers(rule.unit).filter(pk=rule.default_officer_id).exists()
    ):
        errors["default_officer"] = _(
            "%(name)s cannot be given this unit's cases: choose one of its officers."
        ) % {"name": rule.default_officer}
    if not (rule.service_id or rule.kind or rule.channel or rule.citizen_group or rule.word_list()):
        errors["__all__"] = _("Give the rule at least one condition, or it would take every case.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_rule(*, rule: RoutingRule) -> RoutingRule:
    """Create or change a rule; a new rule goes last."""
    _validate(rule)
    rule.words = "\n".join(rule.word_list())
    if rule.pk is None:
        last = RoutingRule.objects.aggregate(m=Max("position"))["m"]
        rule.position = 0 if last is None else last + 1
    rule.save()
    invalidate()
    return rule


@transaction.atomic
def move_rule(*, rule: RoutingRule, up: bool) -> None:
    """Swap the rule with its neighbour above (or below)."""
    rules = list(RoutingRule.objects.select_for_update().order_by("position", "id"))
    # Positions are made dense first, so that swapping two always changes the order.
    for index, row in enumerate(rules):
        if row.position != index:
            RoutingRule.objects.filter(pk=row.pk).update(position=index)
            row.position = index
    index = next(i for i, r in enumerate(rules) if r.pk == rule.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(rules):
        a, b = rules[index], rules[other]
        RoutingRule.objects.filter(pk=a.pk).update(position=b.position)
        RoutingRule.objects.filter(pk=b.pk).update(position=a.position)
    invalidate()


@transaction.atomic
def set_rule_active(*, rule: RoutingRule, active: bool) -> None:
    RoutingRule.objects.filter(pk=rule.pk).update(is_active=active)
    invalidate()


@transaction.atomic
def delete_rule(*, rule: RoutingRule) -> None:
    position = rule.position
    rule.delete()
    RoutingRule.objects.filter(position__gt=position).update(position=F("position") - 1)
    invalidate()


@transaction.atomic
def set_assignment_mode(*, unit: OrgUnit, mode: str) -> UnitAssignment:
    if mode not in AssignmentMode.values:
        raise ValidationError({"mode": _("Choose how the unit's cases are assigned.")})
    policy, _created = UnitAssignment.objects.select_for_update().get_or_create(unit=unit)
    if policy.mode != mode:
        policy.mode = mode
        policy.save(update_fields=["mode"])
    invalidate()
    return policy
