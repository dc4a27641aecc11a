"""Uploads beyond their type: names that match the bytes, zip bombs, scripted PDFs, photos'
GPS, file modes on disk, and the antivirus (clamd over its socket)."""

import io
import os
import shutil
import socket
import stat
import struct
import subprocess
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from mithaq.common.uploads import check_upload, named_for
from mithaq.testing import CONTENT_TYPES, PDF, jpeg_bytes, make_case, make_org

# The antivirus industry's test string (eicar.org): harmless, detected by every scanner.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# Names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("poly.html", "poly.pdf"),
        ("report.pdf.exe", "report.pdf"),
        ("letter.pdf", "letter.pdf"),
        ("LETTER.PDF", "LETTER.PDF"),
        ("no-extension", "no-extension.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("invoice.exe.html", "invoice.exe.pdf"),
    ],
)
def test_the_kept_name_ends_in_the_type_its_bytes_show(given, stored):
    assert check_upload(upload(given, PDF)).name == stored


def test_a_jpeg_may_keep_either_of_its_usual_endings():
    assert check_upload(upload("photo.jpeg", jpeg_bytes())).name == "photo.jpeg"
    assert check_upload(upload("photo.JPG", jpeg_bytes())).name == "photo.JPG"
    assert check_upload(upload("photo.png", jpeg_bytes())).name == "photo.jpg"


def test_named_for_keeps_long_names_within_the_column():
    kind = check_upload(upload("a.pdf", PDF)).kind
    assert named_for("x" * 300 + ".html", kind) == "x" * 196 + ".pdf"


@pytest.mark.django_db
def test_a_pdf_sent_as_html_is_kept_and_served_as_a_pdf():
    org = make_org()
    case = make_case(org, files=[upload("poly.html", PDF)])
    attachment = case.attachments.get()
    assert attachment.original_name == "poly.pdf"
    assert attachment.file.name.endswith(".pdf")
    assert attachment.content_type == "application/pdf"


# Zip bombs ----------------------------------------------------------------------------


def zeros_docx(unpacked: int) -> bytes:
    """A Word document with one member of `unpacked` zero bytes (a whole number of MiB),
    small on disk. The member's deflate stream is one compressed MiB of zeros repeated (a
    full flush makes each block stand alone), so the test never compresses a gibibyte."""
    block = b"\0" * (1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    count = unpacked // len(block)
    raw = one * count + deflate.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    members = [
        (b"[Content_Types].xml", CONTENT_TYPES.encode(), zipfile.ZIP_STORED, None),
        (b"word/document.xml", b"<w:document/>", zipfile.ZIP_STORED, None),
        (b"word/media/padding.bin", raw, zipfile.ZIP_DEFLATED, (crc, unpacked)),
    ]
    out, central = bytearray(), bytearray()
    for name, data, method, known in members:
        crc32, size = known or (zlib.crc32(data), len(data))
        fields = struct.pack("<HHHHHIII", 20, 0, method, 0, 0x21, crc32, len(data), size)
        central += b"PK\x01\x02" + struct.pack("<H", 20) + fields
        central += struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, len(out)) + name
        out += b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name + data
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 3, 3, len(central), len(out), 0)
    return bytes(out + central + end)


@pytest.fixture(scope="module")
def gib_docx() -> bytes:
    return zeros_docx(1 << 30)


def test_a_docx_unpacking_to_a_gibibyte_is_refused(gib_docx):
    assert len(gib_docx) < 2 * 1024 * 1024  # small on disk, under the upload limit
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("request.docx", gib_docx))
    assert refused.value.code == "unpacks_too_large"
    assert "request.docx" in refused.value.messages[0]


def with_declared_size(archive: bytes, member: str, size: int) -> bytes:
    """The archive with `member`'s declared size rewritten in both of its headers (a crafted
    zip lying about what it holds)."""
    data = bytearray(archive)
    encoded = member.encode()
    local = data.index(b"PK\x03\x04")  # the first local header
    while True:
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        extra_len = struct.unpack_from("<H", data, local + 28)[0]
        if data[local + 30 : local + 30 + name_len] == encoded:
            struct.pack_into("<I", data, local + 22, size)
            break
        comp = struct.unpack_from("<I", data, local + 18)[0]
        local += 30 + name_len + extra_len + comp
    central = data.index(b"PK\x01\x02")
    while data[central : central + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, central + 28)
        if data[central + 46 : central + 46 + name_len] == encoded:
            struct.pack_into("<I", data, central + 24, size)
        central += 46 + name_len + extra_len + comment_len
    return bytes(data)


