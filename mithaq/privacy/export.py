"""A person's data as one ZIP: `data.json` (machine-readable, UTF-8), `summary.pdf` (a
readable Arabic summary, WeasyPrint through mithaq.common.pdf) and their files."""

import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import translation

from mithaq.accounts.institution import institution_name
from mithaq.common.pdf import render_pdf

from .collect import Held


def summary_pdf(held: Held) -> bytes:
    # The summary is in Arabic, the institution's language, whatever the exporter's page.
    with translation.override("ar"):
        html = render_to_string(
            "privacy/summary.pdf.html",
            {"data": held.data, "institution": institution_name()},
        )
    return render_pdf(html)


def archive(held: Held) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.json", json.dumps(held.data, ensure_ascii=False, indent=2))
        zf.writestr("summary.pdf", summary_pdf(held))
        for attachment in held.files:
            with attachment.file.open("rb") as handle:
                zf.writestr(
                    f"files/{attachment.case.code}/{attachment.pk}.{attachment.extension}",
                    handle.read(),
                )
    return out.getvalue()
