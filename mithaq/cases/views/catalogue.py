"""The public service catalogue: every active service by unit, searchable, and each
service's page (documents, fees, steps, the expected time, where to apply, its FAQ).

Here, in cases, rather than in catalog: the expected time is the charter's one promise
(cases.services.clocks.answer_commitment), which reads routing's commitments above catalog."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mithaq.cases.services import clocks
from mithaq.catalog.models import Service, ServiceVersion
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
    services = [
        service
        for service in Service.objects.active()
        .select_related("unit")
        .order_by("unit__path", "name_ar")
        if _matches(service, terms)
    ]
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
