"""The public API through HTTP: keys and scopes, idempotent submission, tracking, the
catalogue, the staff scope, rate limits and problem documents."""

import json

import pytest
from django.core.cache import cache

from mithaq.cases.models import Case, CaseEvent
from mithaq.cases.states import EventKind
from mithaq.intake.models import ApiKey, ApiSubmission
from mithaq.intake.services import issue_api_key
from mithaq.testing import make_case

CASE = {
    "kind": "complaint",
    "subject": "Late transcript",
    "body": "I asked for my transcript a month ago.",
    "citizen_name": "Ahmed Mahmoud",
    "citizen_phone": "+9647701234567",
    "citizen_email": "ahmed@example.com",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def submitter(db):
    _key, raw = issue_api_key(name="Mobile app", may_submit=True, may_read_own=True)
    return raw


def post(client, url, body, key, **headers):
    return client.post(
        url, json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key, **headers
    )


def submit(client, key, body=CASE, idem="order-1", **headers):
    return post(client, "/api/v1/cases", body, key, HTTP_IDEMPOTENCY_KEY=idem, **headers)


def test_key_is_stored_only_as_its_digest(db):
    key, raw = issue_api_key(name="Portal app", may_submit=True)
    row = ApiKey.objects.get(pk=key.pk)
    assert raw not in (row.digest, row.prefix)
    assert row.matches(raw)
    assert not row.matches(raw + "x")


def test_submit_makes_one_web_case(client, org, submitter):
    response = submit(client, submitter)
    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get(code=data["reference"])
    assert case.channel == "web"
    assert case.citizen_phone == "+9647701234567"
    assert data["state"] == "received"


def test_same_idempotency_key_same_body_same_answer(client, org, submitter):
    first = submit(client, submitter)
    again = submit(client, submitter)
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert Case.objects.count() == 1
    assert ApiSubmission.objects.count() == 1


def test_same_idempotency_key_other_body_is_409_and_writes_nothing(client, org, submitter):
    submit(client, submitter)
    response = submit(client, submitter, body=CASE | {"subject": "Another thing"})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 409
    assert Case.objects.count() == 1


def test_other_idempotency_key_makes_another_case(client, org, submitter):
    submit(client, submitter, idem="a")
    submit(client, submitter, idem="b")
    assert Case.objects.count() == 2


def test_missing_idempotency_key_is_422(client, org, submitter):
    response = post(client, "/api/v1/cases", CASE, submitter)
    assert response.status_code == 422
    assert Case.objects.count() == 0


def test_unknown_key_is_401_problem(client, org):
    response = submit(client, "mq_00000000_nothing")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert Case.objects.count() == 0


def test_revoked_key_is_401(client, org):
    key, raw = issue_api_key(name="Old", may_submit=True)
    ApiKey.objects.filter(pk=key.pk).update(is_active=False)
    assert submit(client, raw).status_code == 401


def test_key_without_submit_scope_gets_404(client, org):
    _key, raw = issue_api_key(name="Reader", may_read_own=True)
    assert submit(client, raw).status_code == 404
    assert Case.objects.count() == 0


def test_bad_phone_is_422_in_callers_language(client, org, submitter):
    response = submit(
        client, submitter, body=CASE | {"citizen_phone": "12"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert response["Content-Language"] == "en"
    assert response.json()["detail"] == "Enter a valid phone number."
    arabic = submit(
        client, submitter, idem="x2", body=CASE | {"citizen_phone": "12"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert arabic["Content-Language"] == "ar"
    assert arabic.json()["detail"] != "Enter a valid phone number."
    assert Case.objects.count() == 0


def test_malformed_json_is_4xx_not_500(client, org, submitter):
    response = client.post(
        "/api/v1/cases",
        "{not json",
        content_type="application/json",
        HTTP_X_API_KEY=submitter,
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert 400 <= response.status_code < 500
    assert Case.objects.count() == 0


def test_blank_subject_is_422(client, org, submitter):
    response = submit(client, submitter, body=CASE | {"subject": "   "})
    assert response.status_code == 422
    assert Case.objects.count() == 0


def test_unknown_service_is_422(client, org, submitter):
    response = submit(client, submitter, body=CASE | {"service": "no-such"})
    assert response.status_code == 422
    assert Case.objects.count() == 0


def test_submissions_lists_only_own(client, org, submitter):
    make_case(org)  # a portal case: not this key's
    mine = submit(client, submitter).json()["reference"]
    listed = client.get("/api/v1/submissions", HTTP_X_API_KEY=submitter).json()
    assert [row["reference"] for row in listed] == [mine]
    assert client.get(f"/api/v1/submissions/{mine}", HTTP_X_API_KEY=submitter).status_code == 200
    other = Case.objects.exclude(code=mine).get().code
    assert client.get(f"/api/v1/submissions/{other}", HTTP_X_API_KEY=submitter).status_code == 404


def test_track_by_reference_and_contact(client, org, submitter):
    case = make_case(org)
    ok = post(
        client, "/api/v1/track", {"reference": case.code, "contact": "+9647701234567"}, submitter
    )
    assert ok.status_code == 200
    assert ok.json()["reference"] == case.code
    wrong = post(
        client, "/api/v1/track", {"reference": case.code, "contact": "+9647709999999"}, submitter
    )
    assert wrong.status_code == 404


def test_catalogue(client, org, submitter):
    codes = [s["code"] for s in client.get("/api/v1/services", HTTP_X_API_KEY=submitter).json()]
    assert org.service_a.code in codes and org.service_b.code in codes


def test_staff_scope_lists_its_unit_only(client, org):
    in_a = make_case(org)
    in_b = make_case(org, unit=org.dept_b)
    _key, raw = issue_api_key(name="Unit A tool", staff_user=org.officer_a)
    listed = {r["reference"] for r in client.get("/api/v1/staff/cases", HTTP_X_API_KEY=raw).json()}
    assert in_a.code in listed
    assert in_b.code not in listed


def test_staff_scope_adds_a_note(client, org):
    case = make_case(org)
    _key, raw = issue_api_key(name="Unit A tool", staff_user=org.officer_a)
    response = post(client, f"/api/v1/staff/cases/{case.code}/notes", {"body": "Called back"}, raw)
    assert response.status_code == 201
    note = CaseEvent.objects.get(case=case, kind=EventKind.NOTE)
    assert note.body == "Called back" and note.actor == org.officer_a and not note.is_public


def test_staff_scope_other_unit_case_is_404(client, org):
    case = make_case(org, unit=org.dept_b)
    _key, raw = issue_api_key(name="Unit A tool", staff_user=org.officer_a)
    response = post(client, f"/api/v1/staff/cases/{case.code}/notes", {"body": "x"}, raw)
    assert response.status_code == 404
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).exists()


def test_key_without_staff_user_gets_404_on_staff(client, org, submitter):
    assert client.get("/api/v1/staff/cases", HTTP_X_API_KEY=submitter).status_code == 404


def test_rate_limit_per_key(client, org):
    _key, raw = issue_api_key(name="Busy", may_read_own=True, per_minute=3)
    _other, other_raw = issue_api_key(name="Quiet", may_read_own=True, per_minute=3)
    codes = [client.get("/api/v1/submissions", HTTP_X_API_KEY=raw).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert client.get("/api/v1/submissions", HTTP_X_API_KEY=other_raw).status_code == 200


def test_openapi_is_31_and_errors_are_problems(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    responses = schema["paths"]["/api/v1/cases"]["post"]["responses"]
    assert "application/problem+json" in responses["409"]["content"]


def test_docs_page_loads_nothing_from_outside(client, db):
    body = client.get("/api/v1/docs").content.decode()
    assert "/api/v1/cases" in body
    assert "cdn" not in body.lower()
    assert "https://" not in body and "http://" not in body


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr")])
def test_docs_page_has_one_h1_and_lang_and_dir(client, db, language, direction):
    client.cookies["django_language"] = language
    body = client.get("/api/v1/docs").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in body
    assert body.count("<h1") == 1


def test_admin_shows_a_new_key_once_and_keeps_its_digest(client, org):
    client.force_login(org.admin)
    response = client.post(
        "/admin/intake/apikey/add/",
        {"name": "Mobile app", "may_submit": "on", "per_minute": "120", "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    raw = next(word for text in shown for word in text.split() if word.startswith("mq_"))
    key = ApiKey.objects.get(name="Mobile app")
    assert key.matches(raw) and raw not in key.digest
    # Editing the key later never shows it again.
    again = client.post(
        f"/admin/intake/apikey/{key.pk}/change/",
        {"name": "Mobile app 2", "may_submit": "on", "per_minute": "120", "is_active": "on"},
        follow=True,
    )
    assert not any("mq_" in str(m) for m in again.context["messages"])
    assert ApiKey.objects.get(pk=key.pk).matches(raw)


def test_racing_submissions_with_one_idempotency_key_make_one_case(transactional_db, org):
    """Six requests with one Idempotency-Key at once, each on its own connection: the case's
    unique submission token and the submission's unique row leave one case, which all six
    answer (submit_case runs without a savepoint inside the API's transaction: a race's
    IntegrityError rolls the loser's whole transaction back, and the winner's row answers)."""
    import threading

    from django.db import connection, connections

    from mithaq.intake.services import submit_via_api

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    key, _raw = issue_api_key(name="Mobile app", may_submit=True)
    barrier = threading.Barrier(6)
    answers, failures = [], []

    def one():
        try:
            barrier.wait()
            answers.append(
                submit_via_api(
                    api_key=key, idempotency_key="race-1", fields=dict(CASE), service=None
                )
            )
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Case.objects.count() == 1 and ApiSubmission.objects.count() == 1
    assert {case.pk for case, _created in answers} == {Case.objects.get().pk}
    assert sorted(created for _case, created in answers) == [False] * 5 + [True]
