"""The audit trail's pages: who read the identity of a citizen who asked for confidentiality,
when, and on which case."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from mithaq.accounts.access import may_view_audit_log
from mithaq.accounts.decorators import staff_required
from mithaq.cases import anchors
from mithaq.cases.forms.audit import ConfidentialReadFilterForm
from mithaq.cases.selectors import check_read_chain
from mithaq.cases.selectors import confidential_reads as reads_of

PAGE_SIZE = 50


@require_GET
@staff_required(allow=may_view_audit_log)
def confidential_reads(request):
    form = ConfidentialReadFilterForm(request.GET or None)
    wanted = form.filters()
    page = wanted["page"]
    reads = reads_of(code=wanted["code"], user=wanted["user"])
    # No COUNT(*) over the whole log (docs/decisions/0001): one row more tells if there is a
    # next page.
    rows = list(reads[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {
        "form": form,
        "reads": rows[:PAGE_SIZE],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "has_previous": page > 1,
    }
    return render(request, "cases/staff/audit_reads.html", context)


@require_GET
@staff_required(allow=may_view_audit_log)
def confidential_reads_chain(request):
    """The log's hash chain recomputed: intact, or where it breaks (a row changed or removed
    outside the application, by hand in the database), and the database against the daily
    anchors kept outside it (a tail cut off, or the whole chain rewritten)."""
    context = {
        "check": check_read_chain(),
        "anchors": anchors.verify_anchors(),
    }
    return render(request, "cases/staff/audit_chain.html", context)
