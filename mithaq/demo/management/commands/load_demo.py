"""`manage.py load_demo`: a demo university with its people and two months of cases.

`make run` runs it on every start, so it is idempotent: units, services and accounts are
found by their code or username, cases by a submission token derived from their key, and
whatever already exists is left exactly as it is. Cases are played through the service
functions, so each one has the events a real case would have."""

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from mithaq.accounts.access import StaffAccess
from mithaq.accounts.models import Membership, OrgUnit, Role
from mithaq.accounts.services import create_unit, memberships_changed, people_changed
from mithaq.cases import services
from mithaq.cases.models import Case
from mithaq.cases.states import Action, Channel
from mithaq.catalog.models import Service
from mithaq.catalog.services import services_changed
from mithaq.common.phones import parse_phone
from mithaq.demo import cases as demo_data
from mithaq.demo import catalogue as catalogue_demo
from mithaq.demo import interviews as interviews_demo
from mithaq.demo import knowledge as knowledge_demo
from mithaq.demo import reports as reports_demo
from mithaq.demo import routing as routing_demo
from mithaq.demo.cases import CITIZEN_ANSWERS, DEMO_PASSWORD, DemoCase, Step
from mithaq.routing import calendar as working_calendar
from mithaq.routing.models import Commitment, DurationUnit, Target

_REF = re.compile(r"\{ref:([\w-]+)\}")


