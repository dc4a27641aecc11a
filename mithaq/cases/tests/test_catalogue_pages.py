"""The public catalogue: grouped by unit, searched with the inbox's Arabic spelling rules,
each service's page with its details, and inactive services kept off the list."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mithaq.catalog.models import (
    Actor,
    DocumentForm,
    Fee,
    RequiredDocument,
    Service,
    ServiceFaq,
    ServiceStep,
    ServiceVersion,
)


@pytest.fixture
def catalogue(org):
    officials = Service.objects.create(
        unit=org.dept_a,
        code="affairs-letter",
        name_ar="كتاب تأييد من شؤون الطلبة",
        name_en="Letter from student affairs",
    )
    equivalence = Service.objects.create(
        unit=org.dept_b,
        code="equivalence",
        name_ar="معادلة الشهادة",
        name_en="Certificate equivalence",
        description_ar="لحملة الشهادات الأجنبية",
        description_en="For holders of foreign certificates",
    )
    gone = Service.objects.create(
        unit=org.dept_b,
        code="old-service",
        name_ar="خدمة ملغاة",
        name_en="Retired service",
        is_active=False,
    )
    return {"letter": officials, "equivalence": equivalence, "gone": gone}


def listed(client, query=None) -> str:
    params = {"q": query} if query is not None else {}
    return client.get(reverse("catalogue:list"), params).content.decode()


def test_list_groups_services_under_their_units(client, org, catalogue):
    client.cookies["django_language"] = "en"
    html = listed(client)
    # Units in tree order (engineering before medicine), each with its own services.
    civil, surgery = html.index("Civil Engineering"), html.index("Surgery")
    assert civil < html.index("Letter from student affairs") < surgery
    assert surgery < html.index("Certificate equivalence")
    assert html.count("<h1") == 1


def test_inactive_service_leaves_the_list_but_keeps_its_page(client, org, catalogue):
    client.cookies["django_language"] = "en"
    assert "Retired service" not in listed(client)
    page = client.get(reverse("catalogue:service", args=["old-service"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "no longer takes new applications" in html
    assert "Apply online" not in html


def test_unknown_service_is_404(client, org):
    assert client.get(reverse("catalogue:service", args=["no-such"])).status_code == 404


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # The inbox's rules: hamza seats (شئون / شؤون), the article, ta marbuta, alef forms.
        ("شئون", "affairs-letter"),
        ("الشؤون", "affairs-letter"),
        ("شهاده", "equivalence"),
        ("معادله الشهادة", "equivalence"),
        ("اجنبية", "equivalence"),
        ("Equivalence", "equivalence"),
        ("foreign", "equivalence"),
    ],
)
def test_search_follows_the_inbox_spelling_rules(client, org, catalogue, query, found):
    html = listed(client, query)
    assert reverse("catalogue:service", args=[found]) in html
    others = {"affairs-letter", "equivalence"} - {found}
    for other in others:
        assert reverse("catalogue:service", args=[other]) not in html


def test_search_without_a_match_says_so(client, org, catalogue):
    client.cookies["django_language"] = "en"
    assert "No service matches your search." in listed(client, "زراعة")


def test_service_page_shows_documents_fees_steps_and_faq(client, org):
    service = org.service_a
    version = ServiceVersion.objects.create(
        service=service,
        effective_from=datetime.date(2020, 1, 1),
        who_may_apply_ar="طلبة القسم وخريجوه",
        who_may_apply_en="Students and graduates of the department",
        apply_by_letter=True,
    )
    RequiredDocument.objects.create(
        version=version,
        position=1,
        name_ar="هوية الطالب",
        name_en="Student ID card",
        form=DocumentForm.ORIGINAL,
        count=1,
    )
    RequiredDocument.objects.create(
        version=version,
        position=2,
        name_ar="صورة شخصية",
        name_en="Passport photo",
        form=DocumentForm.COPY,
        count=2,
        notes_en="White background",
        is_required=False,
    )
    Fee.objects.create(
        version=version,
        label_ar="رسم الإصدار",
        label_en="Issue fee",
        amount=Decimal("25000"),
        currency="IQD",
        exemptions_en="Martyrs' families",
        how_to_pay_en="At the college's accounts window",
    )
    ServiceStep.objects.create(
        version=version,
        position=1,
        actor=Actor.APPLICANT,
        text_ar="يقدم الطلب",
        text_en="Hand in the request",
    )
    ServiceStep.objects.create(
        version=version,
        position=2,
        actor=Actor.UNIT,
        text_ar="يدقق القسم",
        text_en="The department checks the record",
    )
    ServiceFaq.objects.create(
        version=version,
        question_ar="س",
        question_en="Can someone else collect it?",
        answer_ar="ج",
        answer_en="Yes, with a signed authorisation.",
    )
    client.cookies["django_language"] = "en"
    html = client.get(reverse("catalogue:service", args=[service.code])).content.decode()
    for text in [
        "Students and graduates of the department",
        "Student ID card",
        "Original",
        "Passport photo",
        "White background",
        "(optional)",
        "<bdi>25,000</bdi> Iraqi dinar",
        "Martyrs&#x27; families",
        "At the college&#x27;s accounts window",
        "Can someone else collect it?",
        "By an official letter to the unit.",
    ]:
        assert text in html, text
    assert html.index("Hand in the request") < html.index("The department checks the record")
    assert "Free" not in html
    assert f"?service={service.code}" in html  # apply online
    assert reverse("walkin:take_ticket", args=[service.code]) in html


def test_a_zero_fee_reads_free(client, org):
    version = ServiceVersion.objects.create(
        service=org.service_a, effective_from=datetime.date(2020, 1, 1)
    )
    Fee.objects.create(version=version, label_ar="رسم", label_en="Fee", amount=Decimal("0"))
    client.cookies["django_language"] = "ar"
    html = client.get(reverse("catalogue:service", args=[org.service_a.code])).content.decode()
    assert "مجانًا" in html


def test_portal_home_kiosk_and_inquiry_form_link_to_the_catalogue(client, org):
    from mithaq.walkin.testing import hall_world

    world = hall_world(org)
    url = reverse("catalogue:list")
    assert url in client.get(reverse("portal:home")).content.decode()
    assert url in client.get(reverse("portal:submit", args=["inquiry"])).content.decode()
    assert url in client.get(reverse("walkin:kiosk", args=[world["hall"]])).content.decode()


def test_take_a_ticket_opens_the_kiosk_of_a_hall_serving_it(client, org):
    from mithaq.walkin.testing import hall_world

    world = hall_world(org)
    response = client.get(reverse("walkin:take_ticket", args=[org.service_a.code]))
    assert response["Location"] == (
        reverse("walkin:kiosk", args=[world["hall"]]) + f"#service-{org.service_a.code}"
    )
    # No hall serves the other service.
    assert client.get(reverse("walkin:take_ticket", args=[org.service_b.code])).status_code == 404


def test_list_links_every_active_service_to_its_page(client, org, catalogue):
    """The list writes each link from its own address and the code: the same address
    reverse() gives, for every active service and no other; each name in the page's
    language, a description in the other language when the page's is empty."""
    import re

    Service.objects.filter(pk=catalogue["equivalence"].pk).update(description_en="")
    client.cookies["django_language"] = "en"
    html = listed(client)
    links = set(re.findall(r'<li><a href="([^"]+)">', html))
    expected = {
        reverse("catalogue:service", args=[code])
        for code in Service.objects.active().values_list("code", flat=True)
    }
    assert links == expected
    assert reverse("catalogue:service", args=["old-service"]) not in links
    assert "Letter from student affairs" in html and "كتاب تأييد" not in html
    assert "لحملة الشهادات الأجنبية" in html  # no English description: the Arabic one
    client.cookies["django_language"] = "ar"
    html = listed(client)
    assert "كتاب تأييد من شؤون الطلبة" in html and "Letter from student affairs" not in html
    assert org.dept_a.name_ar in html


def test_service_page_reads_the_version_in_effect_in_its_own_order(
    client, org, django_assert_num_queries
):
    """The version in effect today (not an older nor a later one), its lists in their
    positions whatever order they were made in; once loaded, read without a query."""
    service = org.service_a
    today = timezone.localdate()
    older, current, later = (
        ServiceVersion.objects.create(service=service, effective_from=day)
        for day in (
            today - datetime.timedelta(days=400),
            today - datetime.timedelta(days=10),
            today + datetime.timedelta(days=30),
        )
    )
    for version, label in ((older, "older"), (current, "current"), (later, "later")):
        ServiceStep.objects.create(
            version=version, position=2, actor=Actor.UNIT, text_ar="ب", text_en=f"{label} second"
        )
        ServiceStep.objects.create(
            version=version,
            position=1,
            actor=Actor.APPLICANT,
            text_ar="أ",
            text_en=f"{label} first",
        )
    client.cookies["django_language"] = "en"
    url = reverse("catalogue:service", args=[service.code])
    client.get(url)
    with django_assert_num_queries(0):  # the process's copy (mithaq.catalog.public)
        html = client.get(url).content.decode()
    assert html.index("current first") < html.index("current second")
    assert "older" not in html and "later" not in html
