"""The public API, /api/v1/ (django-ninja): the catalogue, submitting and tracking a case,
what a key submitted, and the staff scope's unit-scoped reads and notes. Every error is an
RFC 9457 problem document in the caller's language (Accept-Language)."""

import datetime
import functools
import logging
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Header, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader
from pydantic import field_validator

from mithaq.accounts.actions import Action
from mithaq.cases import services as case_services
from mithaq.cases.access import cases_visible_to, get_case_for_user
from mithaq.cases.forms.public import TrackForm
from mithaq.cases.models import Case
from mithaq.cases.states import Kind, State
from mithaq.catalog.models import Service
from mithaq.common.ratelimit import over_limit

from . import services
from .models import KEY_PREFIX, ApiKey

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
LANGUAGES = ("ar", "en", "fr", "es")


class Problem(Schema):
    """RFC 9457."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[dict[str, Any]] = []


class TooManyRequests(Exception):
    pass


class Conflict(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class KeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        if not key or not key.startswith(KEY_PREFIX) or len(key) > 120:
            return None
        prefix = key[len(KEY_PREFIX) : len(KEY_PREFIX) + 8]
        found = ApiKey.objects.select_related("staff_user").filter(prefix=prefix).first()
        if found is None or not found.is_active or not found.matches(key):
            return None
        if over_limit(f"api:{found.pk}", limit=found.per_minute, window=60):
            raise TooManyRequests
        return found


class MithaqAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        # Errors are problem documents: say so in the schema, as the answers do.
        schema = super().get_openapi_schema(*args, **kwargs)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    if str(status).startswith(("4", "5")) and "content" in response:
                        response["content"] = {PROBLEM: response["content"]["application/json"]}
        return schema


api = MithaqAPI(
    title="Mithaq",
    version="1",
    description="Submit and track cases, read the catalogue; the staff scope reads its unit.",
    urls_namespace="api",
    docs_url=None,
    auth=KeyAuth(),
)


def _in_callers_language(view):
    """The answer's language is the caller's Accept-Language among ours, else the site's."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        chosen = settings.LANGUAGE_CODE
        for part in request.META.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGUAGES:
                chosen = code
                break
        with translation.override(chosen):
            response = view(request, *args, **kwargs)
            response.headers.setdefault("Content-Language", chosen)
            return response

    return wrapped


api.add_decorator(_in_callers_language, mode="view")


def problem(request, status: int, title: str, detail: str = "", errors=None, **headers):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return problem(request, 422, _("The request is not valid."), errors=errors)


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    return problem(request, 422, _("The request is not valid."), detail=" ".join(exc.messages))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(request, 401, _("A valid API key is needed (the X-API-Key header)."))


@api.exception_handler(TooManyRequests)
def _too_many(request, exc):
    return problem(request, 429, _("Too many requests: wait a minute."), Retry_After="60")


@api.exception_handler(Http404)
def _missing(request, exc):
    return problem(request, 404, _("Not found."))


@api.exception_handler(Conflict)
def _conflict(request, exc):
    return problem(request, 409, exc.detail)


@api.exception_handler(case_services.CaseStateError)
def _bad_state(request, exc):
    return problem(request, 409, " ".join(exc.messages))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def _server_error(request, exc):
    log.exception("API error on %s", request.path)
    return problem(request, 500, _("Something went wrong on our side."))


def _reference(raw: str) -> str:
    """A reference from a path: one that cannot be ours (too long, a NUL that PostgreSQL
    refuses) is simply not found."""
    if len(raw) > 20 or "\x00" in raw:
        raise Http404
    return raw.upper()


def _forbidden() -> Http404:
    # A key without the scope gets what a missing thing gets.
    return Http404()


ERRORS = {400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem}


def _text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    if "\x00" in value:
        raise ValueError("must not hold a NUL character")
    return value


# ---------------------------------------------------------------- the catalogue


class ServiceOut(Schema):
    code: str
    name_ar: str
    name_en: str
    unit_ar: str
    unit_en: str


@api.get("/services", response={200: list[ServiceOut], **ERRORS}, url_name="services")
def list_services(request):
    """The catalogue: the services a case may name."""
    rows = Service.objects.filter(is_active=True).select_related("unit").order_by("code")
    return [
        ServiceOut(
            code=s.code,
            name_ar=s.name_ar,
            name_en=s.name_en,
            unit_ar=s.unit.name_ar,
            unit_en=s.unit.name_en,
        )
        for s in rows
    ]


# ---------------------------------------------------------------- submitting, tracking


