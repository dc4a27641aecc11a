"""Upload checks: the type is decided by the file's content, never by its name.

`check_upload` refuses what we do not take (other types, archives that unpack too far,
PDFs that carry scripts, what the antivirus finds) and gives back what to store: the file
under a name whose extension is the one its bytes show, images re-saved without their
EXIF (GPS, camera, owner) metadata."""

import hashlib
import io
import re
import socket
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps

from .sizes import file_size


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


@dataclass(frozen=True)
class Checked:
    """An accepted upload: its real type, the SHA-256 and size of what is stored, the
    citizen's file name with the extension its bytes show, and the content to store."""

    kind: Sniffed
    sha256: str
    name: str
    content: File

    @property
    def size(self) -> int:
        return int(self.content.size or 0)


DOCX = Sniffed("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = Sniffed("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# Names a citizen may give each type; any other ending is replaced by the type's own.
EXTENSIONS = {"jpg": {"jpg", "jpeg"}}


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
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
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


def named_for(name: str, kind: Sniffed) -> str:
    """The citizen's file name ending in the extension its bytes show: `poly.html` holding a
    PDF becomes `poly.pdf`, `report.pdf.exe` becomes `report.pdf`."""
    base = PurePath(name.replace("\\", "/")).name.strip(". ") or "file"
    allowed = EXTENSIONS.get(kind.extension, {kind.extension})
    stem, dot, ext = base.rpartition(".")
    if dot and ext.lower() in allowed:
        return base[:200]
    if dot and stem:
        base = stem  # the wrong ending goes; `report.pdf` may be left and is then right
        inner = base.rpartition(".")[2].lower()
        if "." in base and inner in allowed:
            return base[:200]
    suffix = f".{kind.extension}"
    return base[: 200 - len(suffix)] + suffix


def _check_archive(upload) -> None:
    """Office files are zips: refuse one that unpacks past the limits (a zip bomb). The sizes
    the archive declares are checked first, then the real ones while reading, since a
    crafted archive may declare less than it holds."""
    max_bytes = settings.MITHAQ_UPLOAD_MAX_UNPACKED_BYTES
    max_entries = settings.MITHAQ_UPLOAD_MAX_ENTRIES
    too_big = ValidationError(
        _("“%(name)s” unpacks to more than %(limit)s.")
        % {"name": upload.name, "limit": file_size(max_bytes)},
        code="unpacks_too_large",
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise ValidationError(
                    ngettext(
                        "“%(name)s” holds more than one file.",
                        "“%(name)s” holds more than %(count)s files.",
                        max_entries,
                    )
                    % {"name": upload.name, "count": max_entries},
                    code="too_many_entries",
                )
            if sum(e.file_size for e in entries) > max_bytes:
                raise too_big
            left = max_bytes
            for entry in entries:
                with archive.open(entry) as member:
                    while chunk := member.read(1 << 16):
                        left -= len(chunk)
                        if left < 0:
                            raise too_big
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise _bad_type(upload) from exc
    finally:
        upload.seek(0)


# PDF names may spell letters as #xx (`/J#61vaScript`); they are decoded before matching.
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_PDF = re.compile(rb"/(JS|JavaScript|Launch)(?![A-Za-z0-9])")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_MAX_INFLATED = 64 * 1024 * 1024


def _pdf_parts(data: bytes):
    """The PDF's bytes, then each Flate stream inflated (scripts may hide in object streams),
    within a budget so a compressed stream cannot be a bomb of its own."""
    yield data
    budget = _MAX_INFLATED
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), max(budget, 0))
        except zlib.error:
            continue
        budget -= len(inflated)
        yield inflated
        if budget <= 0:
            return


def pdf_has_actions(data: bytes) -> bool:
    """Whether a PDF carries JavaScript or a launch action (/JS, /JavaScript, /Launch; an
    /OpenAction that runs a script names /JS itself)."""
    return any(
        _ACTIVE_PDF.search(_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), part))
        for part in _pdf_parts(data)
    )


def _without_metadata(upload, kind: Sniffed) -> ContentFile:
    """The image re-saved with its pixels only: EXIF (GPS, camera, owner), XMP and text
    chunks are dropped. The EXIF orientation is applied first so the photo stays upright."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            options: dict = {}
            if icc := image.info.get("icc_profile"):
                options["icc_profile"] = icc
            if kind.content_type == "image/jpeg":
                if upright is image:
                    options.update(quality="keep", subsampling="keep")
                else:
                    options["quality"] = 90
            elif kind.content_type == "image/webp":
                options["lossless"] = bool(image.info.get("lossless"))
            out = io.BytesIO()
            upright.save(out, IMAGE_FORMATS[kind.content_type], **options)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _bad_type(upload) from exc
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name=upload.name)


class ScanUnavailable(Exception):
    pass


def clamd_scan(chunks, socket_path: str) -> str | None:
    """Send the bytes to clamd with its INSTREAM command; the signature's name when it finds
    one, None when the file is clean. ScanUnavailable when clamd cannot answer."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(settings.MITHAQ_CLAMD_TIMEOUT)
            conn.connect(socket_path)
            conn.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), 1 << 16):
                    piece = chunk[start : start + (1 << 16)]
                    conn.sendall(struct.pack(">I", len(piece)) + piece)
            conn.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                got = conn.recv(4096)
                if not got:
                    break
                reply += got
    except OSError as exc:
        raise ScanUnavailable(str(exc)) from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", or "... ERROR"
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    if answer.endswith("OK"):
        return None
    raise ScanUnavailable(answer)


def _scan(upload) -> None:
    socket_path = settings.MITHAQ_CLAMD_SOCKET
    if not socket_path:
        return
    upload.seek(0)
    try:
        found = clamd_scan(upload.chunks(), socket_path)
    except ScanUnavailable as exc:
        # Fail closed: an office that asked for scanning takes no file unscanned.
        raise ValidationError(
            _("“%(name)s” could not be checked for viruses just now. Try again in a few minutes.")
            % {"name": upload.name},
            code="scan_unavailable",
        ) from exc
    finally:
        upload.seek(0)
    if found:
        raise ValidationError(
            _("“%(name)s” contains a virus and was refused.") % {"name": upload.name},
            code="infected",
        )


def _bad_type(upload) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not an accepted file. Send PDF, JPEG, PNG, WebP, Word or Excel files.")
        % {"name": upload.name},
        code="bad_type",
    )


def check_upload(upload) -> Checked:
    """Validate one uploaded file; return its real type, the name and content to store."""
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
        raise _bad_type(upload)
    if kind in (DOCX, XLSX):
        _check_archive(upload)
    if kind.content_type == "application/pdf":
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        if pdf_has_actions(data):
            raise ValidationError(
                _(
                    "“%(name)s” contains scripts or actions that run when it is opened. "
                    "Print it to a new PDF and send that instead."
                )
                % {"name": upload.name},
                code="pdf_active",
            )
    _scan(upload)
    content: File = upload
    if kind.content_type in IMAGE_FORMATS:
        content = _without_metadata(upload, kind)
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    return Checked(
        kind=kind,
        sha256=digest.hexdigest(),
        name=named_for(upload.name or "", kind),
        content=content,
    )
