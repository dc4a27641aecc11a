from django.urls import path

from .views import audit, staff

app_name = "cases"
urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("cases/new/", staff.new_case, name="new"),
    path("cases/<str:code>/", staff.case_detail, name="detail"),
    path("cases/<str:code>/act/<str:action>/", staff.case_act, name="act"),
    path("cases/<str:code>/files/<int:pk>/", staff.attachment, name="attachment"),
    path("audit/confidential-reads/", audit.confidential_reads, name="confidential_reads"),
]
