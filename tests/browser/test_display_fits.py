"""The hall's TV display shows every service's waiting count at 1280×720 and 1920×1080, even
with a long list of recent calls (before, the recent calls took the side column and the
third and fourth services were cut off)."""

from pathlib import Path

import pytest

from mithaq.catalog.models import Service
from mithaq.walkin import services
from mithaq.walkin.models import HallService
from mithaq.walkin.testing import make_hall
from tests.browser.test_hall_journey import live_site, make_calls, offline, site, start_display  # noqa: F401

pytestmark = pytest.mark.browser

GALLERY = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "gallery"


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
)
def test_every_service_waiting_count_is_on_screen(site, new_page, org, screenshot, viewport):  # noqa: F811
    world = make_hall(org)
    hall = world.hall
    extra = []
    for letter, code, ar, en in (("C", "civil-c", "تصديق وثائق", "Document certification"),
                                 ("D", "civil-d", "استلام الشهادات", "Certificate collection")):  # fmt: skip
        service = Service.objects.create(unit=org.dept_a, code=code, name_ar=ar, name_en=en)
        extra.append(
            HallService.objects.create(
                hall=hall, service=service, letter=letter, position=ord(letter)
            )
        )
    with offline():
        for hall_service in extra:
            for _ in range(2):
                services.issue_ticket(hall=hall, hall_service=hall_service)
        make_calls(world, org)
        # Enough calls for a long "last calls" list.
        for _ in range(4):
            for window in (world.window_1, world.window_3):
                ticket = hall.tickets.filter(counter=window, state="called").first()
                if ticket:
                    services.finish_ticket(ticket=ticket, actor=org.officer_a, outcome="served")
                services.call_next_ticket(counter=window, actor=org.officer_a)
    display = new_page(locale="ar", viewport=viewport)
    start_display(display, site, hall.code)
    rows = display.locator("#waiting li")
    rows.first.wait_for()
    assert rows.count() == 4
    height = viewport["height"]
    for index in range(4):
        box = rows.nth(index).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, index
        assert rows.nth(index).is_visible()
    screenshot(display, f"display-{viewport['width']}x{height}-ar", GALLERY)
