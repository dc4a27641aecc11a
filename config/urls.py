"""The site's URLs: the public portal, staff pages and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("mithaq.accounts.urls")),
    path("staff/", include("mithaq.cases.urls_staff")),
    path("", include("mithaq.cases.urls_public")),
]
