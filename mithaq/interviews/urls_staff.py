"""The office's interview pages: requests, screening, the day's list, the meeting."""

from django.urls import path

from . import views, views_records

app_name = "interview_office"
urlpatterns = [
    path("", views.office_list, name="list"),
    path("today/", views.today, name="today"),
    path("new/", views.office_new, name="new"),
    path("records/", views_records.overview, name="records"),
    path("records/<int:pk>/<str:month>/", views_records.record, name="record"),
    path("records/<int:pk>/<str:month>/add/", views_records.record_add, name="record_add"),
    path("records/<int:pk>/<str:month>/submit/", views_records.record_submit, name="record_submit"),
    path("<str:code>/", views.office_detail, name="detail"),
    path("<str:code>/<str:action>/", views.office_act, name="act"),
]
