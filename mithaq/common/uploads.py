"""Upload checks: the type is decided by the file's content, never by its name."""

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .sizes import file_size


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def _office_kind(upload) -> Sniffed | None:
    """A zip is accepted only when it is a Word or Excel document."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, KeyError):
        # Anything zipfile cannot read is simply not a document we take.
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    # Macro-enabled documents carry code; an office that opens them should not have to trust it.
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if any(n.startswith("word/") for n in names):
        return Sniffed(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
        )
    if any(n.startswith("xl/") for n in names):
        return Sniffed("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    return None


def sniff(upload) -> Sniffed | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "webp")
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    return None


def check_upload(upload) -> tuple[Sniffed, str]:
    """Validate one uploaded file; return its real type and SHA-256."""
    limit = settings.MITHAQ_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s.")
            % {"name": upload.name, "limit": file_size(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name}, code="empty")
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not an accepted file. Send PDF, JPEG, PNG, WebP, Word or Excel files.")
            % {"name": upload.name},
            code="bad_type",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind, digest.hexdigest()
