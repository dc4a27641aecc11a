from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("letterhead/", views.letterhead, name="letterhead"),
    path("charter/", views.charter_edit, name="charter_edit"),
    path("<int:pk>/", views.pack, name="pack"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
]
