"""The citizen's interview pages: the request form and tracking (no sign-in)."""

from django.urls import path

from . import views

app_name = "interviews"
urlpatterns = [
    path("request/", views.request_form, name="request"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_request, name="track_request"),
    path("track/<str:code>/move/", views.citizen_move, name="move"),
    path("track/<str:code>/cancel/", views.citizen_cancel, name="cancel"),
    path("track/<str:code>/interview.ics", views.calendar_file, name="ics"),
]
