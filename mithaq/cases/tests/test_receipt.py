"""Reception's receipt (وصل استلام) for a case it registers: the reference, the date and a QR
code of the case's short link."""

import re

from django.urls import reverse

from mithaq.cases.models import Case
from mithaq.testing import make_case


def test_reception_registers_then_prints_the_receipt_with_reference_and_qr(org, login):
    client = login(org.reception)
    case = make_case(org)
    page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    receipt_url = reverse("cases:receipt", args=[case.code])
    assert receipt_url in page
    html = client.get(receipt_url).content.decode()
    assert 'lang="ar" dir="rtl"' in html
    assert "وصل استلام" in html or "Receipt" in html
    assert f'<p class="case-receipt-code" dir="ltr">{case.code}</p>' in html
    assert re.search(r"<svg[^>]*>.*<path", html, re.S), "the QR code is drawn inline"
    assert case.citizen_phone not in html


def test_those_who_register_no_cases_and_other_units_get_404(org, login):
    case = make_case(org)
    url = reverse("cases:receipt", args=[case.code])
    assert login(org.auditor).get(url).status_code == 404
    assert login(org.officer_b).get(url).status_code == 404
    assert Case.objects.filter(pk=case.pk).exists()
