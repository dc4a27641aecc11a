"""Inbound webhooks of intake's channels."""

from django.urls import path

from . import whatsapp

app_name = "webhooks"

urlpatterns = [
    path("whatsapp/<slug:gateway>", whatsapp.webhook, name="whatsapp"),
]
