"""Views of cases: `public` (the citizens' portal), `staff` and `audit` (the audit trail)."""

from django.http import FileResponse, Http404


def attachment_response(item) -> FileResponse:
    """A case file as a download, never shown inline: the browser may not guess its type
    or run anything in it. A file missing from storage answers 404."""
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Stricter than the site's policy (config/settings/base.py): nothing loads, nothing runs.
    response["Content-Security-Policy"] = (
        "default-src 'none'; sandbox; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    response["Cache-Control"] = "private, no-store"
    return response
