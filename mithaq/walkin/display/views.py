"""The hall display page (a TV in the hall) and its event stream."""

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mithaq.common.ratelimit import client_address
from mithaq.walkin import live
from mithaq.walkin.models import Hall
from mithaq.walkin.selectors import display_state

from . import speech

TRUE = {"1", "yes", "on", "true"}


def _labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "now": _("Now calling"),
            "ticket": _("Ticket"),
            "window": _("Window"),
            "recent": _("Last calls"),
            "waiting": _("Waiting"),
            "none": _("No tickets called yet"),
            "priority": _("Priority"),
            "offline": _("Reconnecting…"),
            "sound_off": _("Sound is off: touch the screen to turn it on"),
            "start": _("Start the display"),
        }


def _shows_english(request, hall) -> bool:
    # Per hall when the hall says so; otherwise per screen, from its address (?english=1).
    return bool(getattr(hall, "show_english", False)) or (
        request.GET.get("english", "").lower() in TRUE
    )


@require_GET
def display(request, hall):
    hall = get_object_or_404(Hall.objects.active(), code=hall)
    english = _shows_english(request, hall)
    current = translation.get_language() or settings.LANGUAGE_CODE
    current = "en" if current.startswith("en") else "ar"
    other = "en" if current == "ar" else "ar"
    languages = [current, other] if english else [current]
    # Arabic is always said; English too where the hall shows it.
    spoken = ["ar", "en"] if english else ["ar"]
    config: dict[str, Any] = {
        "stream": reverse("walkin:display_stream", args=[hall.code]),
        "state": display_state(hall),
        "languages": languages,
        "spoken": spoken,
        "labels": {language: _labels(language) for language in set(languages)},
        "clips": {language: speech.clip_urls(language) for language in spoken},
        "chime": static("walkin/chime.wav"),
        "time_zone": str(hall.tzinfo),
        # The institution's digits, as its desks write them (settings.MITHAQ_DIGITS).
        "digits": settings.MITHAQ_DIGITS,
        "heartbeat": settings.MITHAQ_DISPLAY_HEARTBEAT,
    }
    return render(
        request,
        "walkin/display/display.html",
        {
            "hall": hall,
            "config": config,
            "languages": languages,
            # Each fixed label in the page's languages, the first one large.
            "bi": {
                key: [(language, config["labels"][language][key]) for language in languages]
                for key in config["labels"][languages[0]]
            },
        },
    )


def _active_hall_id(code: str) -> int | None:
    try:
        return Hall.objects.active().filter(code=code).values_list("pk", flat=True).first()
    finally:
        live._release_connection()


@require_GET
async def display_stream(request, hall):
    hall_id = await sync_to_async(_active_hall_id)(hall)
    if hall_id is None:
        raise Http404
    stream = await live.streams_by_address.open(
        client_address(request),
        live.hall_stream(hall_id),
        settings.MITHAQ_DISPLAY_STREAMS_PER_ADDRESS,
    )
    if stream is None:
        # A hall has a few screens; hundreds from one address are a flood, not a hall.
        return HttpResponse(
            _("Too many display screens are open from this address."),
            status=429,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "30"},
        )
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    # Never stored (the security headers ask it of every personal response), never transformed.
    response["Cache-Control"] = "no-store, no-transform"
    # nginx and its kin would otherwise hold the events back in a buffer.
    response["X-Accel-Buffering"] = "no"
    return response
