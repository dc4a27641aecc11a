"""Open311 GeoReport v2 through a small client written here, as an Open311 app would call
the endpoint: discovery, services (JSON and XML), creating, reading and tokens."""

from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache

from mithaq.cases.models import Case
from mithaq.intake.services import issue_api_key
from mithaq.testing import make_case


class GeoReportClient:
    """The calls of the GeoReport v2 specification, over Django's test client."""

    def __init__(self, http, api_key, base="/open311/v2"):
        self.http, self.api_key, self.base = http, api_key, base

    def discovery(self):
        return self.http.get(f"{self.base}/discovery.json").json()

    def services(self, fmt="json"):
        return self.http.get(f"{self.base}/services.{fmt}")

    def create(self, **fields):
        return self.http.post(
            f"{self.base}/requests.json",
            urlencode({"api_key": self.api_key, **fields}),
            content_type="application/x-www-form-urlencoded",
        )

    def requests(self, **params):
        query = urlencode({"api_key": self.api_key, **params})
        return self.http.get(f"{self.base}/requests.json?{query}")

    def request(self, request_id, fmt="json"):
        query = urlencode({"api_key": self.api_key})
        return self.http.get(f"{self.base}/requests/{request_id}.{fmt}?{query}")

    def token(self, token):
        query = urlencode({"api_key": self.api_key})
        return self.http.get(f"{self.base}/tokens/{token}.json?{query}")


@pytest.fixture
def georeport(client, org):
    cache.clear()
    _key, raw = issue_api_key(name="City app", may_submit=True, may_read_own=True)
    return GeoReportClient(client, raw)


REQUEST = {
    "service_code": "complaint",
    "description": "The lift in building C has been broken for a week.",
    "first_name": "Sara",
    "last_name": "Ali",
    "phone": "+9647701234567",
    "email": "sara@example.com",
    "address_string": "Building C",
}


def test_discovery_names_the_endpoint(georeport):
    found = georeport.discovery()
    assert found["endpoints"][0]["url"].endswith("/open311/v2")
    assert "text/xml" in found["endpoints"][0]["formats"]


def test_services_json_and_xml_list_kinds_and_catalogue(georeport, org):
    codes = {row["service_code"] for row in georeport.services().json()}
    assert {"complaint", "suggestion", org.service_a.code} <= codes
    root = ET.fromstring(georeport.services("xml").content)  # noqa: S314 (our own answer)
    xml_codes = {s.findtext("service_code") for s in root.iter("service")}
    assert xml_codes == codes


def test_service_definition(client, georeport, org):
    found = client.get(f"/open311/v2/services/{org.service_a.code}.json").json()
    assert found == {"service_code": org.service_a.code, "attributes": []}
    assert client.get("/open311/v2/services/nothing.json").status_code == 404


def test_create_then_read_by_id_and_token(georeport):
    created = georeport.create(**REQUEST)
    assert created.status_code == 201
    row = created.json()[0]
    case = Case.objects.get(code=row["service_request_id"])
    assert case.kind == "complaint"
    assert case.citizen_name == "Sara Ali"
    assert "Building C" in case.body
    read = georeport.request(row["service_request_id"]).json()[0]
    assert read["status"] == "open"
    assert read["description"].startswith("The lift in building C")
    assert georeport.token(row["token"]).json() == [
        {"service_request_id": case.code, "token": row["token"]}
    ]
    xml = ET.fromstring(georeport.request(case.code, fmt="xml").content)  # noqa: S314
    assert xml.findtext("request/service_request_id") == case.code


def test_create_for_a_catalogue_service(georeport, org):
    row = georeport.create(**(REQUEST | {"service_code": org.service_a.code})).json()[0]
    assert Case.objects.get(code=row["service_request_id"]).service == org.service_a


def test_requests_filtered_by_status(georeport, org):
    first = georeport.create(**REQUEST).json()[0]["service_request_id"]
    second = georeport.create(**REQUEST).json()[0]["service_request_id"]
    listed = {r["service_request_id"] for r in georeport.requests().json()}
    assert listed == {first, second}
    by_id = georeport.requests(service_request_id=f"{first},{second}").json()
    assert {r["service_request_id"] for r in by_id} == {first, second}
    assert georeport.requests(status="closed").json() == []
    assert len(georeport.requests(status="open").json()) == 2


def test_only_own_requests_are_read(georeport, org):
    other = make_case(org)
    assert georeport.request(other.code).status_code == 404
    assert georeport.requests(service_request_id=other.code).json() == []


@pytest.mark.parametrize("missing", ["service_code", "description", "first_name", "phone"])
def test_missing_field_is_the_standards_400_and_writes_nothing(georeport, missing):
    # A name is first_name or last_name: without either, first_name is the one asked for.
    dropped = {missing, "last_name"} if missing == "first_name" else {missing}
    response = georeport.create(**{k: v for k, v in REQUEST.items() if k not in dropped})
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and missing in error["description"]
    assert Case.objects.count() == 0


def test_bad_phone_is_400(georeport):
    assert georeport.create(**(REQUEST | {"phone": "12"})).status_code == 400
    assert Case.objects.count() == 0


def test_unknown_api_key_is_403_and_writes_nothing(client, org):
    response = GeoReportClient(client, "mq_00000000_wrong").create(**REQUEST)
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert Case.objects.count() == 0


def test_bad_date_is_400(georeport):
    assert georeport.requests(start_date="yesterday").status_code == 400
