"""Write a report's PDF or spreadsheet for a period and scope, for operations and scripts:
`manage.py build_report --period monthly:2026-11 [--unit CODE] --language ar --format pdf
--output FILE`. It writes a file only; packs kept as records are built from the Reports
pages and by the scheduler."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mithaq.accounts.models import OrgUnit
from mithaq.reports import figures, render
from mithaq.reports.periods import parse_period
from mithaq.routing import calendar as working


class Command(BaseCommand):
    help = "Write a report (PDF or XLSX) for a period, for the institution or one unit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", required=True, help="monthly:2026-11, semiannual:2026-H2, annual:2026"
        )
        parser.add_argument("--unit", default="", help="a unit's code (default: the institution)")
        parser.add_argument("--language", default="ar", choices=["ar", "en"])
        parser.add_argument("--format", default="pdf", choices=["pdf", "xlsx"])
        parser.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args, language, **options):
        # Messages and the file speak the report's language.
        with translation.override(language):
            self._build(language=language, **options)

    def _build(self, *, period, unit, language, format, output, **options):
        calendar = working.fresh_config().calendar
        now = timezone.now()
        try:
            chosen = parse_period(period, today=timezone.localdate(now, calendar.tz))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        scope = None
        if unit:
            scope = OrgUnit.objects.filter(code=unit).first()
            if scope is None:
                raise CommandError(_("No unit has the code “%(code)s”.") % {"code": unit})
        data = figures.pack_figures(chosen, scope, now=now, calendar=calendar)
        number = f"{chosen.key.replace(':', '-').upper()}-{(unit or 'all').upper()}"
        if format == "pdf":
            content = render.pdf(data, number=number, language=language, now=now)
        else:
            content = render.xlsx(data, number=number, language=language)
        Path(output).write_bytes(content)
        received = data["current"]["volume"]["total"]["received"]
        self.stdout.write(
            f"{output}: {chosen.key}, {received} cases received, {len(content)} bytes"
        )
