"""Ready answers in a real browser: a citizen choosing an inquiry on a service sees its
published answers before sending; an officer inserts a canned reply into the reply form,
edits it and sends it; the citizen's tracking page shows it. Screenshots of the editor, the
picker and the public FAQ, in Arabic and English."""

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from mithaq.knowledge.services import save_canned_reply, save_faq_entry
from tests.browser.conftest import sign_in, wait_for_js

pytestmark = pytest.mark.browser

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")
# A busy machine, made certain: the page's short timers fire a second late. What HTMX swaps in
# must listen from the moment it is shown, not only once such a timer has run.
LATE_TIMERS = """
const setTimeoutOnTime = window.setTimeout;
window.setTimeout = function (callback, delay, ...rest) {
  if (delay > 0 && delay < 100) delay += 1000;
  return setTimeoutOnTime.call(window, callback, delay, ...rest);
};
"""


def ready_answers(org):
    save_faq_entry(
        actor=org.office_manager,
        service=org.service_a,
        is_published=True,
        position=1,
        texts={
            "ar": ("كم يستغرق إصدار كشف الدرجات؟", "يصدر الكشف خلال سبعة أيام عمل من تقديم الطلب."),
            "en": ("How long does a transcript take?", "Seven working days from the request."),
        },
    )
    save_faq_entry(
        actor=org.office_manager,
        service=org.service_a,
        is_published=True,
        position=2,
        texts={"ar": ("هل يصدر الكشف بالإنكليزية؟", "نعم، بالعربية أو الإنكليزية أو كلتيهما.")},
    )
    save_faq_entry(
        actor=org.office_manager,
        service=org.service_a,
        texts={"ar": ("مسودة لم تنشر", "لا تظهر للمواطن.")},
    )
    save_canned_reply(
        actor=org.office_manager,
        service=org.service_a,
        texts={
            "ar": (
                "كشف الدرجات جاهز للاستلام",
                "السيد/ة {الاسم} المحترم/ة،\nصدر كشف الدرجات الخاص بطلبكم {المرجع}، ويمكن "
                "استلامه من شباك رقم ٣.\nمع التقدير،\n{الموظف}",
            ),
            "en": (
                "Your transcript is ready",
                "Dear {name},\nThe transcript of request {reference} is ready at window 3.\n"
                "Kind regards,\n{officer}",
            ),
        },
    )


