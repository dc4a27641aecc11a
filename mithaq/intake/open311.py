"""Open311 GeoReport v2 at /open311/v2/: discovery, the service list (JSON and XML), a
service's definition, submitting a request with an api_key, reading requests and tokens.

Our kinds (complaint, suggestion...) and our catalogue's services are the standard's
services; a case's state is `open` or `closed`. Reading requests needs an api_key too and
answers only the requests that key submitted: a case carries a citizen's personal data and
is never public. Errors are the standard's: a list of {code, description}."""

import datetime
import uuid
from typing import Any
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from mithaq.cases.models import Case
from mithaq.cases.states import Kind, State
from mithaq.catalog.models import Service
from mithaq.common.ratelimit import over_limit

from . import services
from .models import KEY_PREFIX, ApiKey, ApiSubmission

TOKEN_PREFIX = "open311:"  # noqa: S105 (a namespace for tokens, not a secret)


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _error(status: int, description: str, fmt: str = "json") -> HttpResponse:
    if fmt == "xml":
        root = ET.Element("errors")
        item = ET.SubElement(root, "error")
        ET.SubElement(item, "code").text = str(status)
        ET.SubElement(item, "description").text = description
        return _xml(root, status=status)
    return JsonResponse([{"code": status, "description": description}], safe=False, status=status)


