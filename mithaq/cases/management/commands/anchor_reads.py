"""Anchor the confidential-reads log outside the database now (the scheduler does it daily),
or check the database against the anchors (--check: exit status 1 when one fails)."""

from django.core.management.base import BaseCommand, CommandError

from mithaq.cases import anchors


class Command(BaseCommand):
    help = "Append the confidential-reads chain's head to the anchor file, or --check it."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="verify instead of anchoring")

    def handle(self, *args, check=False, **options):
        if not check:
            anchor = anchors.write_anchor()
            self.stdout.write(f"anchored {anchor.count} reads up to row {anchor.last_id}")
            return
        report = anchors.verify_anchors(show=1_000_000)
        if not report.found:
            raise CommandError("no anchor file to check against")
        for failure in report.failures:
            self.stdout.write(
                f"{failure.state}: anchor of {failure.anchor.at:%Y-%m-%d %H:%M} UTC "
                f"({failure.anchor.count} reads up to row {failure.anchor.last_id})"
            )
        if report.failures:
            raise CommandError(f"{len(report.failures)} anchors do not hold")
        self.stdout.write(
            f"{len(report.checks)} anchors hold; {report.unanchored} reads since the latest"
        )
