"""Staff sign-in and sign-out."""

from django.contrib.auth import views as auth_views

from .forms import StaffLoginForm


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True


class StaffLogoutView(auth_views.LogoutView):
    pass
