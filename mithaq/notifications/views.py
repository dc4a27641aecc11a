"""Staff pages of the messages app: the template editor (office managers), resending a
message, and the gateways' signed delivery-receipt webhook."""

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from mithaq.accounts.access import (
    access_for,
    may_edit_message_templates,
    may_issue_enrolment_codes,
)
from mithaq.accounts.actions import Action
from mithaq.accounts.decorators import staff_required
from mithaq.accounts.forms import IssueEnrolmentCodeForm

from . import defaults, receipts, services
from .defaults import placeholders_for
from .forms import TemplateForm
from .models import GatewayConfig, GatewayState, Message, MessageTemplate
from .states import EVENT_LABELS, GatewayKind


def _require_office_manager(request):
    if not may_edit_message_templates(request):
        raise Http404


def _with_count(template: MessageTemplate, body: str):
    if template.channel == "email":
        return None
    return services.count_template_sms(body, template.language)


@require_GET
@staff_required
def template_list(request):
    """Every message Mithaq sends, in every language it ships: the office's text where it
    wrote one, else the default file's."""
    _require_office_manager(request)
    overrides = {(t.event_key, t.channel, t.language): t for t in MessageTemplate.objects.all()}
    # Any: each row is given its `label` and `count` here, for the template.
    rows: list[Any] = []
    for event_key, channel, language, subject, body in defaults.all_defaults():
        row: Any = overrides.get((event_key, channel, language)) or MessageTemplate(
            event_key=event_key, channel=channel, language=language, subject=subject, body=body
        )
        row.label = EVENT_LABELS.get(row.event_key, row.event_key)
        row.count = _with_count(row, row.body)
        rows.append(row)
    rows.sort(key=lambda t: (t.event_key, t.channel, t.language))
    context = {"templates": rows, "gateways": GatewayState.objects.order_by("gateway")}
    return render(request, "notifications/templates.html", context)


def _template_or_404(event_key: str, channel: str, language: str) -> MessageTemplate:
    """The office's override of this message, or an unsaved one holding the default text."""
    default = defaults.default_template(event_key, channel, language)
    if default is None or language not in defaults.LANGUAGES:
        raise Http404
    row = MessageTemplate.objects.filter(
        event_key=event_key, channel=channel, language=language
    ).first()
    if row is None:
        subject, body = default
        row = MessageTemplate(
            event_key=event_key, channel=channel, language=language, subject=subject, body=body
        )
    return row


@staff_required
def template_edit(request, event_key, channel, language):
    _require_office_manager(request)
    template = _template_or_404(event_key, channel, language)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.save_template(
            template=template,
            subject=form.cleaned_data.get("subject", template.subject),
            body=form.cleaned_data["body"],
            actor=request.user,
        )
        messages.success(request, _("The template is saved."))
        return redirect("notifications:templates")
    body = form["body"].value() or ""
    context = {
        "form": form,
        "template": template,
        "label": EVENT_LABELS.get(template.event_key, template.event_key),
        "placeholders": placeholders_for(template.event_key),
        "count": _with_count(template, body),
    }
    return render(
        request,
        "notifications/template_edit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required
def template_restore(request, event_key, channel, language):
    """Drop the office's text: the default file is used again."""
    _require_office_manager(request)
    _template_or_404(event_key, channel, language)
    services.restore_default(event_key=event_key, channel=channel, language=language)
    messages.success(request, _("The default text is used again."))
    return redirect("notifications:templates")


@require_POST
@staff_required
def sms_count(request):
    """The editor's live counter (HTMX): the same function as everywhere, for the template's
    language (a right-to-left message carries marks around its codes and dates)."""
    _require_office_manager(request)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    count = services.count_template_sms(request.POST.get("body", ""), language)
    return render(request, "notifications/_sms_count.html", {"count": count})


@require_POST
@staff_required
def resend(request, pk):
    message = get_object_or_404(Message.objects.select_related("case__unit"), pk=pk)
    if message.case is None:
        _require_office_manager(request)
    else:
        # The case's page offers a resend to whoever may reply on it (the same rights as
        # cases.access.get_case_for_user, asked of the case this message belongs to).
        access = access_for(request)
        case = message.case
        if not (access.may_see_case(case) and access.may_take(case, Action.REPLY)):
            raise Http404
    try:
        services.resend_message(message=message, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        django_messages_success(request)
    if message.case is not None:
        return redirect(f"{_case_url(message.case)}#messages")
    return redirect("notifications:templates")


def django_messages_success(request):
    messages.success(request, _("The message is queued again."))


def _case_url(case):
    from django.urls import reverse

    return reverse("cases:detail", args=[case.code])


@csrf_exempt
@require_POST
def receipt(request, gateway):
    """A gateway reports a delivery. Signed with the gateway's receipt secret; it can only
    move a message forward."""
    config = GatewayConfig.objects.filter(code=gateway, is_active=True).first()
    if config is None:
        raise Http404
    if not receipts.verify(
        secret=config.receipt_secret(),
        timestamp=request.headers.get(receipts.TIMESTAMP_HEADER, ""),
        signature=request.headers.get(receipts.SIGNATURE_HEADER, ""),
        body=request.body,
    ):
        return HttpResponseForbidden("bad signature")
    try:
        data = json.loads(request.body)
        provider_id, status = str(data["id"]), str(data["status"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("bad receipt")
    prefix = "whatsapp" if config.kind == GatewayKind.WHATSAPP else "sms"
    moved = services.record_receipt(
        gateway=f"{prefix}:{config.code}",
        provider_id=provider_id,
        status=status,
        error=str(data.get("error", ""))[:500],
    )
    return HttpResponse("moved" if moved else "unchanged", content_type="text/plain")


@require_POST
@staff_required(allow=may_issue_enrolment_codes)
def send_enrolment_code(request):
    """The enrolment codes page's "send by email": a new code goes to the person's own email
    address; the administrator who sends it never sees it."""
    form = IssueEnrolmentCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a member of staff."))
        return redirect("accounts:enrolment_codes")
    person = form.cleaned_data["user"]
    try:
        services.send_enrolment_code(user=person, issued_by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("A new enrolment code was sent to the email address of %(person)s.")
            % {"person": person},
        )
    return redirect("accounts:enrolment_codes")
