"""Field visits: planned from the default checklist, scored, a finding opened as a case of
its unit, and the Arabic report read back from the PDF with pdftotext."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mithaq.cases.models import Case
from mithaq.interviews import visits
from mithaq.interviews.models_visits import ChecklistTemplate


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


def test_without_the_offices_phone_a_finding_writes_nothing(org, visit, settings):
    settings.MITHAQ_OFFICE_PHONE = ""
    with pytest.raises(ValidationError):
        visits.add_finding(
            visit=visit,
            text="x",
            unit=org.dept_a,
            due_date=timezone.localdate(),
            actor=org.office_manager,
        )
    assert not Case.objects.exists()


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