class CaseIn(Schema):
    kind: Literal[tuple(Kind.values)]  # type: ignore[valid-type]
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=10000)
    citizen_name: str = Field(min_length=1, max_length=150)
    citizen_phone: str = Field(min_length=1, max_length=30)
    citizen_email: str = Field("", max_length=254)
    citizen_language: Literal["ar", "en", "fr", "es"] = "ar"
    remedy_sought: str = Field("", max_length=5000)
    service: str = Field("", max_length=60)

    @field_validator("subject", "body", "citizen_name", "citizen_phone")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return _text(value)

    @field_validator("citizen_email", "remedy_sought", "service")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        return _text(value) if value.strip() else ""

    @field_validator("citizen_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError("not an email address") from None
        return value


class CaseOut(Schema):
    reference: str
    kind: str
    state: str
    state_label: str
    received_at: datetime.datetime
    expected_answer_by: datetime.datetime | None
    closed_at: datetime.datetime | None


def _utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    # One spelling of a moment, so that a replayed submission answers byte for byte alike.
    return moment.astimezone(datetime.UTC) if moment is not None else None


def _case_out(case: Case) -> CaseOut:
    return CaseOut(
        reference=case.code,
        kind=case.kind,
        state=case.state,
        state_label=str(State(case.state).label),
        received_at=case.created_at.astimezone(datetime.UTC),
        expected_answer_by=_utc(case.due_at),
        closed_at=_utc(case.closed_at),
    )


@api.post("/cases", response={200: CaseOut, 201: CaseOut, **ERRORS}, url_name="submit")
def submit(
    request,
    payload: CaseIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=200),
):
    """Submit a case. The same Idempotency-Key with the same body answers with the same case;
    with another body, 409."""
    key: ApiKey = request.auth
    if not key.may_submit:
        raise _forbidden()
    fields = payload.dict()
    code = fields.pop("service")
    service = None
    if code:
        service = Service.objects.filter(code=code, is_active=True).first()
        if service is None:
            raise DjangoValidationError(_("There is no such service in the catalogue."))
    try:
        case, created = services.submit_via_api(
            api_key=key, idempotency_key=idempotency_key.strip(), fields=fields, service=service
        )
    except services.IdempotencyConflict:
        raise Conflict(
            _("This Idempotency-Key was already used with another request body.")
        ) from None
    return Status(201, _case_out(case))


class SubmissionOut(Schema):
    reference: str
    state: str
    received_at: datetime.datetime


@api.get("/submissions", response={200: list[SubmissionOut], **ERRORS}, url_name="submissions")
def list_submissions(
    request,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """The cases this key submitted, newest first."""
    key: ApiKey = request.auth
    if not key.may_read_own:
        raise _forbidden()
    rows = key.submissions.select_related("case").order_by("-created_at", "-id")[
        offset : offset + limit
    ]
    return [
        SubmissionOut(reference=s.case.code, state=s.case.state, received_at=s.case.created_at)
        for s in rows
    ]


@api.get("/submissions/{reference}", response={200: CaseOut, **ERRORS}, url_name="submission")
def read_submission(request, reference: str):
    """One case this key submitted."""
    key: ApiKey = request.auth
    if not key.may_read_own:
        raise _forbidden()
    found = key.submissions.select_related("case").filter(case__code=_reference(reference)).first()
    if found is None:
        raise Http404
    return _case_out(found.case)


class TrackIn(Schema):
    reference: str = Field(min_length=1, max_length=20)
    contact: str = Field(min_length=1, max_length=254)


@api.post("/track", response={200: CaseOut, **ERRORS}, url_name="track")
def track(request, payload: TrackIn):
    """A case by its reference and the phone or email given with it (in the body, never in
    the URL). A wrong pair answers 404, whether the reference exists or not."""
    form = TrackForm({"code": payload.reference, "contact": payload.contact})
    if not form.is_valid() or form.case is None:
        raise Http404
    return _case_out(form.case)


# ---------------------------------------------------------------- the staff scope


class StaffCaseOut(Schema):
    reference: str
    subject: str
    kind: str
    state: str
    channel: str
    unit: str
    received_at: datetime.datetime
    expected_answer_by: datetime.datetime | None


def _staff_user(request):
    key: ApiKey = request.auth
    user = key.staff_user
    if user is None or not user.is_active:
        raise _forbidden()
    return user


@api.get("/staff/cases", response={200: list[StaffCaseOut], **ERRORS}, url_name="staff_cases")
def staff_cases(
    request,
    state: Literal[tuple(State.values)] | None = None,  # type: ignore[valid-type]
    kind: Literal[tuple(Kind.values)] | None = None,  # type: ignore[valid-type]
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """The cases the key's member of staff may see (their unit's), filtered, newest first."""
    user = _staff_user(request)
    rows = cases_visible_to(user).select_related("unit")
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return [
        StaffCaseOut(
            reference=c.code,
            subject=c.subject,
            kind=c.kind,
            state=c.state,
            channel=c.channel,
            unit=c.unit.name,
            received_at=c.created_at,
            expected_answer_by=c.due_at,
        )
        for c in rows.order_by("-created_at", "-id")[offset : offset + limit]
    ]


class NoteIn(Schema):
    body: str = Field(min_length=1, max_length=10000)

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return _text(value)


class NoteOut(Schema):
    reference: str
    noted_at: datetime.datetime


@api.post(
    "/staff/cases/{reference}/notes",
    response={201: NoteOut, **ERRORS},
    url_name="staff_note",
)
def staff_note(request, reference: str, payload: NoteIn):
    """An internal note on a case the key's member of staff may note."""
    user = _staff_user(request)
    case = get_case_for_user(user, _reference(reference), action=Action.NOTE)
    case = case_services.add_note(case=case, actor=user, body=payload.body)
    return Status(201, NoteOut(reference=case.code, noted_at=case.updated_at))


def docs_operations() -> list[dict[str, Any]]:
    """The operations of the schema, for the docs page (mithaq.intake.views)."""
    schema = api.get_openapi_schema()
    found = []
    for route, item in schema["paths"].items():
        for method, operation in item.items():
            found.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "statuses": sorted(operation.get("responses", {})),
                }
            )
    return found
