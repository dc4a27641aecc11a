"""404, 403 and 500 pages in the product's design and the visitor's language; the favicon;
the admin named for the product, and every app and model of ours named in Arabic."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied, server_error

pytestmark = pytest.mark.django_db

HTML_TAG = re.compile(r'<html lang="(?P<lang>[a-z-]+)" dir="(?P<dir>rtl|ltr)">')
H1 = re.compile(r"<h1>(.*?)</h1>")
ARABIC = re.compile("[\u0600-\u06ff]")


def _page(body: str) -> tuple[str, str, list[str]]:
    tag = HTML_TAG.search(body)
    assert tag, "no <html lang dir>"
    return tag["lang"], tag["dir"], H1.findall(body)


@pytest.mark.parametrize(
    ("language", "direction", "title"),
    [
        ("ar", "rtl", "الصفحة غير موجودة"),
        ("en", "ltr", "Page not found"),
        ("fr", "ltr", "Page introuvable"),
        ("es", "ltr", "Página no encontrada"),
    ],
)
def test_a_missing_page_answers_in_the_visitors_language(
    client, org, settings, language, direction, title
):
    settings.DEBUG = False
    client.cookies["django_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert _page(body) == (language, direction, [title])
    assert 'class="topbar"' in body and "mithaq/favicon" in body


def test_forbidden_is_in_the_design_and_the_language(org):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("fr"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert _page(response.content.decode()) == ("fr", "ltr", ["Accès refusé"])


@pytest.mark.parametrize(
    ("language", "direction", "title"),
    [("ar", "rtl", "حدث خطأ"), ("es", "ltr", "Se ha producido un error")],
)
def test_a_server_error_page_needs_no_database(
    django_assert_num_queries, language, direction, title
):
    request = RequestFactory().get("/")
    with translation.override(language), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert _page(body) == (language, direction, [title])
    assert "mithaq/mithaq" in body  # the product's stylesheet


def test_every_page_names_the_favicon_and_it_is_served(client, org):
    assert 'rel="icon"' in client.get("/").content.decode()
    assert finders.find("mithaq/favicon.svg")


def test_the_admin_is_named_for_the_product():
    with translation.override("ar"):
        assert (str(admin.site.site_header), str(admin.site.site_title)) == ("إدارة ميثاق", "ميثاق")
    with translation.override("en"):
        assert str(admin.site.site_header) == "Mithaq administration"


def test_every_app_and_model_of_ours_has_an_arabic_name():
    unnamed = []
    with translation.override("ar"):
        for app in apps.get_app_configs():
            if not app.name.startswith("mithaq."):
                continue
            if not ARABIC.search(str(app.verbose_name)):
                unnamed.append(app.name)
            for model in app.get_models():
                for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
                    if not ARABIC.search(str(name)):
                        unnamed.append(f"{app.label}.{model.__name__}: {name}")
    assert not unnamed
