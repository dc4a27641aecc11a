"""Staff sign-in, sign-out and the second factor."""

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import two_factor
from .access import may_issue_enrolment_codes
from .decorators import second_factor_redirect, staff_required
from .forms import EnrolmentCodeForm, IssueEnrolmentCodeForm, OneTimeCodeForm, StaffLoginForm


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
    """Set up an authenticator app: first the enrolment code an administrator gave (the
    password alone is not enough), then scan the code and type the number the app shows.
    The authenticator is made once and kept until confirmed: visiting again shows the same."""
    if two_factor.has_second_factor(request.user) and not request.user.is_verified():
        return redirect("accounts:verify")
    if not two_factor.may_enrol(request):
        code_form = EnrolmentCodeForm(request.POST or None)
        if request.method == "POST" and code_form.is_valid():
            if two_factor.redeem_enrolment_code(
                request=request, code=code_form.cleaned_data["enrolment_code"]
            ):
                target = reverse("accounts:enroll")
                if next_url := _next_url(request, ""):
                    target += "?" + urlencode({"next": next_url})
                return redirect(target)
            code_form.add_error(
                "enrolment_code",
                _(
                    "This enrolment code is not right, was already used or has expired. "
                    "Ask an administrator for a new one."
                ),
            )
        return render(
            request,
            "accounts/enrolment_code.html",
            {"form": code_form, "next": _next_url(request, "")},
            status=400 if code_form.errors else 200,
        )
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
    if device is None:
        device = two_factor.start_enrolment(user=request.user)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/enroll.html",
        {
            "form": form if request.method == "POST" else OneTimeCodeForm(),
            "qr_svg": qr.svg_inline(scale=5, dark="#1d2a33", border=2),
            "secret": two_factor.secret_for_display(device),
            "next": _next_url(request, ""),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required(allow=may_issue_enrolment_codes)
@require_http_methods(["GET", "POST"])
def enrolment_codes(request):
    """An administrator gives a member of staff a one-time code to set up their second
    factor; the code is shown once, here, and stored hashed."""
    form = IssueEnrolmentCodeForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["user"]
        code, row = two_factor.issue_enrolment_code(user=person, issued_by=request.user)
        issued = {"code": code, "person": person, "expires_at": row.expires_at}
        form = IssueEnrolmentCodeForm()
    return render(
        request,
        "accounts/enrolment_codes.html",
        {"form": form, "issued": issued},
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
        {
            "enrolled": two_factor.has_second_factor(request.user),
            "may_issue_codes": may_issue_enrolment_codes(request),
        },
    )


@never_cache
@login_required
@require_http_methods(["POST"])
def keep_session(request):
    """ "Stay signed in" on the idle warning: a request from the person is activity, which the
    session middleware records (mithaq.accounts.sessions); nothing else to do."""
    return HttpResponse(status=204)
