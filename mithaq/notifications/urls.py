from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("templates/", views.template_list, name="templates"),
    path(
        "templates/<slug:event_key>/<slug:channel>/<slug:language>/",
        views.template_edit,
        name="template_edit",
    ),
    path(
        "templates/<slug:event_key>/<slug:channel>/<slug:language>/default/",
        views.template_restore,
        name="template_restore",
    ),
    path("templates/count/", views.sms_count, name="sms_count"),
    path("<num:pk>/resend/", views.resend, name="resend"),
    path("enrolment-code/send/", views.send_enrolment_code, name="send_enrolment_code"),
    path("receipts/<slug:gateway>/", views.receipt, name="receipt"),
]
