"""The bench's institution: make_org's personas plus dozens of units, services and staff."""

import random
from dataclasses import dataclass

from bench import phrases as P


@dataclass
class Org:
    """What the case generator needs to know about the institution, as plain ids."""

    office_id: int
    units: list  # [(unit id, Arabic name)] that take cases, the office first
    unit_weights: list
    services: dict  # unit id -> [(service id, response days)]
    officers: dict  # unit id -> [user id] of its officers and managers
    office_staff: list  # the office's officers and manager
    reception: list  # user ids of reception staff


def ensure_org() -> Org:
    """Build the institution once (make_org's personas and a larger tree), then describe it."""
    from mithaq.accounts.models import OrgUnit

    if not OrgUnit.objects.filter(code="uni").exists():
        _build_org()
    return _describe_org()


def _build_org() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from mithaq.accounts.models import Membership, Role, UnitKind
    from mithaq.accounts.services import create_unit
    from mithaq.catalog.models import Service
    from mithaq.testing import PASSWORD, make_org

    rng = random.Random(7)
    User = get_user_model()
    with transaction.atomic():
        org = make_org()
        new_units = []
        for code, name_ar, name_en in P.DIRECTORATES:
            kind = UnitKind.CENTRE if name_ar.startswith("مركز") else UnitKind.DIRECTORATE
            new_units.append(
                create_unit(parent=org.root, kind=kind, code=code, name_ar=name_ar, name_en=name_en)
            )
        colleges = []
        for code, name_ar, name_en, departments in P.COLLEGES:
            college = create_unit(
                parent=org.root, kind=UnitKind.COLLEGE, code=code, name_ar=name_ar, name_en=name_en
            )
            colleges.append(college)
            for i, dept in enumerate(departments, 1):
                new_units.append(
                    create_unit(
                        parent=college,
                        kind=UnitKind.DEPARTMENT,
                        code=f"{code}-d{i}",
                        name_ar=f"قسم {dept}",
                        name_en=f"{name_en}, department {i}",
                    )
                )
        new_units += colleges

        services = []
        for unit in new_units + [org.dept_a, org.dept_a2, org.dept_b]:
            for code, name_ar, name_en, _days in rng.sample(P.SERVICES, rng.randint(1, 3)):
                services.append(
                    Service(
                        unit=unit,
                        code=f"{unit.code}-{code}",
                        name_ar=name_ar,
                        name_en=name_en,
                    )
                )
        Service.objects.bulk_create(services, ignore_conflicts=True)

        # One hash for everyone: hashing a few hundred passwords would take minutes.
        password = make_password(PASSWORD)
        people = []  # (user, unit, role)
        staffing = [(org.office, Role.RECEPTION, 8), (org.office, Role.OFFICER, 10)]
        for unit in new_units + [org.dept_a, org.dept_a2, org.dept_b, org.college_a, org.college_b]:
            if unit.kind == UnitKind.COLLEGE:
                staffing += [(unit, Role.UNIT_MANAGER, 1), (unit, Role.OFFICER, 2)]
            elif unit.kind == UnitKind.DEPARTMENT:
                staffing += [(unit, Role.OFFICER, rng.randint(3, 6))]
            else:
                staffing += [(unit, Role.UNIT_MANAGER, 1), (unit, Role.OFFICER, rng.randint(4, 8))]
        for unit, role, count in staffing:
            for i in range(1, count + 1):
                first = rng.choice(P.MALE_NAMES + P.FEMALE_NAMES)
                user = User(
                    username=f"{unit.code}-{role}-{i}",
                    password=password,
                    full_name=f"{first} {rng.choice(P.FATHER_NAMES)} {rng.choice(P.FAMILY_NAMES)}",
                    email=f"{unit.code}-{role}-{i}@bench.example.org",
                )
                people.append((user, unit, role))
        User.objects.bulk_create([user for user, _unit, _role in people])
        Membership.objects.bulk_create(
            [Membership(user=user, unit=unit, role=role) for user, unit, role in people]
        )
        # Bulk writes say so themselves: the copies kept per process are made of these rows.
        from mithaq.common.cache import rows_changed

        rows_changed("catalog.Service", "accounts.User", "accounts.Membership")


def _describe_org() -> Org:
    from mithaq.accounts.models import Membership, OrgUnit, Role
    from mithaq.catalog.models import Service

    office = OrgUnit.objects.get(is_citizens_office=True, code="office")
    units = list(
        OrgUnit.objects.filter(accepts_cases=True, is_active=True)
        .exclude(pk=office.pk)
        .order_by("path")
        .values_list("pk", "name_ar")
    )
    units.insert(0, (office.pk, office.name_ar))
    # A few units draw most cases (registration, finances, the big colleges): a Zipf tail.
    order = list(range(len(units)))
    random.Random(11).shuffle(order)
    weights = [0.0] * len(units)
    for rank, index in enumerate(order):
        weights[index] = 1 / (rank + 1) ** 0.9
    weights[0] = max(weights) * 1.5  # walk-ins and letters to the office itself

    services: dict = {}
    for pk, unit_id in Service.objects.filter(is_active=True).values_list("pk", "unit_id"):
        # The seeded due dates follow the kind's promise (see generate.ANSWER_DAYS).
        services.setdefault(unit_id, []).append((pk, None))
    officers: dict = {}
    reception, office_staff = [], []
    for user_id, unit_id, role in Membership.objects.filter(user__is_active=True).values_list(
        "user_id", "unit_id", "role"
    ):
        if unit_id == office.pk and role == Role.RECEPTION:
            reception.append(user_id)
        elif unit_id == office.pk and role in (Role.OFFICER, Role.OFFICE_MANAGER):
            office_staff.append(user_id)
        elif role in (Role.OFFICER, Role.UNIT_MANAGER):
            officers.setdefault(unit_id, []).append(user_id)
    return Org(
        office_id=office.pk,
        units=units,
        unit_weights=weights,
        services=services,
        officers=officers,
        office_staff=sorted(office_staff),
        reception=sorted(reception) or sorted(office_staff),
    )
