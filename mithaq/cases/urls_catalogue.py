"""The public service catalogue."""

from django.urls import path

from .views import catalogue

app_name = "catalogue"
urlpatterns = [
    path("", catalogue.service_list, name="list"),
    path("<slug:code>/", catalogue.service_page, name="service"),
    path("<slug:code>/signage.pdf", catalogue.signage, name="signage"),
]
