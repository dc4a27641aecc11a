"""Every write to a report pack: asking for one (its build is a job, never a web request),
building it, signing it off, submitting it."""

import datetime
import hashlib
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mithaq.accounts.models import OrgUnit, User
from mithaq.common.uploads import check_upload

from . import figures, periods, render
from .models import CharterText, Letterhead, PackStatus, ReportPack, Submission, SubmissionWay

LANGUAGES = ("ar", "en")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def request_pack(
    *,
    period: periods.Period,
    unit: OrgUnit | None,
    requested_by: User | None,
    language: str = "ar",
    now: datetime.datetime | None = None,
) -> ReportPack:
    """A new version of the period's pack, to be built by a job once this commits."""
    from .tasks import build_pack_job  # noqa: PLC0415 (the job module imports this one)

    if language not in LANGUAGES:
        raise ValidationError(_("Choose Arabic or English."), code="language")
    now = now or timezone.now()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                last = ReportPack.objects.filter(period=period.key, unit=unit).aggregate(
                    v=Max("version")
                )["v"]
                pack = ReportPack.objects.create(
                    period=period.key,
                    unit=unit,
                    version=(last or 0) + 1,
                    language=language,
                    requested_by=requested_by,
                    requested_at=now,
                )
                transaction.on_commit(partial(build_pack_job.enqueue, pack.pk))
                return pack
        except IntegrityError:
            continue  # another request took this version number at the same moment
    raise ValidationError(_("The pack could not be numbered; try again."), code="busy")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_pack(pack_id: int, *, now: datetime.datetime | None = None) -> ReportPack | None:
    """Compute the pack's figures and write its files. Idempotent: a pack already built (or
    signed off) is left as it is."""
    now = now or timezone.now()
    with transaction.atomic():
        pack = ReportPack.objects.select_for_update().filter(pk=pack_id).first()
        if pack is None or pack.status != PackStatus.BUILDING:
            return pack
        today = now.date()
        period = periods.parse_period(pack.period, today=today + datetime.timedelta(days=1))
        data = figures.pack_figures(period, pack.unit, now=now)
        with translation.override(pack.language):
            xlsx = render.xlsx(data, number=pack.number, language=pack.language)
            pdf = render.pdf(data, number=pack.number, language=pack.language, now=now)
        pack.figures = data
        pack.xlsx.save(f"{pack.number}.xlsx", ContentFile(xlsx), save=False)
        pack.xlsx_sha256 = _sha256(xlsx)
        pack.pdf.save(f"{pack.number}.pdf", ContentFile(pdf), save=False)
        pack.pdf_sha256 = _sha256(pdf)
        pack.status = PackStatus.DRAFT
        pack.built_at = now
        pack.save()
    return pack


def sign_off_pack(
    *, pack: ReportPack, actor: User, comment: str = "", now: datetime.datetime | None = None
) -> ReportPack:
    """The office manager signs a draft off: from now on it is frozen."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ReportPack.objects.select_for_update().get(pk=pack.pk)
        if locked.status != PackStatus.DRAFT:
            raise ValidationError(_("Only a built draft can be signed off."), code="state")
        locked.status = PackStatus.SIGNED_OFF
        locked.signed_off_by = actor
        locked.signed_off_at = now
        locked.sign_off_comment = comment.strip()
        locked.save(update_fields=["status", "signed_off_by", "signed_off_at", "sign_off_comment"])
    return locked


def submit_pack(
    *,
    pack: ReportPack,
    actor: User,
    recipient: str,
    way: str,
    email: str = "",
    letter_number: str = "",
    now: datetime.datetime | None = None,
) -> Submission:
    """Record that a signed-off pack went to the ministry: by email (sent here, with its
    files attached, through the configured email backend) or by hand with a letter number."""
    recipient = recipient.strip()
    if not recipient:
        raise ValidationError(_("Name the recipient."), code="recipient")
    if way not in SubmissionWay.values:
        raise ValidationError(_("Choose how the pack was sent."), code="way")
    if way == SubmissionWay.EMAIL and "@" not in email:
        raise ValidationError(_("Give the recipient's email address."), code="email")
    if way == SubmissionWay.BY_HAND and not letter_number.strip():
        raise ValidationError(_("Give the outgoing letter's number."), code="letter_number")
    now = now or timezone.now()
    with transaction.atomic():
        locked = ReportPack.objects.select_for_update().get(pk=pack.pk)
        if locked.status != PackStatus.SIGNED_OFF:
            raise ValidationError(_("Sign the pack off before submitting it."), code="state")
        submission = Submission.objects.create(
            pack=locked,
            recipient=recipient,
            way=way,
            email=email.strip() if way == SubmissionWay.EMAIL else "",
            letter_number=letter_number.strip() if way == SubmissionWay.BY_HAND else "",
            submitted_by=actor,
            submitted_at=now,
        )
        if way == SubmissionWay.EMAIL:
            # Sent inside the transaction: if the mail server refuses, nothing is recorded.
            _email_pack(locked, to=submission.email, recipient=recipient)
    return submission


def _email_pack(pack: ReportPack, *, to: str, recipient: str) -> None:
    with translation.override(pack.language):
        mail = EmailMessage(
            subject=_("Report %(number)s") % {"number": pack.number},
            body=_("To %(recipient)s: please find attached report %(number)s.")
            % {"recipient": recipient, "number": pack.number},
            to=[to],
        )
    for field, suffix in ((pack.pdf, "pdf"), (pack.xlsx, "xlsx")):
        with field.open("rb") as handle:
            mail.attach(f"{pack.number}.{suffix}", handle.read(), CONTENT_TYPES[suffix])
    mail.send(fail_silently=False)


LOGO_TYPES = {"image/png", "image/jpeg"}


def set_letterhead_logo(
    *, actor: User, upload: UploadedFile, now: datetime.datetime | None = None
) -> Letterhead:
    """The logo printed on the reports from now on: a PNG or JPEG, its type read from its
    bytes (mithaq.common.uploads). Packs already built keep the logo they were built with."""
    checked = check_upload(upload)
    kind = checked.kind
    if kind.content_type not in LOGO_TYPES:
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_type")
    with transaction.atomic():
        row, _created = Letterhead.objects.select_for_update().get_or_create(pk=1)
        row.logo.save(f"logo.{kind.extension}", checked.content, save=False)
        row.content_type = kind.content_type
        row.updated_by = actor
        row.updated_at = now or timezone.now()
        row.save()
    return row


def save_charter_text(
    *, actor: User, text_ar: str, text_en: str, now: datetime.datetime | None = None
) -> CharterText:
    """The charter's text on the public page, as the office writes it."""
    with transaction.atomic():
        row, _created = CharterText.objects.select_for_update().get_or_create(pk=1)
        row.text_ar, row.text_en = text_ar.strip(), text_en.strip()
        row.updated_by, row.updated_at = actor, now or timezone.now()
        row.save()
    return row
