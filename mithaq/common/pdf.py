"""PDF from HTML with WeasyPrint (Pango shapes Arabic and lays it right to left), with the
Arabic typeface from the fontpkg_noto_sans_arabic package, so that no font need be installed
on the server."""

from functools import cache
from importlib import resources
from typing import Any


@cache
def _font_css() -> Any:
    # WeasyPrint is loaded on the first PDF, not with every process: it takes a second and
    # logs its user-agent stylesheet's parsing at import.
    from weasyprint import CSS

    files = resources.files("fontpkg_noto_sans_arabic") / "files"
    font = next(p for p in files.iterdir() if p.name.endswith(".ttf"))
    # One variable font carries every weight.
    return CSS(
        string="@font-face { font-family: 'Noto Sans Arabic'; "
        f"src: url('file://{font}'); font-weight: 100 900; }}"
    )


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of `html`; its own CSS may use font-family 'Noto Sans Arabic'."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=base_url).write_pdf(stylesheets=[_font_css()])
    assert pdf is not None  # noqa: S101 - write_pdf without a target returns the bytes
    return pdf
