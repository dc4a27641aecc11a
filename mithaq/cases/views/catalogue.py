"""The public service catalogue: every active service by unit, searchable, and each
service's page (documents, fees, steps, the expected time, where to apply, its FAQ).

Here, in cases, rather than in catalog: the expected time is the charter's one promise
(cases.services.clocks.answer_commitment), which reads routing's commitments above catalog."""

from dataclasses import dataclass

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from mithaq.cases.services import clocks
from mithaq.catalog.public import active_services, derived, public_service
from mithaq.common.pdf import render_pdf
from mithaq.common.search_text import strip_article, words

from ..states import Kind


def _matches(texts: list[str], terms: list[str]) -> bool:
    """Every word of the query is in the service's code, names or description, spelt by the
    inbox's rules (mithaq.common.search_text): hamza seats, alef forms, ta marbuta, the
    article and Arabic-Indic digits do not matter."""
    document = " ".join(strip_article(word) for word in words(" ".join(texts)))
    return all(term in document for term in terms)


@dataclass(frozen=True)
class Listed:
    """A service as the list shows it: name and description in the page's language."""

    url: str
    name: str
    description: str


def _groups(terms: list[str], arabic: bool) -> list[tuple[str, list[Listed]]]:
    base = reverse("catalogue:list")
    rows = (
        (
            service.code,
            service.name_ar,
            service.name_en,
            service.description_ar,
            service.description_en,
            service.unit_id,
            service.unit.name_ar,
            service.unit.name_en,
        )
        for service in active_services()
    )
    groups: list[tuple[str, list[Listed]]] = []
    last_unit = None
    for code, name_ar, name_en, desc_ar, desc_en, unit_id, unit_ar, unit_en in rows:
        if terms and not _matches([code, name_ar, name_en, desc_ar, desc_en], terms):
            continue
        if unit_id != last_unit:
            groups.append((unit_ar if arabic else unit_en, []))
            last_unit = unit_id
        groups[-1][1].append(
            Listed(
                url=f"{base}{code}/",
                name=name_ar if arabic else name_en,
                description=(desc_ar or desc_en) if arabic else (desc_en or desc_ar),
            )
        )
    return groups


def _listed(query: str, terms: list[str], language: str) -> str:
    # render_to_string's result is safe (escaped by the template), and stays so kept.
    return render_to_string(
        "cases/catalogue/_groups.html",
        {"groups": _groups(terms, language.startswith("ar")), "query": query},
    )


@require_GET
def service_list(request):
    """Every active service under its unit (in tree order), from the process's copy of the
    catalogue, named once for the page's language; each link is the list's own address and
    the code (a slug: what reverse() gives for it), not one reverse() per service. The whole
    list, without a search, is rendered once per language and kept with the copy (three
    quarters of the page's CPU: docs/decisions/0014-catalogue-copy.md)."""
    query = request.GET.get("q", "")[:100]
    terms = [strip_article(word) for word in words(query)]
    language = translation.get_language() or "ar"
    if terms:
        listed = _listed(query, terms, language)
    else:
        # Kept for every request without search words: rendered as with no query at all.
        listed = derived(("list", language), lambda: _listed("", [], language))
    return render(
        request,
        "cases/catalogue/list.html",
        {"nav": "services", "listed": listed, "query": query},
    )


@require_GET
def service_page(request, code: str):
    # An inactive service keeps its page (cases in flight link to it) but offers no way to
    # apply; it is gone from the list.
    found = public_service(code)
    if found is None:
        raise Http404
    service, version = found.service, found.version_on()
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
    found = public_service(code)
    if found is None:
        raise Http404
    service, version = found.service, found.version_on()
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
