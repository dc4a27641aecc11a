"""{% case_messages %}: the case page's messages and their delivery history."""

from django import template

from mithaq.accounts.access import access_for
from mithaq.accounts.actions import Action
from mithaq.common.baked import Baked
from mithaq.notifications.models import GatewayState, Message
from mithaq.notifications.states import BreakerState, MessageStatus

register = template.Library()
# The same SQL on every case page: made once per process (mithaq.common.baked).
_case_page_messages = Baked(lambda case_id: Message.objects.for_case_page(case_id), int)


@register.inclusion_tag("notifications/_case_messages.html", takes_context=True)
def case_messages(context, case):
    request = context["request"]
    rows = _case_page_messages(case.pk)
    may_resend = Action.REPLY in access_for(request).case_actions(case)
    waiting = {m.gateway for m in rows if m.status == MessageStatus.QUEUED and m.gateway}
    paused = (
        GatewayState.objects.filter(gateway__in=waiting).exclude(state=BreakerState.CLOSED)
        if waiting
        else []
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "case": case,
        "case_messages": rows,
        "may_resend": may_resend,
        "paused_gateways": list(paused),
        "show_identity": context.get("show_identity", True),
    }
