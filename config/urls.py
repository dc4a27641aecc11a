"""The site's URLs: the public portal, staff pages and the admin."""

from django.contrib import admin
from django.urls import include, path, register_converter

from mithaq.common.ids import NumberConverter
from mithaq.intake.api import api

# Before the apps' URLs are read (by include() below): they write their numbers as <num:…>.
register_converter(NumberConverter, "num")

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
    path("api/v1/", api.urls),
    path("api/v1/", include("mithaq.intake.urls")),
    path("open311/v2/", include("mithaq.intake.urls_open311")),
    path("webhooks/", include("mithaq.intake.urls_webhooks")),
    path("staff/government/", include("mithaq.intake.urls_government")),
    path("staff/interviews/", include("mithaq.interviews.urls_staff")),
    path("interviews/", include("mithaq.interviews.urls")),
    path("staff/catalogue/", include("mithaq.catalog.urls")),
    path("services/", include("mithaq.cases.urls_catalogue")),
    path("", include("mithaq.cases.urls_public")),
]
