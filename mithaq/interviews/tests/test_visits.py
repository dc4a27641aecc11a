"""Field visits: planned from the default checklist, scored, a finding opened as a case of
its unit, and the Arabic report read back from the PDF with pdftotext."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from mithaq.cases.models import Case
from mithaq.interviews import visits
from mithaq.interviews.models_visits import ChecklistTemplate, Visit


def _readable(text: str) -> str:
    """pdftotext writes the two letters of each lam-alef ligature in visual order (as
    mithaq/reports/tests/test_files.py explains); every other letter in logical order."""
    for alef in "اأإآ":
        text = text.replace("ل" + alef, alef + "ل")
    return text


@pytest.fixture
def visit(org, settings):
    settings.MITHAQ_OFFICE_PHONE = "+9647801234567"
    template = ChecklistTemplate.objects.get(name="زيارة ميدانية لتقييم الخدمات")
    return visits.plan_visit(
        unit=org.college_a,
        template=template,
        planned_for=datetime.date(2026, 12, 10),
        team="مدير المكتب، موظف المتابعة",
        scope="قاعة المراجعين",
        actor=org.office_manager,
    )


def test_a_visit_copies_the_checklists_four_items(visit):
    assert [s.text for s in visit.scores.all()] == [
        "ميثاق الخدمة معلَّق في مكان ظاهر",
        "صندوق الشكاوى والمقترحات متوفر",
        "مكان الانتظار ملائم",
        "لوحات الخدمات تبيّن المستمسكات المطلوبة والرسوم",
    ]


def test_scores_are_from_0_to_5_and_averaged(visit):
    rows = list(visit.scores.all())
    with pytest.raises(ValidationError):
        visits.score_visit(visit=visit, scores={rows[0].pk: (6, "")})
    visits.score_visit(
        visit=visit,
        scores={rows[0].pk: (5, ""), rows[1].pk: (2, "الصندوق مقفل"), rows[2].pk: (None, "")},
    )
    assert visits.average(visit) == 3.5


def test_a_finding_opens_a_case_of_its_unit(org, visit):
    finding = visits.add_finding(
        visit=visit,
        text="لا توجد لوحة بالرسوم في قاعة المراجعين",
        unit=org.dept_a,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
        actor=org.office_manager,
    )
    case = Case.objects.get(pk=finding.case_id)
    assert (case.unit, case.channel, case.subject) == (
        org.dept_a,
        "walk_in",
        "لا توجد لوحة بالرسوم في قاعة المراجعين",
    )
    assert case.clocks.exists()


def test_without_the_offices_phone_or_a_hotline_a_finding_writes_nothing(org, visit, settings):
    settings.MITHAQ_OFFICE_PHONE = ""
    settings.MITHAQ_HOTLINES = ["5555"]  # a short code, not a phone a case can hold
    with pytest.raises(ValidationError) as refused:
        visits.add_finding(
            visit=visit,
            text="x",
            unit=org.dept_a,
            due_date=timezone.localdate(),
            actor=org.office_manager,
        )
    assert refused.value.code == "office_phone"
    assert "MITHAQ_OFFICE_PHONE" in refused.value.messages[0]
    assert not Case.objects.exists()


def test_without_the_offices_phone_the_institutions_hotline_opens_the_case(org, visit, settings):
    settings.MITHAQ_OFFICE_PHONE = ""
    settings.MITHAQ_HOTLINES = ["5555", "07701112233"]
    finding = visits.add_finding(
        visit=visit,
        text="لا يوجد صندوق شكاوى",
        unit=org.dept_a,
        due_date=timezone.localdate(),
        actor=org.office_manager,
    )
    assert finding.case.citizen_phone == "+9647701112233"


def test_the_visits_page_says_the_phone_is_missing_before_the_form(client, org, visit, settings):
    settings.MITHAQ_OFFICE_PHONE = ""
    settings.MITHAQ_HOTLINES = []
    client.force_login(org.office_manager)
    page = client.get(reverse("interview_office:visit", args=[visit.pk])).content.decode()
    assert "MITHAQ_OFFICE_PHONE" in page
    settings.MITHAQ_OFFICE_PHONE = "+9647801234567"
    page = client.get(reverse("interview_office:visit", args=[visit.pk])).content.decode()
    assert "MITHAQ_OFFICE_PHONE" not in page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_the_arabic_report_reads_back_with_pdftotext(org, visit, tmp_path):
    rows = list(visit.scores.all())
    visits.score_visit(visit=visit, scores={rows[1].pk: (2, "الصندوق مقفل")})
    path = tmp_path / "visit.pdf"
    path.write_bytes(visits.report_pdf(visit, language="ar"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = _readable(text)
    assert "كلية الهندسة" in text
    assert "صندوق الشكاوى والمقترحات متوفر" in text
    assert "الصندوق مقفل" in text


def test_the_office_plans_and_scores_a_visit_through_the_pages(client, org, settings):
    settings.MITHAQ_OFFICE_PHONE = "+9647801234567"
    client.force_login(org.office_manager)
    template = ChecklistTemplate.objects.get(name="زيارة ميدانية لتقييم الخدمات")
    response = client.post(
        reverse("interview_office:visits"),
        {
            "unit": org.college_b.pk,
            "template": template.pk,
            "planned_for": "2026-12-20",
            "team": "فريق المكتب",
            "scope": "",
        },
    )
    visit = Visit.objects.get()
    assert response["Location"] == reverse("interview_office:visit", args=[visit.pk])
    first = visit.scores.first()
    client.post(
        reverse("interview_office:visit_score", args=[visit.pk]),
        {f"score-{first.pk}": "4", f"note-{first.pk}": "معلّق عند المدخل"},
    )
    first.refresh_from_db()
    assert (first.score, first.note) == (4, "معلّق عند المدخل")
    # A score out of range changes nothing.
    client.post(
        reverse("interview_office:visit_score", args=[visit.pk]), {f"score-{first.pk}": "9"}
    )
    first.refresh_from_db()
    assert first.score == 4
    pdf = client.get(reverse("interview_office:visit_pdf", args=[visit.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_leadership_reads_a_visit_but_cannot_score_it(client, org, visit):
    client.force_login(org.leader)
    assert client.get(reverse("interview_office:visit", args=[visit.pk])).status_code == 200
    refused = client.post(reverse("interview_office:visit_score", args=[visit.pk]), {})
    assert refused.status_code == 404


# Photos -------------------------------------------------------------------------------------


def test_a_photo_is_kept_and_served_only_as_a_download(client, org, visit, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mithaq.testing import png_bytes

    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(org.office_manager)
    url = reverse("interview_office:visit_photos", args=[visit.pk])
    photo = SimpleUploadedFile("القاعة.png", png_bytes(), "image/png")
    response = client.post(url, {"photos": [photo], "caption": "قاعة الانتظار"})
    assert response.status_code == 302
    kept = visit.photos.get()
    assert (kept.content_type, kept.caption) == ("image/png", "قاعة الانتظار")
    assert "القاعة" not in kept.file.name  # the stored name is ours
    served = client.get(reverse("interview_office:visit_photo", args=[visit.pk, kept.pk]))
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment")
    # Opened by a browser anyway, the file runs nothing (cases.views.attachment_response).
    assert "sandbox" in served["Content-Security-Policy"]
    assert "default-src 'none'" in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content) == png_bytes()
    # Another visit's address for the same photo: 404.
    other = visits.plan_visit(
        unit=org.college_b,
        template=visit.template,
        planned_for=datetime.date(2026, 12, 11),
        team="-",
        scope="",
        actor=org.office_manager,
    )
    wrong = reverse("interview_office:visit_photo", args=[other.pk, kept.pk])
    assert client.get(wrong).status_code == 404


def test_a_file_that_is_not_a_photo_keeps_the_whole_upload_out(
    client, org, visit, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mithaq.testing import PDF, png_bytes

    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(org.office_manager)
    url = reverse("interview_office:visit_photos", args=[visit.pk])
    response = client.post(
        url,
        {
            "photos": [
                SimpleUploadedFile("a.png", png_bytes(), "image/png"),
                SimpleUploadedFile("report.png", PDF, "image/png"),  # a PDF by its bytes
            ]
        },
    )
    assert response.status_code == 400
    assert "is not a photo" in response.content.decode() or "ليس صورة" in response.content.decode()
    assert not visit.photos.exists()


# Each unit's scores over time -------------------------------------------------------------------


def _scored(org, unit, day, scores, template):
    row = visits.plan_visit(
        unit=unit, template=template, planned_for=day, team="-", scope="", actor=org.office_manager
    )
    items = list(row.scores.all())
    visits.score_visit(visit=row, scores={items[i].pk: (s, "") for i, s in enumerate(scores)})


def test_each_units_average_per_month(org, visit, client):
    template = visit.template
    # College A: October 4, 2 (a third item not seen) -> 3.0; November two visits, 5,5 and
    # 1,2,3,4 -> (5+5+1+2+3+4)/6 = 3.33. Medicine: November 0,1 -> 0.5. The visit of the
    # fixture (December) is not scored.
    _scored(org, org.college_a, datetime.date(2026, 10, 5), [4, 2, None], template)
    _scored(org, org.college_a, datetime.date(2026, 11, 2), [5, 5], template)
    _scored(org, org.college_a, datetime.date(2026, 11, 20), [1, 2, 3, 4], template)
    _scored(org, org.college_b, datetime.date(2026, 11, 9), [0, 1], template)
    months, rows = visits.scores_by_unit_and_month(datetime.date(2026, 12, 1), months=3)
    assert months == [
        datetime.date(2026, 10, 1),
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
    ]
    table = {r.unit.code: r.by_month for r in rows}
    assert table == {"eng": [3.0, 3.33, None], "med": [None, 0.5, None]}
    client.force_login(org.auditor)
    with freeze_time("2026-12-06 10:00"):  # the page's twelve months end in December 2026
        page = client.get(reverse("interview_office:visit_trends")).content.decode()
    assert page.count("<h1>") == 1
    assert "كلية الهندسة" in page and "3.33" in page and "0.5" in page
