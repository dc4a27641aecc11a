"""Recompute the clocks of every open case (after a bulk import or a calendar change)."""

from django.core.management.base import BaseCommand

from mithaq.cases.services.clocks import recompute_open_clocks


class Command(BaseCommand):
    help = "Recompute the clocks of every open case. Idempotent."

    def handle(self, *args, **options):
        self.stdout.write(f"{recompute_open_clocks()} cases recomputed")
