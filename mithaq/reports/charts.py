"""The pack's charts: the bars are inline SVG drawn here (three kinds of bars are a few
rectangles, no chart library needed), the labels are HTML beside them.

Why the labels are not SVG <text>: WeasyPrint (70) lays SVG text out one character at a
time, so Arabic comes out unjoined and in reverse order (checked with pdftotext and by
rendering the page); HTML text is shaped by Pango with the Unicode bidi algorithm. So each
chart is a small table, its label cells HTML and its bars SVG; in Arabic the table reads
from the right and every bar grows from the right."""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mithaq.cases.states import Channel, Kind

_COLOURS = ("#1f4e79", "#2e75b6")


def _rtl() -> bool:
    return (get_language() or "ar").startswith("ar")


@dataclass
class Bar:
    label: str
    value: float
    shown: str
    svg: str = ""


@dataclass
class Chart:
    title: str
    # horizontal: one row a bar; vertical: one column a bar (the trend).
    orientation: str
    bars: list[Bar]


def _horizontal_svg(fraction: float, colour: str) -> str:
    width = 300
    length = max(0.0, min(1.0, fraction)) * width
    x = width - length if _rtl() else 0
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="14" '
        f'viewBox="0 0 {width} 14" role="img" aria-hidden="true">'
        f'<rect x="{x:.1f}" y="1" width="{length:.1f}" height="12" fill="{colour}"/></svg>'
    )


def _vertical_svg(fraction: float, colour: str) -> str:
    height = 110
    length = max(0.0, min(1.0, fraction)) * height
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="26" height="{height}" '
        f'viewBox="0 0 26 {height}" role="img" aria-hidden="true">'
        f'<rect x="3" y="{height - length:.1f}" width="20" height="{length:.1f}" '
        f'fill="{colour}"/></svg>'
    )


def _chart(title: str, orientation: str, items: list[tuple[str, float, str]]) -> Chart:
    top = max((v for _l, v, _s in items), default=0) or 1
    draw = _horizontal_svg if orientation == "horizontal" else _vertical_svg
    colour = _COLOURS[0] if orientation == "horizontal" else _COLOURS[1]
    return Chart(
        title,
        orientation,
        [Bar(label, value, shown, draw(value / top, colour)) for label, value, shown in items],
    )


def pack_charts(f: dict) -> dict[str, Chart]:
    got = f["current"]["received"]
    rtl = _rtl()
    kinds = [(str(Kind(k).label), n, str(n)) for k, n in got["by_kind"].items()]
    channels = [(str(Channel(c).label), n, str(n)) for c, n in got["by_channel"].items() if n]
    months = f["current"]["trend"]["months"]
    trend = [(m["month"], m["received"], str(m["received"])) for m in months]
    units = [
        (
            row["name_ar"] if rtl else row["name_en"],
            row["subtree"]["rate"] or 0,
            f"{round((row['subtree']['rate'] or 0) * 100)}%",
        )
        for row in f["current"]["compliance"]["units"]
        if row["depth"] <= 2
    ]
    return {
        "kinds": _chart(_("Cases received by kind"), "horizontal", kinds),
        "channels": _chart(_("Cases received by channel"), "horizontal", channels),
        "trend": _chart(_("Cases received in the last twelve months"), "vertical", trend),
        "units": _chart(_("Share met on time per unit"), "horizontal", units),
    }