def _xml(root: ET.Element, status: int = 200) -> HttpResponse:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def answering(view):
    """Every Open311 error as the standard's error list, never a 500 page."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Open311Error as exc:
            return _error(exc.status, exc.description, kwargs.get("fmt", "json"))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _key(request) -> ApiKey:
    raw = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if raw.startswith(KEY_PREFIX) and len(raw) <= 120:
        prefix = raw[len(KEY_PREFIX) : len(KEY_PREFIX) + 8]
        found = ApiKey.objects.filter(prefix=prefix, is_active=True).first()
        if found is not None and found.matches(raw):
            if over_limit(f"api:{found.pk}", limit=found.per_minute, window=60):
                raise Open311Error(429, _("Too many requests: wait a minute."))
            return found
    raise Open311Error(403, _("A valid api_key is needed."))


# ------------------------------------------------------------------ services


def _services() -> list[dict[str, Any]]:
    rows = [
        {
            "service_code": kind.value,
            "service_name": str(kind.label),
            "description": "",
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": str(_("Kinds of case")),
        }
        for kind in Kind
    ]
    for service in Service.objects.filter(is_active=True).select_related("unit").order_by("code"):
        rows.append(
            {
                "service_code": service.code,
                "service_name": service.name,
                "description": service.description,
                "metadata": False,
                "type": "realtime",
                "keywords": "",
                "group": service.unit.name,
            }
        )
    return rows


@require_GET
def discovery(request):
    base = request.build_absolute_uri(reverse("open311:services", args=["json"]))
    return JsonResponse(
        {
            "changeset": "2026-12-06T00:00:00Z",
            "contact": "",
            "key_service": "",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base.rsplit("/", 1)[0],
                    "changeset": "2026-12-06T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        }
    )


@require_GET
@answering
def service_list(request, fmt: str):
    rows = _services()
    if fmt == "xml":
        root = ET.Element("services")
        for row in rows:
            item = ET.SubElement(root, "service")
            for name, value in row.items():
                ET.SubElement(item, name).text = (
                    ("true" if value else "false") if isinstance(value, bool) else str(value)
                )
        return _xml(root)
    return JsonResponse(rows, safe=False)


@require_GET
@answering
def service_definition(request, code: str, fmt: str):
    if not any(row["service_code"] == code for row in _services()):
        raise Open311Error(404, _("There is no such service."))
    # Our services ask nothing beyond the request's own fields.
    if fmt == "xml":
        root = ET.Element("service_definition")
        ET.SubElement(root, "service_code").text = code
        ET.SubElement(root, "attributes")
        return _xml(root)
    return JsonResponse({"service_code": code, "attributes": []})


# ------------------------------------------------------------------ requests


def _utc(moment: datetime.datetime | None) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _request_row(case: Case) -> dict[str, Any]:
    return {
        "service_request_id": case.code,
        "status": "closed" if case.state == State.CLOSED else "open",
        "status_notes": str(State(case.state).label),
        "service_name": case.service.name if case.service else str(Kind(case.kind).label),
        "service_code": case.service.code if case.service else case.kind,
        "description": case.body,
        "agency_responsible": case.unit.name,
        "service_notice": "",
        "requested_datetime": _utc(case.created_at),
        "updated_datetime": _utc(case.updated_at),
        "expected_datetime": _utc(case.due_at),
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _requests_out(rows: list[dict[str, Any]], fmt: str) -> HttpResponse:
    if fmt == "xml":
        root = ET.Element("service_requests")
        for row in rows:
            item = ET.SubElement(root, "request")
            for name, value in row.items():
                ET.SubElement(item, name).text = "" if value is None else str(value)
        return _xml(root)
    return JsonResponse(rows, safe=False)


def _date(raw: str, name: str) -> datetime.datetime | None:
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s is not a date and time (W3C format).") % {"name": name})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@answering
def requests(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    key = _key(request)
    submitted = ApiSubmission.objects.filter(api_key=key).values("case_id")
    cases = Case.objects.filter(pk__in=submitted).select_related("unit", "service")
    ids = [c.strip().upper() for c in request.GET.get("service_request_id", "").split(",")]
    ids = [c for c in ids if c]
    if ids:
        cases = cases.filter(code__in=ids[:100])
    else:
        codes = [c for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            cases = cases.filter(service__code__in=codes) | cases.filter(kind__in=codes)
        status = request.GET.get("status", "")
        if status == "open":
            cases = cases.exclude(state=State.CLOSED)
        elif status == "closed":
            cases = cases.filter(state=State.CLOSED)
        elif status:
            raise Open311Error(400, _("status is open or closed."))
        start = _date(request.GET.get("start_date", ""), "start_date")
        end = _date(request.GET.get("end_date", ""), "end_date")
        # The standard's default: the last 90 days.
        if start is None and end is None:
            start = timezone.now() - datetime.timedelta(days=90)
        if start is not None:
            cases = cases.filter(created_at__gte=start)
        if end is not None:
            cases = cases.filter(created_at__lte=end)
    rows = [_request_row(c) for c in cases.order_by("-created_at", "-id")[:1000]]
    return _requests_out(rows, fmt)


def _create(request, fmt: str) -> HttpResponse:
    key = _key(request)
    if not key.may_submit:
        raise Open311Error(403, _("This api_key may not submit requests."))
    data = request.POST
    code = data.get("service_code", "").strip()
    description = data.get("description", "").replace("\x00", "").strip()
    name = " ".join(
        part.replace("\x00", "").strip()
        for part in (data.get("first_name", ""), data.get("last_name", ""))
        if part.strip()
    )
    phone = data.get("phone", "").replace("\x00", "").strip()
    email = data.get("email", "").replace("\x00", "").strip()
    missing = [
        field
        for field, value in (
            ("service_code", code),
            ("description", description),
            ("first_name", name),
            ("phone", phone),
        )
        if not value
    ]
    if missing:
        raise Open311Error(400, _("Missing: %(fields)s") % {"fields": ", ".join(missing)})
    service = None
    if code in Kind.values:
        kind = code
    else:
        service = Service.objects.filter(code=code, is_active=True).first()
        if service is None:
            raise Open311Error(404, _("There is no such service."))
        kind = Kind.COMPLAINT
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, _("email is not an email address.")) from None
    token = str(uuid.uuid4())
    address = data.get("address_string", "").replace("\x00", "").strip()
    fields = {
        "kind": kind,
        "subject": description.split("\n")[0][:200],
        "body": f"{description}\n\n{address}".strip()[:10000],
        "citizen_name": name[:150],
        "citizen_phone": phone[:30],
        "citizen_email": email[:254],
        "citizen_language": "ar",
        "remedy_sought": "",
    }
    try:
        case, _new = services.submit_via_api(
            api_key=key, idempotency_key=TOKEN_PREFIX + token, fields=fields, service=service
        )
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from None
    row = {"service_request_id": case.code, "token": token, "service_notice": "", "account_id": ""}
    if fmt == "xml":
        root = ET.Element("service_requests")
        item = ET.SubElement(root, "request")
        for name_, value in row.items():
            ET.SubElement(item, name_).text = value
        return _xml(root, status=201)
    return JsonResponse([row], safe=False, status=201)


@require_GET
@answering
def request_detail(request, code: str, fmt: str):
    key = _key(request)
    found = (
        ApiSubmission.objects.filter(api_key=key, case__code=code.upper()[:20])
        .select_related("case__unit", "case__service")
        .first()
    )
    if found is None:
        raise Open311Error(404, _("There is no such request."))
    return _requests_out([_request_row(found.case)], fmt)


@require_GET
@answering
def token(request, token: str, fmt: str):
    key = _key(request)
    found = (
        ApiSubmission.objects.filter(api_key=key, idempotency_key=TOKEN_PREFIX + token[:100])
        .select_related("case")
        .first()
    )
    if found is None:
        raise Open311Error(404, _("There is no such token."))
    row = {"service_request_id": found.case.code, "token": token}
    if fmt == "xml":
        root = ET.Element("service_requests")
        item = ET.SubElement(root, "request")
        for name, value in row.items():
            ET.SubElement(item, name).text = value
        return _xml(root)
    return JsonResponse([row], safe=False)
