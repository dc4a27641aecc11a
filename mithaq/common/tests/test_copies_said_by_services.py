"""Every per-process copy (mithaq.common.cache.ProcessCopy) is dropped because a write path
says so, never because a save sent a signal (none is listened to). For each copy: a bulk
update (which sends no signal at all) followed by the service's own call is seen at once here
and moves the shared version that the other processes look at; the same write rolled back
is read fresh inside its own transaction, then never again, and the shared version does not
move. Across two real processes: test_copies_across_processes.py."""

import re

import pytest
from django.core.cache import cache
from django.db import transaction

from mithaq.accounts import access
from mithaq.accounts.access import StaffAccess, access_for
from mithaq.accounts.institution import INSTITUTION, _institution_name
from mithaq.accounts.models import Membership, OrgUnit, User
from mithaq.accounts.services import memberships_changed, people_changed, units_changed
from mithaq.cases import selectors
from mithaq.catalog import choices, public
from mithaq.catalog.models import Service
from mithaq.catalog.services import services_changed
from mithaq.common.cache import _copies
from mithaq.notifications import services as notifications
from mithaq.notifications.models import MessageTemplate
from mithaq.routing import calendar as working
from mithaq.routing import rules
from mithaq.routing.models import Commitment, Target
from mithaq.routing.services import clock_config_changed


class _Undo(Exception):
    pass


KEY = ("received", "sms", "ar")


def _institution(org):
    def read():
        return _institution_name()

    def write(value):
        OrgUnit.objects.filter(pk=org.root.pk).update(name_ar=value)
        units_changed()

    return INSTITUTION, read, write, "جامعة الاختبار"


def _case_units(org):
    # A unit taking cases or not: the value is whether dept_a2 is offered.
    def read():
        return str(org.dept_a2.pk in choices.CASE_UNITS.get())

    def write(value):
        OrgUnit.objects.filter(pk=org.dept_a2.pk).update(accepts_cases=value == "True")
        units_changed()

    return choices.CASE_UNITS, read, write, "True"


def _services(org):
    def read():
        return choices.SERVICES.get()[org.service_b.pk].name_ar

    def write(value):
        Service.objects.filter(pk=org.service_b.pk).update(name_ar=value)
        services_changed()

    return choices.SERVICES, read, write, "التدريب السريري"


def _public_catalogue(org):
    # The public pages' copy (catalog.public): a service's name as the catalogue shows it.
    def read():
        found = public.public_service(org.service_b.code)
        assert found is not None
        return found.service.name_ar

    def write(value):
        Service.objects.filter(pk=org.service_b.pk).update(name_ar=value)
        services_changed()

    return public.CATALOGUE, read, write, "التدريب السريري"


def _filter_options(org):
    manager = StaffAccess(org.office_manager)

    def read():  # the officer's name as the filter offers it
        html = selectors.filter_options_for(manager)["assignee"].html
        return re.search(rf'<option value="{org.officer_a.pk}">([^<]*)</option>', html).group(1)

    def write(value):
        User.objects.filter(pk=org.officer_a.pk).update(full_name=value)
        people_changed()

    return selectors._OPTIONS, read, write, org.officer_a.full_name


def _memberships(org):
    def read():
        return str([grant.unit_id for grant in access_for(org.officer_b).grants])

    def write(value):
        Membership.objects.filter(user=org.officer_b).update(unit_id=int(value.strip("[]")))
        memberships_changed()

    return access.MEMBERSHIPS, read, write, str([org.dept_b.pk])


def _routing_rules(org):
    def read():
        return rules.config().office.name_ar

    def write(value):
        OrgUnit.objects.filter(pk=org.office.pk).update(name_ar=value)
        units_changed()

    return rules._COPY, read, write, "مكتب شؤون المواطنين"


def _templates(org):
    MessageTemplate.objects.create(
        event_key=KEY[0], channel=KEY[1], language=KEY[2], subject="", body="first"
    )
    notifications.templates_changed()

    def read():
        return notifications._template(*KEY)[1]

    def write(value):
        MessageTemplate.objects.filter(event_key=KEY[0]).update(body=value)
        notifications.templates_changed()

    return notifications._TEMPLATES, read, write, "first"


def _calendar(org):
    # The database comes with the charter's commitments: this one is the service's own.
    mine = Commitment.objects.create(target=Target.RESOLUTION, service=org.service_b, amount=10)
    clock_config_changed()

    def read():
        return str(
            [c.amount for c in working.config().commitments if c.service_id == mine.service_id]
        )

    def write(value):
        Commitment.objects.filter(pk=mine.pk).update(amount=int(value.strip("[]")))
        clock_config_changed()

    return working._COPY, read, write, "[10]"


# Another value for each: what the committed write sets, and what the rolled-back one tries.
COPIES = {
    "institution": (_institution, "جامعة الرافدين", "اسم لم يبق"),
    "case units": (_case_units, "False", "False"),
    "services": (_services, "خدمة جديدة", "خدمة لم تبق"),
    "public catalogue": (_public_catalogue, "خدمة جديدة", "خدمة لم تبق"),
    "filter options": (_filter_options, "موظف باسم جديد", "اسم لم يبق"),
    "memberships": (_memberships, "[{dept_a}]", "[{dept_a2}]"),
    "routing rules": (_routing_rules, "مكتب باسم جديد", "مكتب لم يبق"),
    "templates": (_templates, "second", "never saved"),
    "calendar": (_calendar, "[20]", "[30]"),
}


def test_every_copy_is_under_test(org):
    under_test = {make(org)[0].version_key for make, _committed, _undone in COPIES.values()}
    # Past the copies test_cache.py makes of its own.
    kept = {copy.version_key for copy in _copies} - {"mithaq:test-copy:version"}
    assert under_test == kept
    assert len(under_test) == 9


@pytest.mark.parametrize("name", list(COPIES))
def test_a_bulk_update_said_by_its_service_is_seen_and_a_rolled_back_one_never(name, org):
    make, committed_value, undone_value = COPIES[name]
    units = {"dept_a": org.dept_a.pk, "dept_a2": org.dept_a2.pk}
    committed_value, undone_value = committed_value.format(**units), undone_value.format(**units)
    copy, read, write, first = make(org)
    assert read() == first
    assert read() == first  # kept: the second read is the copy
    assert copy.peek() is not None

    # The case units' rolled-back value equals the committed one: roll back first there.
    with pytest.raises(_Undo), transaction.atomic():
        before = cache.get(copy.version_key)
        write(undone_value)
        assert read() == undone_value  # its own transaction reads afresh
        raise _Undo
    assert read() == first
    assert cache.get(copy.version_key) == before  # nothing for the other processes

    write(committed_value)
    assert cache.get(copy.version_key) != before  # the others reload within a look
    assert read() == committed_value  # here at once
