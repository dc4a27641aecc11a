"""The demo university's charter text for the public charter page (mithaq/reports).

Called by `load_demo`; idempotent: a text the office already wrote is left as it is."""

from mithaq.reports.models import CharterText
from mithaq.reports.services import save_charter_text

TEXT_AR = """من حقك أن تُستقبل باحترام، وأن تُقدّم شكواك أو طلبك بأي قناة تناسبك، وأن تحصل فوراً على رقم مرجعي تتابع به معاملتك.

من حقك أن تعرف الموعد الذي نلتزم فيه بالإجابة، وأن تُبلَّغ بكل مرحلة تمر بها معاملتك، وأن تطلب إبقاء هويتك سرية.

ومن واجبك أن تقدّم بيانات صحيحة، وأن تُبقي رقم هاتفك وبريدك محدَّثين، وأن تُجيب عمّا نطلبه منك من معلومات."""

TEXT_EN = """You have the right to be received with respect, to bring your complaint or request by any channel that suits you, and to receive at once a reference with which to follow your case.

You have the right to know when we commit to answer, to be told of every step your case takes, and to ask that your identity be kept confidential.

It is your duty to give true information, to keep your phone number and email current, and to answer what we ask of you."""


def load(*, author) -> int:
    if CharterText.objects.filter(pk=1).exists():
        return 0
    save_charter_text(actor=author, text_ar=TEXT_AR, text_en=TEXT_EN)
    return 1
