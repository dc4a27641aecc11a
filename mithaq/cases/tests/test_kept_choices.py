"""The portal's unit and service, checked against the rows kept in the process
(mithaq.catalog.choices) without a query, and never stale after a change."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mithaq.accounts.services import save_unit
from mithaq.cases.forms.public import SubmitForm
from mithaq.cases.models import Case
from mithaq.cases.tests.test_portal import complaint_data, submit_url
from mithaq.catalog import choices
from mithaq.catalog.models import Service
from mithaq.catalog.services import services_changed


def _post(client, org, **changes):
    return client.post(submit_url(), complaint_data(org, token=str(uuid.uuid4()), **changes))


def test_a_submission_reads_no_unit_or_service_once_warm(client, org):
    client.get(submit_url())
    assert _post(client, org).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, org).status_code == 302
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [s for s in selects if '"accounts_orgunit"' in s.split("WHERE")[0]]
    assert not [s for s in selects if '"catalog_service"' in s.split("WHERE")[0]]
    assert Case.objects.filter(unit=org.dept_a, service=org.service_a).count() == 2


def test_a_unit_switched_off_is_refused_at_once(client, org):
    assert _post(client, org).status_code == 302  # both kept
    org.dept_a.accepts_cases = False
    save_unit(unit=org.dept_a)
    response = _post(client, org)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert Case.objects.count() == 1


def test_a_new_service_is_taken_at_once(client, org):
    assert _post(client, org).status_code == 302
    new = Service.objects.create(unit=org.dept_a, code="NEW-1", name_ar="خدمة جديدة", name_en="New")
    services_changed()
    assert _post(client, org, service=new.pk).status_code == 302
    assert Case.objects.filter(service=new).exists()


def test_a_service_of_a_closed_unit_is_refused(client, org):
    assert SubmitForm(
        complaint_data(org, unit=None, service=org.service_b.pk), kind="complaint"
    ).is_valid()  # kept
    org.dept_b.is_active = False
    save_unit(unit=org.dept_b)
    form = SubmitForm(complaint_data(org, unit=None, service=org.service_b.pk), kind="complaint")
    assert not form.is_valid() and "service" in form.errors


def test_what_a_form_gets_is_a_copy_of_the_kept_row(org):
    form = SubmitForm(complaint_data(org), kind="complaint")
    assert form.is_valid(), form.errors
    unit = form.cleaned_data["unit"]
    assert unit == org.dept_a and unit is not choices.CASE_UNITS.get()[org.dept_a.pk]
    unit.name_ar = "تغيير في الطلب وحده"
    assert choices.CASE_UNITS.get()[org.dept_a.pk].name_ar == org.dept_a.name_ar


def test_a_choice_that_is_not_a_number_is_refused(org):
    form = SubmitForm(complaint_data(org, unit="x1", service="3x"), kind="complaint")
    assert not form.is_valid()
    assert set(form.errors) >= {"unit", "service"}
