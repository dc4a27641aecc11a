"""Make the Hijri holidays of a Gregorian year in the active calendar."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mithaq.routing.models import WorkingCalendar
from mithaq.routing.services import generate_hijri_holidays


class Command(BaseCommand):
    help = "Generate the Hijri holidays of a year (default: this year and next)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append")

    def handle(self, *args, year, **options):
        calendar = WorkingCalendar.objects.filter(is_active=True).first()
        if calendar is None:
            raise CommandError("no active working calendar")
        this = timezone.localdate().year
        for one in year or [this, this + 1]:
            created, moved = generate_hijri_holidays(calendar=calendar, year=one)
            self.stdout.write(f"{one}: {created} added, {moved} moved")
