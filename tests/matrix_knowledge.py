"""Access-matrix rows of ready answers (mithaq/knowledge): canned replies, the picker on a
case, the FAQ editor and the public questions and answers."""

from mithaq.knowledge.services import save_canned_reply, save_faq_entry
from tests.access_personas import STAFF, everyone, only

# Editing unit A's ready answers: the office manager and the manager of college A above it.
EDITORS_A = only(200, "office_manager", "manager_college_a")
# Replying on unit A's case (reception only notes; auditors only read).
REPLIERS_A = only(200, "officer_a", "office_manager", "manager_college_a")


def extend_world(world):
    org = world["org"]
    reply = save_canned_reply(
        actor=org.office_manager,
        unit=org.dept_a,
        texts={"ar": ("كشف الدرجات جاهز", "السيد {الاسم}، كشفك جاهز.")},
    )
    entry = save_faq_entry(
        actor=org.office_manager,
        service=org.service_a,
        is_published=True,
        texts={"ar": ("كم يستغرق الكشف؟", "سبعة أيام عمل.")},
    )
    world["canned_reply"] = reply.pk
    world["canned_text"] = reply.texts.get().pk
    world["faq_entry"] = entry.pk
    world["faq_service"] = org.service_a.code


MATRIX = {
    "knowledge:replies": ("get", lambda w: [], STAFF),
    "knowledge:reply_new": ("get", lambda w: [], EDITORS_A),
    "knowledge:reply_edit": ("get", lambda w: [w["canned_reply"]], EDITORS_A),
    # Putting a reply away sends its editor back to it.
    "knowledge:reply_active": (
        "post",
        lambda w: [w["canned_reply"]],
        {p: 302 if s == 200 else s for p, s in EDITORS_A.items()},
    ),
    "knowledge:picker": ("get", lambda w: [w["code"], "reply"], REPLIERS_A),
    "knowledge:insert": ("post", lambda w: [w["code"], "reply", w["canned_text"]], REPLIERS_A),
    "knowledge:faq": ("get", lambda w: [], STAFF),
    "knowledge:faq_new": ("get", lambda w: [], EDITORS_A),
    "knowledge:faq_edit": ("get", lambda w: [w["faq_entry"]], EDITORS_A),
    # Public: the same for everyone, signed in or not.
    "faq:index": ("get", lambda w: [], everyone(200)),
    "faq:service": ("get", lambda w: [w["faq_service"]], everyone(200)),
    # Without HTMX, the panel's address sends the reader to the FAQ pages.
    "faq:for_submit": ("get", lambda w: [], everyone(302)),
}
