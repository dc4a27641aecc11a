"""The office manager's catalogue pages (mounted at /staff/catalogue/)."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("<slug:code>/", views.service_edit, name="edit"),
    path("<slug:code>/versions/", views.version_new, name="version_new"),
    path("<slug:code>/versions/<num:pk>/", views.version_edit, name="version"),
    path("<slug:code>/versions/<num:pk>/preview/", views.version_preview, name="preview"),
]
