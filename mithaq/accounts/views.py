"""Staff sign-in, sign-out and the second factor."""

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import two_factor
from .decorators import second_factor_redirect
from .forms import OneTimeCodeForm, StaffLoginForm


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True


class StaffLogoutView(auth_views.LogoutView):
    pass


def _next_url(request, default="cases:inbox"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: a code from the authenticator or a backup code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not two_factor.has_second_factor(request.user):
        return redirect("accounts:enroll")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not right, or it has expired."))
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": _next_url(request, "")},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enroll(request):
    """Set up an authenticator app: scan the code, type the number it shows."""
    if two_factor.has_second_factor(request.user) and not request.user.is_verified():
        return redirect("accounts:verify")
    form = OneTimeCodeForm(request.POST or None)
    device = two_factor.pending_device(request.user)
    if request.method == "POST" and device is not None and form.is_valid():
        codes = two_factor.confirm_enrolment(request=request, token=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("code", _("This code is not right. Check the time on your phone."))
    if device is None or request.method == "GET":
        device = two_factor.start_enrolment(user=request.user)
        form = OneTimeCodeForm() if request.method == "GET" else form
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/enroll.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#1d2a33", border=2),
            "secret": two_factor.secret_for_display(device),
            "next": _next_url(request, ""),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def security(request):
    """A person's own sign-in security: whether the second factor is set, new backup codes."""
    if (response := second_factor_redirect(request)) is not None:
        return response
    if request.method == "POST" and two_factor.has_second_factor(request.user):
        codes = two_factor.renew_backup_codes(user=request.user)
        messages.success(request, _("New backup codes are made; the old ones no longer work."))
        return render(request, "accounts/backup_codes.html", {"codes": codes, "next": ""})
    return render(
        request,
        "accounts/security.html",
        {"enrolled": two_factor.has_second_factor(request.user)},
    )


@never_cache
@login_required
@require_http_methods(["POST"])
def keep_session(request):
    """ "Stay signed in" on the idle warning: a request from the person is activity, which the
    session middleware records (mithaq.accounts.sessions); nothing else to do."""
    return HttpResponse(status=204)
