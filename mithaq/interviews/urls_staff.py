"""The office's interview pages: requests, screening, the day's list, the meeting."""

from django.urls import path

from . import views

app_name = "interview_office"
urlpatterns = [
    path("", views.office_list, name="list"),
    path("today/", views.today, name="today"),
    path("new/", views.office_new, name="new"),
    path("<str:code>/", views.office_detail, name="detail"),
    path("<str:code>/<str:action>/", views.office_act, name="act"),
]
