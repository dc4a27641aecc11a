"""The case page's panel of reads of a confidential identity, for those who may view the
audit trail (access.may_view_audit_log). Two small queries (one when a case has fewer
than RECENT reads), none for anyone else."""

from django import template

from mithaq.accounts.access import may_view_audit_log

register = template.Library()

RECENT = 5


@register.inclusion_tag("cases/staff/_identity_reads.html", takes_context=True)
def identity_reads(context, case):
    if not case.identity_confidential or not may_view_audit_log(context["request"]):
        return {"shown": False}
    # The case's own column too: the related manager sets each read's case from it, and a
    # deferred one was read back with a query per read.
    reads = (
        case.confidential_reads.select_related("user")
        .only(
            "at", "case", "user__username", "user__full_name", "user__first_name", "user__last_name"
        )
        .order_by("-at", "-id")
    )
    recent = list(reads[:RECENT])
    # A case's reads are counted through its index; most cases have fewer than RECENT.
    count = len(recent) if len(recent) < RECENT else reads.count()
    return {"shown": True, "case": case, "recent": recent, "count": count}