@override_settings(MITHAQ_UPLOAD_MAX_UNPACKED_BYTES=4 * 1024 * 1024)
def test_an_archive_declaring_less_than_it_holds_is_refused_while_reading():
    liar = with_declared_size(zeros_docx(8 * 1024 * 1024), "word/media/padding.bin", 10)
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("request.docx", liar))
    assert refused.value.code in {"unpacks_too_large", "bad_type"}


@override_settings(MITHAQ_UPLOAD_MAX_ENTRIES=10)
def test_an_archive_with_too_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for i in range(11):
            archive.writestr(f"word/part{i}.xml", "<x/>")
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("many.docx", out.getvalue()))
    assert refused.value.code == "too_many_entries"


def test_an_ordinary_docx_is_still_accepted():
    assert check_upload(upload("a.docx", zeros_docx(2 * 1024 * 1024))).kind.extension == "docx"


# Scripted PDFs ------------------------------------------------------------------------


def pdf_with(catalog: bytes) -> bytes:
    return b"%PDF-1.4\n1 0 obj<<" + catalog + b">>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def flate_object_stream(body: bytes) -> bytes:
    packed = zlib.compress(body)
    return (
        b"%PDF-1.5\n2 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream\nendobj\n%%EOF\n"
    )


@pytest.mark.parametrize(
    "content",
    [
        pdf_with(b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
        pdf_with(b"/Type/Catalog/Names<</JavaScript 3 0 R>>"),
        pdf_with(b"/Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>"),
        pdf_with(b"/Type/Catalog/OpenAction<</S/J#61vaScript/J#53(x)>>"),  # #xx escapes
        flate_object_stream(b"3 0 <</S/JavaScript/JS(app.alert(1))>>"),  # compressed
    ],
    ids=["openaction-js", "names-javascript", "launch", "escaped-names", "object-stream"],
)
def test_pdfs_with_scripts_or_launch_actions_are_refused_with_a_clear_message(content):
    with translation.override("ar"), pytest.raises(ValidationError) as refused:
        check_upload(upload("form.pdf", content))
    assert refused.value.code == "pdf_active"
    assert "form.pdf" in refused.value.messages[0]


def test_a_pdf_whose_text_mentions_javascript_words_is_accepted():
    # /JSON or a word in a content string are not actions.
    content = pdf_with(b"/Type/Catalog/Metadata<</JSONData 1>>") + b"(JavaScript course)"
    assert check_upload(upload("course.pdf", content)).kind.extension == "pdf"


# Photos' metadata ---------------------------------------------------------------------


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (33.0, 18.0, 54.0), 3: "E", 4: (44.0, 21.0, 58.0)}  # GPS
    return exif.tobytes()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photos_lose_their_exif_and_gps(fmt):
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(out, fmt, exif=gps_exif())
    with Image.open(io.BytesIO(out.getvalue())) as sent:
        assert sent.getexif().get_ifd(0x8825)  # the photo as sent carries its position
    checked = check_upload(upload(f"photo.{fmt.lower()}", out.getvalue()))
    with Image.open(checked.content) as kept:
        assert kept.size == (16, 16)
        assert dict(kept.getexif()) == {}
        assert "exif" not in kept.info
    assert b"PhoneMaker" not in checked.content.read()


def test_a_photo_turned_by_its_exif_is_kept_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to display
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(out, "JPEG", exif=exif.tobytes())
    checked = check_upload(upload("photo.jpg", out.getvalue()))
    with Image.open(checked.content) as kept:
        assert kept.size == (10, 20)


def test_bytes_that_only_start_like_a_jpeg_are_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("photo.jpg", b"\xff\xd8\xff\xe0 not really an image"))
    assert refused.value.code == "bad_type"


@pytest.mark.django_db
def test_a_stored_photo_has_no_gps_and_its_size_and_digest_are_of_what_is_stored():
    import hashlib

    org = make_org()
    case = make_case(org, files=[upload("IMG_0001.JPG", jpeg_bytes(gps_exif()))])
    attachment = case.attachments.get()
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as kept:
        assert not kept.getexif().get_ifd(0x8825)
    assert attachment.size == len(stored)
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()


# Files on disk ------------------------------------------------------------------------


