"""The site's URLs: the public portal, staff pages and the admin."""

from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext as _
from django.views import defaults

from mithaq.common.ids import NumberConverter
from mithaq.intake.api import api, problem

# Before the apps' URLs are read (by include() below): they write their numbers as <num:…>.
register_converter(NumberConverter, "num")

API = "api/v1/"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("mithaq.accounts.urls")),
    path("staff/", include("mithaq.cases.urls_staff")),
    path("staff/clocks/", include("mithaq.routing.urls")),
    path("staff/messages/", include("mithaq.notifications.urls")),
    path("staff/routing/", include("mithaq.cases.urls_workbench")),
    path("staff/search/", include("mithaq.search.urls")),
    path("staff/citizens/", include("mithaq.cases.urls_registry")),
    path("staff/privacy/", include("mithaq.privacy.urls")),
    path("staff/knowledge/", include("mithaq.knowledge.urls")),
    path("staff/reports/", include("mithaq.reports.urls")),
    path("staff/dashboard/", include("mithaq.reports.urls_dashboard")),
    path("hall/", include("mithaq.walkin.urls")),
    path("staff/satisfaction/", include("mithaq.surveys.urls_staff")),
    path("survey/", include("mithaq.surveys.urls")),
    path("you-said-we-did/", include("mithaq.surveys.urls_public")),
    path("faq/", include("mithaq.knowledge.urls_public")),
    path("charter/", include("mithaq.reports.urls_charter")),
    path(API, api.urls),
    path(API, include("mithaq.intake.urls")),
    path("open311/v2/", include("mithaq.intake.urls_open311")),
    path("webhooks/", include("mithaq.intake.urls_webhooks")),
    path("staff/government/", include("mithaq.intake.urls_government")),
    path("staff/interviews/", include("mithaq.interviews.urls_staff")),
    path("interviews/", include("mithaq.interviews.urls")),
    path("staff/catalogue/", include("mithaq.catalog.urls")),
    path("services/", include("mithaq.cases.urls_catalogue")),
    path("", include("mithaq.cases.urls_public")),
]


def bad_request(request, exception):
    """Every 400 the site answers (a NUL byte in the query string, a bad Host, a body too
    large): the API's paths with its problem document, as its schema says; pages with the
    400 page."""
    if request.path_info.startswith("/" + API):
        return problem(request, 400, _("The request is not valid."))
    return defaults.bad_request(request, exception)


handler400 = bad_request
