"""The API's documentation page: drawn on the server from the OpenAPI schema, so that it
loads nothing from another address (ninja's own page takes Swagger UI from a CDN)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .api import docs_operations


@require_GET
def api_docs(request):
    return render(request, "intake/api_docs.html", {"operations": docs_operations()})
