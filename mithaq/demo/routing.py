"""The demo's routing: a few rules the office keeps, and a unit that assigns in turn.

Loaded after the demo cases (load_demo), so that those keep the units they were played to;
idempotent: rules are found by name, and a unit's mode is set only where none is."""

from dataclasses import dataclass

from mithaq.catalog.vocab import Channel
from mithaq.routing import rules
from mithaq.routing.models import AssignmentMode, RoutingRule, UnitAssignment


@dataclass(frozen=True)
class DemoRule:
    name: str
    unit: str
    words: tuple[str, ...] = ()
    channel: str = ""
    officer: str = ""
    is_active: bool = True


RULES = [
    DemoRule(
        "البريد والبوابة الإلكترونية إلى مركز تقنية المعلومات",
        "itc",
        words=("البريد الإلكتروني", "كلمة المرور", "بوابة الطالب", "الإنترنت"),
        officer="itc",
    ),
    DemoRule(
        "الرسوم والأقساط والسكن إلى قسم التسجيل",
        "registrar",
        words=("رسوم", "أقساط", "أجور الدراسة", "الأقسام الداخلية", "سكن"),
    ),
    DemoRule(
        "الخط الساخن إلى مكتب شؤون المواطنين (معطلة)",
        "citizens-office",
        channel=Channel.HOTLINE,
        is_active=False,
    ),
]
ROUND_ROBIN_UNITS = ["registrar"]


def load(*, units: dict, people: dict) -> int:
    existing = set(RoutingRule.objects.values_list("name", flat=True))
    created = 0
    for spec in RULES:
        if spec.name in existing:
            continue
        rules.save_rule(
            rule=RoutingRule(
                name=spec.name,
                unit=units[spec.unit],
                words="\n".join(spec.words),
                channel=spec.channel,
                default_officer=people.get(spec.officer) if spec.officer else None,
                is_active=spec.is_active,
            )
        )
        created += 1
    for code in ROUND_ROBIN_UNITS:
        if not UnitAssignment.objects.filter(unit=units[code]).exists():
            rules.set_assignment_mode(unit=units[code], mode=AssignmentMode.ROUND_ROBIN)
    return created
