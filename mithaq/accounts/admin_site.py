"""The admin site behind the same gate as the staff pages: our sign-in, then the second factor."""

from urllib.parse import urlencode

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .two_factor import second_factor_problem


class MithaqAdminSite(admin.AdminSite):
    # Named for the product, not "Django administration".
    site_header = _("Mithaq administration")
    site_title = _("Mithaq")
    index_title = _("Settings and data")

    def has_permission(self, request):
        return super().has_permission(request) and second_factor_problem(request) is None

    def login(self, request, extra_context=None):
        # One sign-in page for everyone, with its lockout and second factor.
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and second_factor_problem(request) is not None:
            return redirect(f"{reverse('accounts:verify')}?{urlencode({'next': next_url})}")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
