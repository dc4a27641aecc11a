"""Field visits: planning from a checklist, scoring, findings opened as cases, the report
as a PDF (WeasyPrint, as mithaq.reports renders its packs; set in DejaVu Sans, whose
Arabic pdftotext reads back in logical order)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mithaq.accounts.models import OrgUnit, User
from mithaq.cases.services import submit_case
from mithaq.cases.states import Channel, Kind
from mithaq.common.phones import parse_phone
from mithaq.common.uploads import check_upload

from .models_visits import ChecklistTemplate, Finding, Visit, VisitPhoto, VisitScore

MAX_SCORE = 5


def plan_visit(
    *,
    unit: OrgUnit,
    template: ChecklistTemplate,
    planned_for: datetime.date,
    team: str,
    scope: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> Visit:
    now = now or timezone.now()
    items = list(template.items.all())
    if not items:
        raise ValidationError(_("This checklist has no items."), code="empty")
    with transaction.atomic():
        visit = Visit.objects.create(
            unit=unit,
            template=template,
            planned_for=planned_for,
            team=team.strip(),
            scope=scope.strip(),
            planned_by=actor,
            created_at=now,
        )
        VisitScore.objects.bulk_create(
            VisitScore(visit=visit, text=item.text, position=item.position) for item in items
        )
    return visit


def score_visit(
    *,
    visit: Visit,
    scores: Mapping[int, tuple[int | None, str]],
    now: datetime.datetime | None = None,
) -> Visit:
    """Each item's score (0 to 5, or None when not seen) and note, by VisitScore id."""
    now = now or timezone.now()
    for score, _note in scores.values():
        if score is not None and not 0 <= score <= MAX_SCORE:
            raise ValidationError(_("A score is from 0 to 5."), code="score")
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        rows = {row.pk: row for row in visit.scores.all()}
        if set(scores) - set(rows):
            raise ValidationError(_("These items are not this visit's."), code="items")
        for pk, (score, note) in scores.items():
            rows[pk].score, rows[pk].note = score, note.strip()
        VisitScore.objects.bulk_update(rows.values(), ["score", "note"])
        visit.scored_at = now
        visit.save(update_fields=["scored_at"])
    return visit


def office_phone() -> str | None:
    """The phone a finding's case is opened with: MITHAQ_OFFICE_PHONE, else the first of the
    institution's hotlines that is a phone number (a short code is not); None without."""
    for raw in (settings.MITHAQ_OFFICE_PHONE, *settings.MITHAQ_HOTLINES):
        if raw:
            try:
                return parse_phone(raw)
            except ValidationError:
                continue
    return None


def add_finding(
    *,
    visit: Visit,
    text: str,
    unit: OrgUnit,
    due_date: datetime.date,
    actor: User,
    now: datetime.datetime | None = None,
) -> Finding:
    """A finding becomes an action: a case of `unit` with its clocks (cases.services)."""
    now = now or timezone.now()
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the finding."), code="text")
    if due_date < timezone.localdate(now):
        raise ValidationError(_("A decision's due date cannot be in the past."), code="due")
    phone = office_phone()
    if phone is None:
        raise ValidationError(
            _(
                "A finding opens a case in the office's name, and the office has no phone "
                "number: ask the administrator to set MITHAQ_OFFICE_PHONE (or a hotline, "
                "MITHAQ_HOTLINES)."
            ),
            code="office_phone",
        )
    with translation.override(settings.LANGUAGE_CODE):
        office_name = _("Citizens' affairs office (field visit)")
    with transaction.atomic():
        case = submit_case(
            kind=Kind.SUGGESTION,
            unit=unit,
            channel=Channel.WALK_IN,
            received_by=actor,
            subject=text[:200],
            body=text,
            citizen_name=office_name,
            citizen_phone=phone,
            now=now,
        )
        return Finding.objects.create(
            visit=visit, text=text, unit=unit, due_date=due_date, case=case
        )


PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


def add_photos(
    *,
    visit: Visit,
    uploads: list,
    caption: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> list[VisitPhoto]:
    """The visit's photos, each checked by its content (a photo: JPEG, PNG or WebP); one
    refused file keeps them all out."""
    now = now or timezone.now()
    if not uploads:
        raise ValidationError(_("Choose a photo."), code="none")
    if len(uploads) > settings.MITHAQ_MAX_UPLOADS_PER_FORM:
        raise ValidationError(_("Too many files at once."), code="too_many")
    checked = []
    for upload in uploads:
        photo = check_upload(upload)
        if photo.kind.content_type not in PHOTO_TYPES:
            raise ValidationError(
                _("“%(name)s” is not a photo. Send JPEG, PNG or WebP.") % {"name": upload.name},
                code="not_photo",
            )
        checked.append(photo)
    with transaction.atomic():
        kept = []
        for photo in checked:
            row = VisitPhoto(
                visit=visit,
                original_name=photo.name[:200],
                content_type=photo.kind.content_type,
                extension=photo.kind.extension,
                size=photo.size,
                sha256=photo.sha256,
                caption=caption.strip(),
                uploaded_by=actor,
                created_at=now,
            )
            # What is stored is the checked copy: a photo without its EXIF and GPS.
            row.file.save(photo.name, photo.content, save=False)
            row.save()
            kept.append(row)
        return kept


def average(visit: Visit) -> float | None:
    scored = [s.score for s in visit.scores.all() if s.score is not None]
    return round(sum(scored) / len(scored), 2) if scored else None


@dataclass(frozen=True)
class UnitScores:
    unit: OrgUnit
    by_month: list[float | None]  # one per month of the table, oldest first


def scores_by_unit_and_month(
    last_month: datetime.date, *, months: int = 12
) -> tuple[list[datetime.date], list[UnitScores]]:
    """Each visited unit's average checklist score (the items scored, 0 to 5) per month of
    the visits' dates, over the `months` months up to `last_month`: one query."""
    firsts = [last_month.replace(day=1)]
    for _i in range(months - 1):
        firsts.insert(0, (firsts[0] - datetime.timedelta(days=1)).replace(day=1))
    end = (firsts[-1] + datetime.timedelta(days=32)).replace(day=1)
    rows = (
        VisitScore.objects.filter(
            score__isnull=False, visit__planned_for__gte=firsts[0], visit__planned_for__lt=end
        )
        .annotate(month=TruncMonth("visit__planned_for"))
        .values("visit__unit", "month")
        .annotate(mean=Avg("score"))
        .values_list("visit__unit", "month", "mean")
    )
    means: dict[int, dict[datetime.date, float]] = {}
    for unit_id, month, mean in rows:
        means.setdefault(unit_id, {})[month] = round(float(mean), 2)
    units = OrgUnit.objects.filter(pk__in=means).order_by("path")
    return firsts, [
        UnitScores(unit=u, by_month=[means[u.pk].get(m) for m in firsts]) for u in units
    ]


def report_pdf(visit: Visit, *, language: str = "ar") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "interviews/visit.pdf.html",
            {
                "visit": visit,
                "scores": visit.scores.all(),
                "findings": visit.findings.select_related("unit", "case"),
                "average": average(visit),
                "language": language,
                "direction": "rtl" if translation.get_language_bidi() else "ltr",
            },
        )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    if pdf is None:
        raise RuntimeError("WeasyPrint wrote no PDF")
    return pdf
