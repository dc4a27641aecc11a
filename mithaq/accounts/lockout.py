"""Sign-in lockouts (django-axes) with two limits: AXES_FAILURE_LIMIT failed sign-ins to one
account from one address, and AXES_ACCOUNT_FAILURE_LIMIT to one account from any addresses
(a password tried from many places: issue 19, finding 5). The second is higher, so that a
stranger cannot lock a member of staff out with a handful of guesses.

Axes compares one count with one limit (the largest of its counts per AXES_LOCKOUT_PARAMETERS,
here [[ip_address, username], username]); the account's count is put on the first one's
scale: floor(a x L / A) >= L exactly when a >= A."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class AccountLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        per_pair, per_account = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = per_account * settings.AXES_FAILURE_LIMIT // settings.AXES_ACCOUNT_FAILURE_LIMIT
        return max(per_pair, scaled)
