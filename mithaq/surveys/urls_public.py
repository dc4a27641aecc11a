"""The public page "you said, we did" (mounted at /you-said-we-did/)."""

from django.urls import path

from . import views

app_name = "you_said"
urlpatterns = [path("", views.you_said_we_did, name="index")]