def test_faq_before_an_inquiry_and_a_canned_reply_sent(new_page, org, screenshot):
    ready_answers(org)

    # A citizen asks a question about the transcript service and sees the answers first.
    citizen = new_page(locale="ar")
    citizen.goto("/submit/inquiry/")
    assert citizen.locator(".faq-hint a").count() == 1  # the link, without JavaScript
    # The unit's service list comes late: until it has come, the whole list (which also holds
    # the service) cannot be used, so a choice made in it is never lost when the new one lands.
    held = []
    citizen.route("**/submit/services/**", lambda route: held.append(route))
    citizen.select_option("#id_unit", str(org.dept_a.pk))
    for _ in range(500):
        if held:
            break
        citizen.wait_for_timeout(20)
    assert len(held) == 1
    assert citizen.locator("#id_service").is_disabled()
    assert citizen.locator(f"#id_service option[value='{org.service_a.pk}']").count() == 1
    held[0].continue_()
    citizen.unroute("**/submit/services/**")
    citizen.select_option("#id_service", str(org.service_a.pk))
    assert citizen.locator("#id_service optgroup").count() == 0  # the unit's own list
    panel = citizen.locator("#faq-panel .faq-before-submit")
    panel.wait_for()
    assert "كم يستغرق إصدار كشف الدرجات؟" in panel.inner_text()
    assert "مسودة لم تنشر" not in panel.inner_text()
    panel.locator("summary").first.click()
    assert "سبعة أيام عمل" in panel.inner_text()
    screenshot(citizen, "ready-answers-01-portal-faq-ar")

    # The answer does not cover their case: they send the question anyway.
    citizen.fill("#id_subject", "استلام كشف الدرجات بالإنكليزية")
    citizen.fill("#id_body", "قدّمت طلب كشف درجات بالإنكليزية قبل أسبوعين، متى أستلمه؟")
    citizen.fill("#id_citizen_name", "زينب حسن")
    citizen.fill("#id_citizen_phone", "07701234568")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url("**/submit/done/")
    code = CODE.search(citizen.locator(".reference").inner_text()).group(0)

    # The officer, in the composer under the conversation, picks the canned reply and edits
    # it before sending.
    officer = new_page(locale="ar")
    sign_in(officer, org.officer_a)
    officer.goto(f"/staff/cases/{code}/")
    hook = officer.locator("#composer details.canned-hook")
    hook.wait_for()
    # The form came by HTMX: open the hook once htmx listens on it (a toggle before is lost).
    wait_for_js(
        officer,
        "document.querySelector('#composer details.canned-hook > div')"
        "['htmx-internal-data'] !== undefined",
    )
    hook.locator("summary").click()
    item = hook.locator(".canned-list li").first
    item.wait_for()
    assert "كشف الدرجات جاهز للاستلام" in item.inner_text()
    # Searching the ready answers: posted, never in an address.
    requested = []
    officer.on("request", lambda request: requested.append(request.url))
    search = hook.locator("input[type=search]")
    listed = "document.querySelectorAll('#composer details.canned-hook .canned-list li')"
    search.fill("مختبر")
    wait_for_js(officer, f"{listed}.length === 0")
    search.fill("الدرجات")
    wait_for_js(officer, f"{listed}.length > 0")
    assert "كشف الدرجات جاهز للاستلام" in item.inner_text()
    assert not [u for u in requested if "q=" in u or "%D8" in u]
    screenshot(officer, "ready-answers-02-picker-ar")
    item.locator("button.canned-insert").click()
    textarea = officer.locator("#id_reply-body")
    wait_for_js(officer, "document.querySelector('#id_reply-body').value.includes('زينب حسن')")
    text = textarea.input_value()
    assert code in text and "علي المدني" in text and "{" not in text
    textarea.fill(text.replace("شباك رقم ٣", "شباك رقم ٣ (النسخة الإنكليزية)"))
    screenshot(officer, "ready-answers-03-reply-filled-ar")
    officer.locator("#composer form button[value='']").click()
    officer.wait_for_selector(".flash")
    assert "النسخة الإنكليزية" in officer.locator(".timeline").first.inner_text()

    # The citizen's tracking page shows the reply.
    citizen.goto("/track/")
    citizen.fill("#id_code", code)
    citizen.fill("#id_contact", "07701234568")
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(f"**/track/{code}/")
    main = citizen.locator("main").inner_text()
    assert "صدر كشف الدرجات الخاص بطلبكم" in main and "النسخة الإنكليزية" in main
    screenshot(citizen, "ready-answers-04-citizen-sees-reply-ar")


def open_reply_on_a_busy_machine(new_page, org):
    from mithaq.testing import make_case

    ready_answers(org)
    case = make_case(org, service=org.service_a)
    officer = new_page(locale="ar")
    sign_in(officer, org.office_manager)
    officer.add_init_script(LATE_TIMERS)
    officer.goto(f"/staff/cases/{case.code}/")
    return officer, officer.locator("#composer details.canned-hook")


PICKED = "document.querySelectorAll('#composer details.canned-hook .canned-list li').length"


def test_the_picker_hears_a_search_typed_as_soon_as_its_list_shows(new_page, org):
    """The CI failure: "مختبر" typed into the picker's search the moment its list showed was
    never searched (HTMX had not yet set the search form up), and the whole list stayed."""
    officer, hook = open_reply_on_a_busy_machine(new_page, org)
    hook.wait_for()
    wait_for_js(
        officer,
        "document.querySelector('#composer details.canned-hook > div')"
        "['htmx-internal-data'] !== undefined",
    )
    hook.locator("summary").click()
    hook.locator(".canned-list li").first.wait_for()
    hook.locator("input[type=search]").fill("مختبر")
    wait_for_js(officer, f"{PICKED} === 0", timeout=5_000)
    hook.locator("input[type=search]").fill("الدرجات")
    wait_for_js(officer, f"{PICKED} > 0", timeout=5_000)
    assert "كشف الدرجات جاهز للاستلام" in hook.locator(".canned-list").inner_text()


