from django.urls import path

from .views import audit, checklist, staff

app_name = "cases"
urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("views/", staff.inbox_views, name="inbox_views"),
    path("cases/new/", staff.new_case, name="new"),
    path("cases/<str:code>/", staff.case_detail, name="detail"),
    path("cases/<str:code>/act/<str:action>/", staff.case_act, name="act"),
    path("cases/<str:code>/compose/", staff.case_compose, name="compose"),
    path("cases/<str:code>/receipt/", staff.receipt, name="receipt"),
    path("cases/<str:code>/files/<num:pk>/", staff.attachment, name="attachment"),
    path("cases/<str:code>/documents/", checklist.mark_documents, name="documents"),
    path("cases/<str:code>/file-complete/", checklist.complete_file, name="file_complete"),
    path("audit/confidential-reads/", audit.confidential_reads, name="confidential_reads"),
    path(
        "audit/confidential-reads/chain/",
        audit.confidential_reads_chain,
        name="confidential_reads_chain",
    ),
]
