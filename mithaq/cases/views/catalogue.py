"""The public service catalogue: every active service by unit, searchable, and each
service's page (documents, fees, steps, the expected time, where to apply, its FAQ).

Here, in cases, rather than in catalog: the expected time is the charter's one promise
(cases.services.clocks.answer_commitment), which reads routing's commitments above catalog."""

import segno
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from mithaq.cases.services import clocks
from mithaq.catalog.models import Service, ServiceVersion
from mithaq.common.pdf import render_pdf
from mithaq.common.search_text import strip_article, words

from ..states import Kind


def _matches(service: Service, terms: list[str]) -> bool:
    """Every word of the query is in the service's names or description, spelt by the
    inbox's rules (mithaq.common.search_text): hamza seats, alef forms, ta marbuta, the
    article and Arabic-Indic digits do not matter."""
    document = " ".join(
        strip_article(word)
        for word in words(
            " ".join(
                [service.code, service.name_ar, service.name_en]
                + [service.description_ar, service.description_en]
            )
        )
    )
    return all(term in document for term in terms)


@require_GET
def service_list(request):
    query = request.GET.get("q", "")[:100]
    terms = [strip_article(word) for word in words(query)]
    services = list(
        Service.objects.active().select_related("unit").order_by("unit__path", "name_ar")
    )
    if terms:
        services = [service for service in services if _matches(service, terms)]
    return render(
        request,
        "cases/catalogue/list.html",
        {"nav": "services", "services": services, "query": query},
    )


def version_with_details(version_id: int | None) -> ServiceVersion | None:
    if version_id is None:
        return None
    return (
        ServiceVersion.objects.filter(pk=version_id)
        .prefetch_related("documents", "fees", "steps", "questions", Prefetch("faqs"))
        .first()
    )


@require_GET
def service_page(request, code: str):
    # An inactive service keeps its page (cases in flight link to it) but offers no way to
    # apply; it is gone from the list.
    service = Service.objects.select_related("unit").filter(code=code).first()
    if service is None:
        raise Http404
    current = service.version_on()
    version = version_with_details(current.pk if current else None)
    open_for_applications = service.is_active and service.unit.is_active
    return render(
        request,
        "cases/catalogue/service.html",
        {
            "nav": "services",
            "service": service,
            "version": version,
            "promise": clocks.promise(kind=Kind.SERVICE_REQUEST, service=service),
            "open": open_for_applications,
        },
    )


# Signage: a poster for the hall, Arabic first and English beneath (seed 001).
SIGN_SIZES = {"a4": ("A4", 13, 45), "a3": ("A3", 18, 65)}  # page, base type in pt, QR in mm
SIGN_LABELS = {
    "documents": _("Documents to bring"),
    "fees": _("Fees"),
    "steps": _("Steps"),
    "optional": _("optional"),
    "free": pgettext_lazy("fee", "Free"),
    "scan": _("Scan for the details and to apply online"),
}


def _both(value) -> dict:
    """{"ar": …, "en": …}: a translatable text (or a callable of nothing) in both languages."""
    out = {}
    for language in ("ar", "en"):
        with translation.override(language):
            out[language] = str(value() if callable(value) else value)
    return out


@require_GET
def signage(request, code: str):
    size = request.GET.get("size", "a4")
    if size not in SIGN_SIZES:
        raise Http404
    service = Service.objects.select_related("unit").filter(code=code).first()
    if service is None:
        raise Http404
    current = service.version_on()
    version = version_with_details(current.pk if current else None)
    page, scale, qr_mm = SIGN_SIZES[size]
    url = request.build_absolute_uri(reverse("catalogue:service", args=[code]))
    documents = list(version.documents.all()) if version else []
    fees = [fee for fee in version.fees.all() if not fee.is_free] if version else []
    context = {
        "size": page,
        "scale": scale,
        "qr_mm": qr_mm,
        "url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
        "names": {"ar": service.name_ar, "en": service.name_en},
        "unit": {"ar": service.unit.name_ar, "en": service.unit.name_en},
        "promise": _both(lambda: clocks.promise(kind=Kind.SERVICE_REQUEST, service=service)),
        "labels": {key: _both(label) for key, label in SIGN_LABELS.items()},
        "documents": [
            {
                "name_ar": doc.name_ar,
                "name_en": doc.name_en,
                "is_required": doc.is_required,
                "count": doc.count,
                "form": _both(doc.get_form_display),
            }
            for doc in documents
        ],
        "free": version is None or version.is_free,
        "fees": [
            {
                "amount": fee.amount_number,
                "currency": _both(fee.get_currency_display),
                "label_ar": fee.label_ar,
                "label_en": fee.label_en,
            }
            for fee in fees
        ],
        "steps": list(version.steps.all()) if version else [],
    }
    with translation.override("ar"):
        html = render_to_string("cases/catalogue/signage.html", context)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{code}-{size}.pdf"'
    return response
