"""The main screens in the four languages, kept as a gallery (artifacts/screenshots/gallery/),
and nothing overflowing its box at a phone's width (390 px) or a laptop's (1366 px): the page
itself, the header, the main column, cards, table cells, buttons, and no input whose
placeholder, nor select whose chosen option, is cut off."""

from pathlib import Path

import pytest
from django.urls import reverse

from mithaq.cases.models import Case
from tests.browser.conftest import sign_in
from tests.test_access_matrix import world  # noqa: F401

pytestmark = pytest.mark.browser

GALLERY = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "gallery"
LANGUAGES = {"ar": "rtl", "en": "ltr", "fr": "ltr", "es": "ltr"}
WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}

# What overflows, measured in the page: the document wider than the window, a box whose content
# is wider than the box (unless the box scrolls on purpose), an empty input whose placeholder
# does not fit (measured with the input's own font).
OVERFLOWS = """(laptop) => {
  const bad = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) bad.push(`page ${root.scrollWidth}>${root.clientWidth}`);
  const boxes = "header .topbar-inner, header nav, main, .card, th, td, .btn, button, label, h1, h2";
  for (const el of document.querySelectorAll(boxes)) {
    if (!el.offsetParent && el.tagName !== "MAIN") continue;
    let scrolls = false;
    for (let up = el; up; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x === "auto" || x === "scroll") { scrolls = up !== el || scrolls; if (up !== el) break; }
    }
    const x = getComputedStyle(el).overflowX;
    if (x === "auto" || x === "scroll") continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      bad.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}>${el.clientWidth}: ${el.textContent.trim().slice(0, 40)}`);
    }
  }
  const canvas = document.createElement("canvas").getContext("2d");
  for (const input of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
    if (!input.offsetParent || input.value || input.tagName === "TEXTAREA") continue;
    const s = getComputedStyle(input);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    const wants = canvas.measureText(input.placeholder).width;
    if (wants > room + 1) bad.push(`placeholder of ${input.name} ${Math.round(wants)}>${Math.round(room)}`);
  }
  // A select's chosen option beside the drop-down arrow (about 16 px of the select's own box),
  // at a laptop's width: on a phone a long unit's name may be cut in a closed select.
  for (const select of laptop ? document.querySelectorAll("select") : []) {
    if (!select.offsetParent || select.multiple || !select.selectedOptions.length) continue;
    const s = getComputedStyle(select);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const room = select.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 16;
    const wants = canvas.measureText(select.selectedOptions[0].text).width;
    if (wants > room + 1) bad.push(`option of ${select.name} ${Math.round(wants)}>${Math.round(room)}`);
  }
  return bad;
}"""


def _screens(w, case):
    """(name, persona or None, path) of the main screens."""
    return [
        ("portal-home", None, reverse("portal:home")),
        ("portal-submit", None, reverse("portal:submit", args=["complaint"])),
        ("portal-track", None, reverse("portal:track")),
        ("portal-case", None, "track"),
        ("not-found", None, "/no-such-page/"),
        ("kiosk", None, reverse("walkin:kiosk", args=[w["hall"]])),
        ("staff-inbox", "office_manager", reverse("cases:inbox")),
        ("staff-case", "office_manager", reverse("cases:detail", args=[case.code])),
        ("staff-calendar", "office_manager", reverse("routing:calendar")),
        ("staff-messages", "office_manager", reverse("notifications:templates")),
        ("staff-supervise", "office_manager", reverse("walkin:supervise", args=[w["hall"]])),
        ("staff-register", "reception", reverse("cases:new")),
        ("staff-receipt", "reception", reverse("cases:receipt", args=[case.code])),
        ("staff-counter", "reception", reverse("walkin:counter", args=[w["hall"], 1])),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_screens_in_each_language_fit_a_phone_and_a_laptop(
    new_page,
    org,
    world,  # noqa: F811
    screenshot,
    language,
):
    case = Case.objects.get(code=world["code"])
    pages = {}
    problems = []
    for name, persona, path in _screens(world, case):
        page = pages.get(persona)
        if page is None:
            page = pages[persona] = new_page(locale=language)
            if persona is not None:
                sign_in(page, getattr(org, persona))
        if path == "track":
            page.goto(reverse("portal:track"))
            page.fill("input[name=code]", case.code)
            page.fill("input[name=contact]", case.citizen_phone)
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_url(f"**{reverse('portal:track_case', args=[case.code])}")
        else:
            page.goto(path)
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (
            language,
            LANGUAGES[language],
        ), name
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            problems += [
                f"{name} {width}: {p}" for p in page.evaluate(OVERFLOWS, width == "laptop")
            ]
            screenshot(page, f"{name}-{language}-{width}", GALLERY)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_staff_navigation_folds_into_a_menu_on_a_phone(new_page, org, screenshot, language):
    page = new_page(locale=language, viewport=WIDTHS["phone"])
    sign_in(page, org.office_manager)
    inbox = page.locator("header nav a[href='/staff/']")
    menu = page.locator("label.nav-toggle-label")
    assert menu.is_visible() and not inbox.is_visible()
    screenshot(page, f"nav-folded-{language}", GALLERY)
    menu.click()
    assert inbox.is_visible()
    screenshot(page, f"nav-open-{language}", GALLERY)
    page.set_viewport_size(WIDTHS["laptop"])
    page.reload()
    assert inbox.is_visible() and not menu.is_visible()
