"""The public questions and answers of each service."""

from django.urls import path

from . import views

app_name = "faq"
urlpatterns = [
    path("", views.faq_index, name="index"),
    # A fixed path first: "for-submit" is not a service.
    path("for-submit/", views.faq_for_submit, name="for_submit"),
    path("<slug:code>/", views.faq_service, name="service"),
]
