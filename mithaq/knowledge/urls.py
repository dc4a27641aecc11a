"""Staff pages of ready answers: canned replies, the picker of a case, the FAQ editor."""

from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.replies, name="replies"),
    path("new/", views.reply_new, name="reply_new"),
    path("<num:pk>/", views.reply_edit, name="reply_edit"),
    path("<num:pk>/in-use/", views.reply_active, name="reply_active"),
    path("cases/<str:code>/<str:action>/", views.picker, name="picker"),
    path("cases/<str:code>/<str:action>/<num:pk>/", views.insert, name="insert"),
    path("faq/", views.faq_entries, name="faq"),
    path("faq/new/", views.faq_new, name="faq_new"),
    path("faq/<num:pk>/", views.faq_edit, name="faq_edit"),
]
