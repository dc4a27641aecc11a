"""Upload checks: a file's type is decided by its bytes, never by its name."""

import hashlib
import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from mithaq.common.uploads import Sniffed, check_upload, sniff
from mithaq.testing import (
    CONTENT_TYPES,
    EXE,
    HTML,
    PDF,
    docx_bytes,
    jpeg_bytes,
    png_bytes,
    xlsx_bytes,
    zip_bytes,
)

JPEG = jpeg_bytes()
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    # The browser's content type is the citizen's claim; it is deliberately misleading here.
    return SimpleUploadedFile(name, content, content_type=content_type)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("letter.pdf", PDF, Sniffed("application/pdf", "pdf")),
        ("photo.png", png_bytes(), Sniffed("image/png", "png")),
        ("photo.jpeg", JPEG, Sniffed("image/jpeg", "jpg")),
        ("photo.webp", WEBP, Sniffed("image/webp", "webp")),
        ("request.docx", docx_bytes(), Sniffed(DOCX, "docx")),
        ("grades.xlsx", xlsx_bytes(), Sniffed(XLSX, "xlsx")),
    ],
)
def test_accepted_types_are_recognised_by_their_bytes(name, content, expected):
    assert sniff(upload(name, content)) == expected


@pytest.mark.parametrize(
    ("misleading_name", "content", "real_extension"),
    [
        ("scan.docx", PDF, "pdf"),
        ("photo.jpg", png_bytes(), "png"),
        ("no-extension", JPEG, "jpg"),
        ("table.pdf", xlsx_bytes(), "xlsx"),
    ],
)
def test_the_name_does_not_decide_the_type(misleading_name, content, real_extension):
    checked = check_upload(upload(misleading_name, content, "text/plain"))
    assert checked.kind.extension == real_extension


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", EXE),
        ("photo.png", HTML),
        ("letter.pdf", b"just some text, not a PDF"),
        ("scan.pdf", b" %PDF-1.4 with a leading space"),
        ("archive.docx", zip_bytes({"notes.txt": "hello"})),
        ("slides.docx", zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "ppt/slide1.xml": "x"})),
        ("word.docx", zip_bytes({"word/document.xml": "<w:document/>"})),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 60),
        ("picture.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
    ],
)
def test_files_of_other_types_are_refused_whatever_their_name(name, content):
    refused_upload = upload(name, content, "application/pdf")
    assert sniff(refused_upload) is None
    with pytest.raises(ValidationError) as refused:
        check_upload(refused_upload)
    assert refused.value.code == "bad_type"
    assert name in refused.value.messages[0]


def test_sniffing_leaves_the_file_at_its_start():
    for content in (PDF, docx_bytes(), b"PK\x03\x04 not a zip"):
        sniffed = upload("file", content)
        sniffed.read(3)
        sniff(sniffed)
        assert sniffed.tell() == 0


def test_check_returns_the_sha256_of_the_whole_file_and_rewinds_it():
    content = PDF + b"x" * 200_000  # several 64 KiB chunks
    checked = upload("big.pdf", content)
    digest = check_upload(checked).sha256
    assert digest == hashlib.sha256(content).hexdigest()
    assert checked.tell() == 0
    assert checked.read() == content


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("empty.pdf", b""))
    assert refused.value.code == "empty"


@override_settings(MITHAQ_MAX_UPLOAD_BYTES=len(PDF))
def test_file_at_the_size_limit_is_accepted():
    assert check_upload(upload("letter.pdf", PDF)).kind.extension == "pdf"


@override_settings(MITHAQ_MAX_UPLOAD_BYTES=len(PDF) - 1)
def test_file_over_the_size_limit_is_refused_before_its_content_is_read():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("letter.pdf", PDF))
    assert refused.value.code == "too_large"
    assert "letter.pdf" in refused.value.messages[0]


@override_settings(MITHAQ_MAX_UPLOAD_BYTES=10)
def test_size_limit_applies_to_files_of_unknown_type_too():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("a.exe", EXE))
    assert refused.value.code == "too_large"


def with_extract_version(archive: bytes, version: int) -> bytes:
    """The archive with its central directory claiming a newer zip format than Python reads."""
    data = bytearray(archive)
    entry = data.index(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = struct.pack("<H", version)
    return bytes(data)


def test_zip_claiming_an_unknown_format_version_is_refused_as_a_bad_type():
    crafted = upload("request.docx", with_extract_version(docx_bytes(), 199))
    with pytest.raises(ValidationError) as refused:
        check_upload(crafted)
    assert refused.value.code == "bad_type"
