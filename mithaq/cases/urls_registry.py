from django.urls import path

from .views import registry as views

app_name = "citizens"
urlpatterns = [
    path("", views.find, name="find"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/preferences/", views.preferences, name="preferences"),
    path("cases/<str:code>/duplicates/", views.case_duplicates, name="duplicates"),
    path("cases/<str:code>/unlink/<str:other>/", views.unlink, name="unlink"),
]
