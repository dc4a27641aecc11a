"""A 400 from anywhere (here a NUL byte in a query string, refused by the headers middleware
before any view reads it): the API answers with its problem document (config.urls.bad_request),
a page with Django's 400."""

import json

import pytest

# A whole-site check: with PostgreSQL present it runs in that pass only (Makefile).
pytestmark = pytest.mark.site


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/submissions", "/api/v1/cases/ABCD-EFGH"])
def test_the_api_answers_a_nul_byte_with_a_problem_document(client, path):
    response = client.get(path, {"q\x00": "x", "limit": "10"}, HTTP_X_API_KEY="no such key")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 400 and body["type"] == "about:blank" and body["title"]


@pytest.mark.django_db
def test_a_page_answers_a_nul_byte_with_a_bad_request(client):
    response = client.get("/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
