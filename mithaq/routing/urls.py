from django.urls import path

from . import views

app_name = "routing"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("holidays/<num:pk>/", views.holiday_date, name="holiday_date"),
]