class Command(BaseCommand):
    help = (
        "Load the demo university: units, services, one account per role and cases in every "
        "state. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off. The demo accounts share a published password.",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site answers, for the printed links (default: %(default)s).",
        )

    def handle(self, *args, force: bool, base_url: str, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates accounts whose password is printed for all to see, so it "
                "runs only with DEBUG on. Pass --force to load it anyway (never on a real "
                "installation)."
            )
        with transaction.atomic():
            created = DemoLoader(now=timezone.now()).load()
        if any(created.values()):
            summary = ", ".join(f"{count} {what}" for what, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo loaded: {summary}."))
        else:
            self.stdout.write("Demo already loaded; nothing changed.")
        # The registrar's visitors' hall, with this morning's tickets.
        call_command("load_demo_hall", force=True, stdout=self.stdout)
        self.stdout.write(logins_table(base_url.rstrip("/")))


class DemoLoader:
    def __init__(self, *, now: datetime.datetime):
        self.now = now
        # Every demo event happens before today, so the data reads the same at any hour.
        self.today = timezone.localdate(now)
        self.units: dict[str, OrgUnit] = {}
        self.services: dict[str, Service] = {}
        self.people: dict = {}
        self.access: dict[str, StaffAccess] = {}
        self.codes: dict[str, str] = {}

    def load(self) -> dict[str, int]:
        return {
            "units": self._load_units(),
            "services": self._load_services(),
            "accounts": self._load_people(),
            "cases": self._load_cases(),
            "ready answers": knowledge_demo.load(
                units=self.units, services=self.services, author=self.people["manager"]
            ),
            # After the cases, which keep the units they were played to.
            "routing rules": routing_demo.load(units=self.units, people=self.people),
            "charter text": reports_demo.load(author=self.people["manager"]),
            "service catalogue": catalogue_demo.load(units=self.units, services=self.services),
            "interview requests": interviews_demo.load(
                units=self.units,
                people=self.people,
                office_manager=self.people["manager"],
                now=self.now,
            ),
        }

    def _load_units(self) -> int:
        codes = [spec.code for spec in demo_data.UNITS]
        self.units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes)}
        created = 0
        for spec in demo_data.UNITS:
            if spec.code in self.units:
                continue
            self.units[spec.code] = create_unit(
                parent=self.units[spec.parent] if spec.parent else None,
                kind=spec.kind,
                code=spec.code,
                name_ar=spec.name_ar,
                name_en=spec.name_en,
                is_citizens_office=spec.is_citizens_office,
                accepts_cases=spec.accepts_cases,
            )
            created += 1
        return created

    def _load_services(self) -> int:
        codes = [spec.code for spec in demo_data.SERVICES]
        self.services = {s.code: s for s in Service.objects.filter(code__in=codes)}
        missing = [
            Service(
                unit=self.units[spec.unit],
                code=spec.code,
                name_ar=spec.name_ar,
                name_en=spec.name_en,
                description_ar=spec.description_ar,
                description_en=spec.description_en,
            )
            for spec in demo_data.SERVICES
            if spec.code not in self.services
        ]
        by_code = {spec.code: spec for spec in demo_data.SERVICES}
        created = Service.objects.bulk_create(missing)
        for service in created:
            self.services[service.code] = service
        # Each service's own promise for the whole answer, in working days.
        Commitment.objects.bulk_create(
            Commitment(
                target=Target.RESOLUTION,
                service=service,
                amount=by_code[service.code].response_days,
                unit=DurationUnit.DAYS,
            )
            for service in created
        )
        if created:
            working_calendar.invalidate()
            services_changed()
        return len(missing)

    def _load_people(self) -> int:
        User = get_user_model()
        usernames = [spec.username for spec in demo_data.PEOPLE]
        self.people = {u.username: u for u in User.objects.filter(username__in=usernames)}
        # One hash for every account: the password is shared anyway, and a slow hasher
        # run ten times would make the first start of `make run` seconds slower.
        hashed = make_password(DEMO_PASSWORD)
        created = 0
        for spec in demo_data.PEOPLE:
            if spec.username in self.people:
                continue
            user = User.objects.create(
                username=spec.username,
                password=hashed,
                full_name=spec.full_name,
                email=f"{spec.username}@example.org",
                language="ar",
                is_staff=spec.is_superuser,
                is_superuser=spec.is_superuser,
            )
            Membership.objects.create(user=user, unit=self.units[spec.unit], role=spec.role)
            self.people[spec.username] = user
            created += 1
        if created:
            people_changed()
            memberships_changed()
        return created

    def _load_cases(self) -> int:
        # Any: submission_token is nullable, and only the demo's tokens are asked for.
        tokens: dict[Any, str] = {spec.token: spec.key for spec in demo_data.CASES}
        for token, code in Case.objects.filter(submission_token__in=tokens).values_list(
            "submission_token", "code"
        ):
            self.codes[tokens[token]] = code
        created = 0
        for spec in demo_data.CASES:
            if spec.key in self.codes:
                continue
            try:
                self._play(spec)
            except ValidationError as exc:
                raise CommandError(f"demo case {spec.key}: {' '.join(exc.messages)}") from exc
            created += 1
        return created

    def _play(self, spec: DemoCase) -> None:
        hour, minute = map(int, spec.time.split(":"))
        at = datetime.datetime.combine(
            self.today - datetime.timedelta(days=spec.days_ago),
            datetime.time(hour, minute),
            tzinfo=timezone.get_current_timezone(),
        )
        self._check_before_today(spec, at)
        received_by = None
        if spec.channel != Channel.WEB:
            received_by = self.people["reception"]
            if not self._access("reception").may_register_cases:
                raise CommandError(f"demo case {spec.key}: reception may not register cases")
        case = services.submit_case(
            kind=spec.kind,
            unit=self.units[spec.unit],
            service=self.services[spec.service] if spec.service else None,
            channel=spec.channel,
            subject=spec.subject,
            body=spec.body,
            remedy_sought=spec.remedy,
            citizen_name=spec.citizen_name,
            citizen_phone=parse_phone(spec.phone),
            citizen_email=spec.email,
            citizen_national_id=spec.national_id,
            citizen_group=spec.group,
            citizen_language=spec.language,
            identity_confidential=spec.confidential,
            is_urgent=spec.urgent,
            is_collective=spec.head_count > 1,
            head_count=spec.head_count,
            received_by=received_by,
            letter_number=spec.letter_number,
            letter_date=(
                at.date() - datetime.timedelta(days=spec.letter_days_before)
                if spec.letter_number
                else None
            ),
            submission_token=spec.token,
            now=at,
        )
        self.codes[spec.key] = case.code
        for step in spec.steps:
            at += datetime.timedelta(hours=step.hours)
            self._check_before_today(spec, at)
            case = self._apply(spec, case, step, at)

    def _check_before_today(self, spec: DemoCase, at: datetime.datetime) -> None:
        if timezone.localdate(at) >= self.today:
            raise CommandError(
                f"demo case {spec.key}: a step falls on {at:%Y-%m-%d}, not before today"
            )

    def _apply(self, spec: DemoCase, case: Case, step: Step, at) -> Case:
        text = _REF.sub(lambda match: self.codes[match[1]], step.text)
        if step.action == CITIZEN_ANSWERS:
            return services.record_citizen_response(case=case, body=text, now=at)
        actor = self.people[step.by]
        # The demo never shows someone doing what the access rules would not let them do.
        if step.action not in self._access(step.by).case_actions(case):
            raise CommandError(f"demo case {spec.key}: {step.by} may not {step.action} it")
        match step.action:
            case Action.ACKNOWLEDGE:
                return services.acknowledge_case(case=case, actor=actor, now=at)
            case Action.ASSIGN:
                assignee = self.people[step.assignee]
                return services.assign_case(case=case, actor=actor, assignee=assignee, now=at)
            case Action.REFER:
                to_unit = self.units[step.to_unit]
                return services.refer_case(
                    case=case, actor=actor, to_unit=to_unit, reason=text, now=at
                )
            case Action.REQUEST_INFO:
                return services.request_information(case=case, actor=actor, question=text, now=at)
            case Action.REPLY:
                return services.reply_to_citizen(case=case, actor=actor, body=text, now=at)
            case Action.NOTE:
                return services.add_note(case=case, actor=actor, body=text, now=at)
            case Action.DECIDE:
                return services.decide_case(
                    case=case, actor=actor, decision=step.decision, reasons=text, now=at
                )
            case Action.RESOLVE:
                return services.resolve_case(case=case, actor=actor, summary=text, now=at)
            case Action.CLOSE:
                return services.close_case(
                    case=case,
                    actor=actor,
                    closure_code=step.closure_code,
                    external_system=step.external_system,
                    external_reference=step.external_reference,
                    note=text,
                    now=at,
                )
            case Action.REOPEN:
                return services.reopen_case(case=case, actor=actor, reason=text, now=at)
        raise CommandError(f"demo case {spec.key}: unknown step {step.action!r}")

    def _access(self, username: str) -> StaffAccess:
        if username not in self.access:
            self.access[username] = StaffAccess(self.people[username])
        return self.access[username]


def logins_table(base_url: str) -> str:
    """The demo accounts and the site's addresses, for the terminal."""
    units = {spec.code: spec.name_en for spec in demo_data.UNITS}
    with translation.override("en"):
        rows = [
            (p.username, DEMO_PASSWORD, str(Role(p.role).label), units[p.unit], p.full_name)
            for p in demo_data.PEOPLE
        ]
    header = ("username", "password", "role", "unit", "name")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]

    def line(cells) -> str:
        # The Arabic name goes last: a right-to-left column in the middle scrambles the line.
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
        return "  " + "  ".join([*padded, cells[-1]]).rstrip()

    return "\n".join(
        [
            "",
            line(header),
            line(["-" * width for width in widths] + ["-" * 4]),
            *(line(row) for row in rows),
            "",
            f"  Citizens' portal  {base_url}/",
            f"  Staff             {base_url}/staff/",
            f"  Admin             {base_url}/admin/",
            f"  Hall kiosk        {base_url}/hall/registrar-hall/kiosk/",
            f"  Hall display      {base_url}/hall/registrar-hall/display/",
            f"  Hall windows      {base_url}/hall/registrar-hall/desk/",
            "",
        ]
    )
