"""Open311 GeoReport v2 (mithaq.intake.open311)."""

from django.urls import path, re_path

from . import open311

app_name = "open311"

FMT = r"(?P<fmt>json|xml)"

urlpatterns = [
    path("discovery.json", open311.discovery, name="discovery"),
    re_path(rf"^services\.{FMT}$", open311.service_list, name="services"),
    re_path(
        rf"^services/(?P<code>[-\w]{{1,60}})\.{FMT}$", open311.service_definition, name="service"
    ),
    re_path(rf"^requests\.{FMT}$", open311.requests, name="requests"),
    re_path(rf"^requests/(?P<code>[-\w]{{1,20}})\.{FMT}$", open311.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[-\w]{{1,64}})\.{FMT}$", open311.token, name="token"),
]
