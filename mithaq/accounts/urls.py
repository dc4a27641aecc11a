from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("login/verify/", views.verify, name="verify"),
    path("security/", views.security, name="security"),
    path("security/authenticator/", views.enroll, name="enroll"),
    path("security/enrolment-codes/", views.enrolment_codes, name="enrolment_codes"),
    path("session/keep/", views.keep_session, name="keep_session"),
]
