"""The hall display's URLs, included by `mithaq.walkin.urls` (namespace `walkin`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:hall>/display/", views.display, name="display"),
    path("<slug:hall>/display/stream/", views.display_stream, name="display_stream"),
]
