"""Response headers every page gets, whichever app it comes from: no copy kept of anything
personal, and the browser features the site never uses turned off."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.cache import patch_cache_control

# Pages built for the person asking: staff pages, a citizen's tracking pages, any form with
# its CSRF token. A shared proxy or the browser's back button must not keep them.
NO_STORE = "no-store, private"


def is_personal(request, response) -> bool:
    """Whether the response depends on who asked: a signed-in user, a session read or written
    (tracking is remembered there), a cookie set, or a page that varies by cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    if session is not None and (session.accessed or session.modified):
        return True
    if response.cookies:
        return True
    vary = response.get("Vary", "")
    return "cookie" in vary.lower()


class SecurityHeadersMiddleware:
    """`Cache-Control: no-store` on every personal response (staff and tracking pages alike,
    for apps added later too) and a `Permissions-Policy`. Placed before the session and
    authentication middleware, so that it sees what they did."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A NUL byte in the query string is never ours: PostgreSQL refuses it in any text
        # lookup (a 500), so it is a bad request before any view reads it. Forms already
        # refuse it in posted fields (Django's ProhibitNullCharactersValidator).
        if any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            raise BadRequest("NUL byte in the query string")
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        personal = is_personal(request, response) or request.path.startswith(STAFF_PREFIXES)
        if personal and "no-store" not in response.get("Cache-Control", ""):
            # Replace whatever a view said: a personal page is never cached.
            if "Cache-Control" in response:
                del response["Cache-Control"]
            patch_cache_control(response, no_store=True, private=True)
            if "Expires" in response:
                del response["Expires"]
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


STAFF_PREFIXES = ("/staff/", "/admin/")
