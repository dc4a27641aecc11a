"""What the staff navigation needs to know about the signed-in person."""

from .access import access_for
from .sessions import idle_seconds


def staff(request):
    if not request.user.is_authenticated:
        return {}
    access = access_for(request)
    return {
        "may_register": access.may_register_cases,
        "staff_access": access,
        "staff_idle_seconds": idle_seconds(),
    }
