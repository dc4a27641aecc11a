from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("people/<num:pk>/", views.person, name="person"),
    path("people/<num:pk>/export/", views.export_person, name="export"),
    path("people/<num:pk>/erasure/", views.request_erasure, name="request_erasure"),
    path("erasures/", views.erasures, name="erasures"),
    path("erasures/<num:request_id>/", views.decide_erasure, name="decide"),
    path("cases/<str:code>/restrict/", views.restrict, name="restrict"),
]
