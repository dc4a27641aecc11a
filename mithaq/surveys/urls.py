"""The survey's public pages (mounted at /survey/): the personal link and the window's tablet."""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("hall/<slug:hall>/window/<num:number>/", views.tablet, name="tablet"),
    path("<str:subject>/<str:token>/", views.answer, name="answer"),
]
