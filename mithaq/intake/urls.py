from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("docs", views.api_docs, name="api_docs"),
]
