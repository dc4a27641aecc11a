"""The office's interview pages: requests, screening, the day's list, the meeting."""

from django.urls import path

from . import views, views_records, views_visits

app_name = "interview_office"
urlpatterns = [
    path("", views.office_list, name="list"),
    path("today/", views.today, name="today"),
    path("new/", views.office_new, name="new"),
    path("visits/", views_visits.visit_list, name="visits"),
    path("visits/scores/", views_visits.unit_scores, name="visit_trends"),
    path("visits/<num:pk>/", views_visits.visit_detail, name="visit"),
    path("visits/<num:pk>/photos/", views_visits.visit_photos, name="visit_photos"),
    path("visits/<num:pk>/photos/<num:photo>/", views_visits.visit_photo, name="visit_photo"),
    path("visits/<num:pk>/scores/", views_visits.visit_score, name="visit_score"),
    path("visits/<num:pk>/findings/", views_visits.visit_finding, name="visit_finding"),
    path("visits/<num:pk>/report.pdf", views_visits.visit_pdf, name="visit_pdf"),
    path("records/", views_records.overview, name="records"),
    path("records/<num:pk>/<str:month>/", views_records.record, name="record"),
    path("records/<num:pk>/<str:month>/add/", views_records.record_add, name="record_add"),
    path("records/<num:pk>/<str:month>/submit/", views_records.record_submit, name="record_submit"),
    path("<str:code>/", views.office_detail, name="detail"),
    path("<str:code>/<str:action>/", views.office_act, name="act"),
]
