"""An official who receives interviews, for tests: the president's office hours."""

from mithaq.accounts.models import Membership, Role
from mithaq.accounts.services import memberships_changed, people_changed
from mithaq.scheduling.testing import tuesday_schedule
from mithaq.testing import make_user


def make_official(org, *, username="official", unit=None, name="رئيس الجامعة للمقابلات"):
    """A user holding the official role on `unit` (the institution by default), with
    Tuesday interview hours (10:00-12:00, six)."""
    unit = unit or org.root
    user = make_user(username, name)
    Membership.objects.create(user=user, unit=unit, role=Role.OFFICIAL)
    people_changed()
    memberships_changed()
    tuesday_schedule(unit=unit, official=user)
    return user


REQUEST = {
    "subject": "طلب مقابلة بشأن القبول",
    "summary": "أرغب في عرض مشكلة قبول ابني في كلية الهندسة.",
    "citizen_name": "خالد حسن",
    "citizen_phone": "+9647709876543",
    "citizen_email": "khaled@example.com",
}
