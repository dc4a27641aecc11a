"""How long a staff session lives: it ends after MITHAQ_STAFF_IDLE_MINUTES without activity,
and MITHAQ_STAFF_SESSION_HOURS after sign-in whatever happens (issue 19, finding 4).

A citizen's session (tracking: the cases they proved they may read) is anonymous and keeps
Django's own rules (SESSION_COOKIE_AGE): only a signed-in person's session is limited here.
The clocks are two timestamps in the session; a request from the person is activity, except
a page's own polling (a request carrying POLL_HEADER: a supervision screen left open on the
wall is not someone at work)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SIGNED_IN_KEY = "mithaq:signed_in_at"
SEEN_KEY = "mithaq:seen_at"
# The last-seen time is written at most this often: a page's requests (HTMX parts, files)
# would otherwise each write the session.
SEEN_RESOLUTION_SECONDS = 30
POLL_HEADER = "HTTP_X_MITHAQ_POLL"


def idle_seconds() -> int:
    return settings.MITHAQ_STAFF_IDLE_MINUTES * 60


def absolute_seconds() -> int:
    return settings.MITHAQ_STAFF_SESSION_HOURS * 3600


def ended(session, now: float) -> str | None:
    """Why the signed-in session has ended ("idle" or "absolute"), or None."""
    signed_in = session.get(SIGNED_IN_KEY)
    seen = session.get(SEEN_KEY)
    if signed_in is not None and now - signed_in >= absolute_seconds():
        return "absolute"
    if seen is not None and now - seen >= idle_seconds():
        return "idle"
    return None


class StaffSessionMiddleware:
    """Signs out a person whose session went idle or grew too old, before the view runs (the
    view then sends them to sign in, as anyone signed out); otherwise records the activity.
    After the authentication and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request, time.time())
        return self.get_response(request)

    def _check(self, request, now: float) -> None:
        session = request.session
        reason = ended(session, now)
        if reason is not None:
            logout(request)
            if reason == "idle":
                minutes = settings.MITHAQ_STAFF_IDLE_MINUTES
                messages.info(
                    request,
                    ngettext(
                        "You were signed out after %(minutes)s minute without activity.",
                        "You were signed out after %(minutes)s minutes without activity.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
            else:
                messages.info(request, _("Your session has ended: please sign in again."))
            return
        if SIGNED_IN_KEY not in session:
            session[SIGNED_IN_KEY] = now
        polled = request.META.get(POLL_HEADER) == "1"
        seen = session.get(SEEN_KEY)
        if seen is None or (not polled and now - seen >= SEEN_RESOLUTION_SECONDS):
            session[SEEN_KEY] = now
            # The cookie and the stored session end with the idle limit too (the clock above is
            # what decides; this only keeps no dead session around).
            session.set_expiry(idle_seconds())
