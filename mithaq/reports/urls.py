from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("letterhead/", views.letterhead, name="letterhead"),
    path("charter/", views.charter_edit, name="charter_edit"),
    path("<num:pk>/", views.pack, name="pack"),
    path("<num:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<num:pk>/submit/", views.submit, name="submit"),
    path("<num:pk>/<str:fmt>/", views.download, name="download"),
]