@pytest.mark.django_db
def test_stored_files_are_0600_in_0700_folders(settings):
    org = make_org()
    case = make_case(org, files=[upload("letter.pdf", PDF)])
    path = Path(case.attachments.get().file.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    folder = path.parent
    while folder != Path(settings.MEDIA_ROOT):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        folder = folder.parent


# Antivirus ----------------------------------------------------------------------------


class FakeClamd:
    """A clamd stand-in on a Unix socket speaking INSTREAM: FOUND when the stream holds the
    EICAR string, OK otherwise. Used where the real clamd is not installed."""

    def __init__(self, path: str):
        self.path = path
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n: int) -> bytes:
        data = b""
        while len(data) < n:
            got = conn.recv(n - len(data))
            if not got:
                raise ConnectionError
            data += got
        return data

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += self._read(conn, 1)
                assert command == b"zINSTREAM\0"
                body = b""
                while size := struct.unpack(">I", self._read(conn, 4))[0]:
                    body += self._read(conn, size)
                self.received.append(body)
                found = b"stream: Eicar-Test-Signature FOUND\0"
                conn.sendall(found if EICAR in body else b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def socket_dir():
    # Unix socket paths are limited to about 100 characters: a short folder, not tmp_path.
    folder = tempfile.mkdtemp(prefix="clamd")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fake_clamd(socket_dir):
    server = FakeClamd(os.path.join(socket_dir, "clamd.sock"))
    yield server
    server.close()


@pytest.fixture
def real_clamd(socket_dir):
    """The real clamd (Debian's clamav-daemon) with a one-signature database of our own: the
    published databases cannot be downloaded here, and a body signature of the EICAR
    string finds it inside any file, as the published one does for a file that is EICAR."""
    binary = shutil.which("clamd") or (
        "/usr/sbin/clamd" if os.path.exists("/usr/sbin/clamd") else None
    )
    if binary is None:
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    base = Path(socket_dir)
    (base / "db").mkdir()
    (base / "db" / "eicar.ndb").write_text(f"Mithaq.Test.EICAR:0:*:{EICAR.hex()}\n")
    sock = base / "clamd.sock"
    (base / "clamd.conf").write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {base / 'db'}\nForeground yes\n"
        f"LogFile {base / 'clamd.log'}\n" + ("User root\n" if os.geteuid() == 0 else "")
    )
    process = subprocess.Popen(  # noqa: S603 (a fixed binary and our own config)
        [binary, "-c", str(base / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not sock.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("clamd did not start: " + (base / "clamd.log").read_text())
            time.sleep(0.05)
        yield str(sock)
    finally:
        process.terminate()
        process.wait(10)


def infected_pdf() -> bytes:
    return PDF + b"%" + EICAR + b"\n"


def test_the_real_clamd_refuses_an_infected_file_and_passes_a_clean_one(real_clamd):
    with override_settings(MITHAQ_CLAMD_SOCKET=real_clamd):
        assert check_upload(upload("clean.pdf", PDF)).kind.extension == "pdf"
        with translation.override("ar"), pytest.raises(ValidationError) as refused:
            check_upload(upload("scan.pdf", infected_pdf()))
    assert refused.value.code == "infected"
    assert "scan.pdf" in refused.value.messages[0]


def test_uploads_go_to_clamd_over_instream_and_an_infected_one_is_refused(fake_clamd):
    big = PDF + b"%" + b"x" * 200_000 + b"\n"  # several INSTREAM chunks
    with override_settings(MITHAQ_CLAMD_SOCKET=fake_clamd.path):
        check_upload(upload("big.pdf", big))
        with pytest.raises(ValidationError) as refused:
            check_upload(upload("scan.pdf", infected_pdf()))
    assert fake_clamd.received == [big, infected_pdf()]
    assert refused.value.code == "infected"


def test_when_clamd_does_not_answer_the_file_is_refused_not_let_through(socket_dir):
    with override_settings(MITHAQ_CLAMD_SOCKET=os.path.join(socket_dir, "absent.sock")):
        with pytest.raises(ValidationError) as refused:
            check_upload(upload("letter.pdf", PDF))
    assert refused.value.code == "scan_unavailable"


@pytest.mark.django_db
def test_an_infected_attachment_leaves_no_case_behind(fake_clamd):
    from mithaq.cases.models import Case

    org = make_org()
    with override_settings(MITHAQ_CLAMD_SOCKET=fake_clamd.path), pytest.raises(ValidationError):
        make_case(org, files=[upload("scan.pdf", infected_pdf())])
    assert not Case.objects.exists()
