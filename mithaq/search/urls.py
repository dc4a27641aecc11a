from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("filters/", views.filters, name="filters"),
    path("filters/<num:pk>/", views.apply_filter, name="apply_filter"),
    path("filters/<num:pk>/delete/", views.delete_filter, name="delete_filter"),
    path("bulk/", views.bulk, name="bulk"),
    path("export/<str:fmt>/", views.export_cases, name="export"),
]
