"""The gate every staff page goes through."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from .access import access_for
from .two_factor import second_factor_problem


def second_factor_redirect(request):
    problem = second_factor_problem(request)
    if problem is None:
        return None
    target = reverse("accounts:verify" if problem == "verify" else "accounts:enroll")
    return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def staff_required(view=None, *, allow=None):
    """Signed in, past the second factor, and holding at least one membership, or, with
    `allow`, passing that access rule instead (e.g. `access.may_manage_calendar`). Anyone else
    signed in gets 404, as for anything they may not see."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if (response := second_factor_redirect(request)) is not None:
                return response
            permitted = allow(request) if allow else access_for(request).is_staff_member
            if not permitted:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