def test_the_picker_opens_as_soon_as_the_reply_form_shows(new_page, org):
    """The journey's earlier failure: the picker opened the moment the reply form showed
    stayed closed (its toggle came before HTMX listened for it)."""
    officer, hook = open_reply_on_a_busy_machine(new_page, org)
    hook.locator("summary").click()
    wait_for_js(officer, f"{PICKED} > 0", timeout=5_000)


def test_the_picker_keeps_the_last_searchs_answer_only(new_page, org):
    """A slow answer to an older search neither holds up the newer one nor replaces it."""
    from mithaq.testing import make_case

    ready_answers(org)
    case = make_case(org, service=org.service_a)
    officer = new_page(locale="ar")
    sign_in(officer, org.office_manager)
    officer.goto(f"/staff/cases/{case.code}/")
    hook = officer.locator("#composer details.canned-hook")
    hook.locator("summary").click()
    hook.locator(".canned-list li").first.wait_for()
    held = []
    officer.route(
        "**/staff/knowledge/cases/**",
        lambda route: held.append(route) if not held else route.continue_(),
    )
    search = hook.locator("input[type=search]")
    search.fill("الدرجات")
    for _ in range(500):
        if held:
            break
        officer.wait_for_timeout(20)
    assert len(held) == 1 and held[0].request.method == "POST"
    search.fill("مختبر")
    wait_for_js(officer, f"{PICKED} === 0", timeout=5_000)
    with contextlib.suppress(PlaywrightError):  # dropped by the page: nothing to answer
        held[0].continue_()
    officer.wait_for_timeout(500)
    assert officer.evaluate(PICKED) == 0


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_editor_picker_and_public_faq_screens(new_page, org, screenshot, locale):
    from mithaq.testing import make_case

    ready_answers(org)
    case = make_case(org, service=org.service_a, citizen_language=locale)

    manager = new_page(locale=locale)
    sign_in(manager, org.office_manager)
    manager.goto("/staff/knowledge/")
    assert manager.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
    screenshot(manager, f"ready-answers-list-{locale}")
    manager.locator("table.replies a").first.click()
    manager.fill("#id_body_ar", manager.locator("#id_body_ar").input_value() + " {هاتف}")
    manager.locator("form.reply-editor button[type=submit]").click()
    manager.locator(".unknown-placeholders").wait_for()
    screenshot(manager, f"ready-answers-editor-{locale}")

    manager.goto("/staff/knowledge/faq/")
    assert manager.locator("table tbody tr").count() == 3
    screenshot(manager, f"ready-answers-faq-list-{locale}")
    manager.locator("table tbody a").first.click()
    assert manager.locator("#id_question_ar").input_value()
    screenshot(manager, f"ready-answers-faq-editor-{locale}")

    manager.goto(f"/staff/cases/{case.code}/")
    manager.locator("#composer details.canned-hook summary").click()
    manager.locator("#composer .canned-list li").first.wait_for()
    first = manager.locator("#composer .canned-list li").first
    # The citizen's language comes first.
    assert first.get_attribute("lang") == locale
    screenshot(manager, f"ready-answers-picker-{locale}")

    citizen = new_page(locale=locale)
    citizen.goto("/faq/")
    citizen.locator(f"a[href='/faq/{org.service_a.code}/']").click()
    citizen.wait_for_url(f"**/faq/{org.service_a.code}/")
    assert citizen.locator("details.faq-item").count() == 2
    screenshot(citizen, f"ready-answers-public-faq-{locale}")
