"""The hall's periodic job (settings.MITHAQ_PERIODIC_TASKS)."""

from django_tasks import task

from . import bookings


@task()
def release_booking_no_shows() -> int:
    """Every minute: appointments not checked in by the end of their hall's window are
    recorded absent and their slots freed (mithaq.walkin.bookings.release_no_shows)."""
    return bookings.release_no_shows()
