"""The hall's URLs (mounted at /hall/): public kiosk and ticket pages, staff pages, and the
display's when it is installed."""

from importlib.util import find_spec

from django.urls import include, path

from .views import booking, public, staff

app_name = "walkin"
urlpatterns = [
    path("", staff.halls, name="halls"),
    path("service/<slug:code>/", public.take_ticket, name="take_ticket"),
    path("t/<str:token>/", public.ticket, name="ticket"),
    path("t/<str:token>/print/", public.ticket_print, name="ticket_print"),
    path("t/<str:token>/rate/", public.ticket_rate, name="ticket_rate"),
    path("b/<str:token>/", booking.booking, name="booking"),
    path("b/<str:token>/move/", booking.booking_move, name="booking_move"),
    path("b/<str:token>/cancel/", booking.booking_cancel, name="booking_cancel"),
    path("<slug:hall>/book/", booking.book, name="book"),
    path("<slug:hall>/appointments/", booking.appointments, name="appointments"),
    path(
        "<slug:hall>/appointments/closures/",
        booking.appointment_closures,
        name="appointment_closures",
    ),
    path("<slug:hall>/kiosk/", public.kiosk, name="kiosk"),
    path("<slug:hall>/kiosk/enrol/", staff.kiosk_enrol, name="kiosk_enrol"),
    path("<slug:hall>/kiosk/enrol/<str:token>/", public.kiosk_enrol_link, name="kiosk_enrol_link"),
    path("<slug:hall>/tablet/enrol/", staff.tablet_enrol, name="tablet_enrol"),
    path("<slug:hall>/kiosk/<num:pk>/revoke/", staff.kiosk_revoke, name="kiosk_revoke"),
    path("<slug:hall>/board.pdf", public.board, name="board"),
    path("<slug:hall>/desk/", staff.hall, name="hall"),
    path("<slug:hall>/issue/", staff.issue, name="issue"),
    path("<slug:hall>/window/<num:number>/", staff.counter, name="counter"),
    path("<slug:hall>/window/<num:number>/tablet/", staff.tablet, name="tablet"),
    path("<slug:hall>/window/<num:number>/<str:action>/", staff.counter_act, name="counter_act"),
    path("<slug:hall>/tickets/<num:pk>/case/", staff.ticket_case, name="ticket_case"),
    path("<slug:hall>/supervise/", staff.supervise, name="supervise"),
]

# The display (TV page, live events) is built apart, in mithaq/walkin/display/.
if find_spec("mithaq.walkin.display") and find_spec("mithaq.walkin.display.urls"):
    urlpatterns.append(path("", include("mithaq.walkin.display.urls")))
