"""The halls a person works in or supervises; Http404 for any other (missing and forbidden
alike). Who may is said in accounts.access (HALL_ROLES, HALL_SUPERVISOR_ROLES)."""

from django.http import Http404

from mithaq.accounts.access import HALL_ROLES, HALL_SUPERVISOR_ROLES, Asker, holds_role_over

from .models import Hall


def halls_for_user(request_or_user: Asker, *, supervise: bool = False) -> list[Hall]:
    roles = HALL_SUPERVISOR_ROLES if supervise else HALL_ROLES
    halls = Hall.objects.active().select_related("unit")
    return [h for h in halls if holds_role_over(request_or_user, h.unit, roles)]


def get_hall_for_user(request_or_user: Asker, code: str, *, supervise: bool = False) -> Hall:
    """The hall if this person works in it (or supervises it); Http404 otherwise."""
    hall: Hall | None = Hall.objects.active().select_related("unit").filter(code=code).first()
    roles = HALL_SUPERVISOR_ROLES if supervise else HALL_ROLES
    if hall is None or not holds_role_over(request_or_user, hall.unit, roles):
        raise Http404
    return hall
