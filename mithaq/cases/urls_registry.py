from django.urls import path

from .views import registry as views

app_name = "citizens"
urlpatterns = [
    path("", views.find, name="find"),
    path("<num:pk>/", views.detail, name="detail"),
    path("<num:pk>/verify/", views.verify, name="verify"),
    path("<num:pk>/preferences/", views.preferences, name="preferences"),
    path("cases/<str:code>/duplicates/", views.case_duplicates, name="duplicates"),
    path("cases/<str:code>/unlink/<str:other>/", views.unlink, name="unlink"),
]
