"""The citizen's portal."""

from django.urls import path

from .views import public

app_name = "portal"
urlpatterns = [
    path("", public.home, name="home"),
    # Fixed paths first: "done", "services" and "promise" are not kinds.
    path("submit/done/", public.submitted, name="submitted"),
    path("submit/services/", public.service_options, name="services"),
    path("submit/promise/", public.promise, name="promise"),
    path("submit/service-parts/", public.service_parts, name="service_parts"),
    path("submit/<str:kind>/", public.submit, name="submit"),
    path("track/", public.track, name="track"),
    path("c/<str:token>/", public.open_case, name="open"),
    path("track/<str:code>/", public.track_case, name="track_case"),
    path("track/<str:code>/respond/", public.respond, name="respond"),
    path("track/<str:code>/contact/", public.update_contact, name="contact"),
    path("track/<str:code>/grievance/", public.grievance, name="grievance"),
    path("track/<str:code>/files/<num:pk>/", public.attachment, name="attachment"),
]
