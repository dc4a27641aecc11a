"""The survey's staff pages (mounted at /staff/satisfaction/)."""

from django.urls import path

from . import views

app_name = "satisfaction"
urlpatterns = [
    path("", views.results, name="results"),
    path("comments/", views.comments, name="comments"),
    path("comments/<num:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("comments/<num:pk>/acted/", views.comment_acted, name="comment_acted"),
    path("follow-up/", views.follow_up, name="follow_up"),
    path("follow-up/<num:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/<str:code>/", views.suggestion, name="suggestion"),
]
