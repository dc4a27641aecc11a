from django.urls import path

from . import views_government as views

app_name = "government"

urlpatterns = [
    path("", views.reentry, name="reentry"),
    path("export.csv", views.reentry_csv, name="reentry_csv"),
    path("cases/<str:code>/", views.external_entry, name="external_entry"),
    path("letters/", views.letters, name="letters"),
]
