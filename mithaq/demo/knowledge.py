"""The demo university's ready answers: canned replies and published questions and answers.

Called by `load_demo`; idempotent: a reply is found by its Arabic title and scope, an entry by
its service and Arabic question, and whatever exists is left as it is."""

from dataclasses import dataclass

from mithaq.knowledge.models import CannedReply, FaqEntry
from mithaq.knowledge.services import save_canned_reply, save_faq_entry


@dataclass(frozen=True)
class DemoReply:
    unit: str | None  # unit code
    service: str | None  # service code
    title_ar: str
    body_ar: str
    title_en: str = ""
    body_en: str = ""


@dataclass(frozen=True)
class DemoQuestion:
    service: str
    position: int
    question_ar: str
    answer_ar: str
    question_en: str = ""
    answer_en: str = ""


REPLIES = [
    DemoReply(
        None,
        None,
        "إشعار باستلام الطلب",
        "السيد/ة {الاسم} المحترم/ة،\nتحية طيبة وبعد،\nنود إعلامكم بأن طلبكم ذا الرقم المرجعي "
        "{المرجع} المستلم بتاريخ {تاريخ_الاستلام} قيد الدراسة لدى {الجهة}، وسنوافيكم بالجواب "
        "في موعد أقصاه {الموعد_المتوقع}.\nمع التقدير،\n{الموظف}",
        "Acknowledgement of your request",
        "Dear {name},\nYour request {reference}, received on {received_date}, is being studied "
        "by {unit}. We will answer by {expected_date} at the latest.\nKind regards,\n{officer}",
    ),
    DemoReply(
        None,
        None,
        "طلب مستمسكات إضافية",
        "السيد/ة {الاسم} المحترم/ة،\nلإكمال طلبكم ذي الرقم {المرجع} نرجو تزويدنا بصورة واضحة من "
        "البطاقة الوطنية الموحدة، ورفعها من صفحة متابعة الطلب على البوابة.\nمع التقدير،\n{الموظف}",
        "Further documents needed",
        "Dear {name},\nTo complete request {reference}, please send a clear copy of your "
        "national ID card from the tracking page of the portal.\nKind regards,\n{officer}",
    ),
    DemoReply(
        "registrar",
        "transcript",
        "كشف الدرجات جاهز للاستلام",
        "السيد/ة {الاسم} المحترم/ة،\nنعلمكم بأن كشف الدرجات الخاص بطلبكم {المرجع} قد صدر، "
        "ويمكنكم استلامه من شباك رقم ٣ في قسم التسجيل وشؤون الطلبة، من الأحد إلى الخميس، من "
        "الساعة ٨:٣٠ صباحاً حتى ١:٣٠ ظهراً، مع إبراز البطاقة الوطنية ووصل دفع الأجور.\n"
        "مع التقدير،\n{الموظف}\n{الجهة}",
        "Your transcript is ready",
        "Dear {name},\nThe transcript of request {reference} is issued. You may collect it from "
        "window 3 of Registration and Student Affairs, Sunday to Thursday, 8:30 to 13:30, with "
        "your national ID card and the fee receipt.\nKind regards,\n{officer}\n{unit}",
    ),
    DemoReply(
        "registrar",
        "graduation-documents",
        "وثيقة التخرج بانتظار براءة الذمة",
        "السيد/ة {الاسم} المحترم/ة،\nلا يمكن إصدار وثيقة التخرج الخاصة بطلبكم {المرجع} قبل "
        "اكتمال استمارة براءة الذمة (المكتبة المركزية، الأقسام الداخلية، الحسابات). نرجو "
        "إكمالها ثم مراجعتنا، وسيُنجز طلب {الخدمة} خلال مدة لا تتجاوز أسبوعين.\n"
        "مع التقدير،\n{الموظف}",
    ),
    DemoReply(
        "registrar",
        "enrolment-certificate",
        "تأييد الاستمرار بالدراسة صادر",
        "السيد/ة {الاسم} المحترم/ة،\nصدر تأييد الاستمرار بالدراسة المطلوب بطلبكم {المرجع} بتاريخ "
        "{اليوم}، ويمكن استلامه من قسم التسجيل وشؤون الطلبة أو إرساله مباشرة إلى الجهة الطالبة "
        "بكتاب رسمي.\nمع التقدير،\n{الموظف}",
    ),
    DemoReply(
        "itc",
        "university-email",
        "إعادة تعيين كلمة مرور البريد الجامعي",
        "السيد/ة {الاسم} المحترم/ة،\nأُعيد تعيين كلمة مرور بريدكم الجامعي، وأُرسلت كلمة مرور "
        "مؤقتة إلى رقم الهاتف المسجل في الحساب. يُطلب منكم تغييرها عند أول دخول. إن لم تصلكم "
        "الرسالة خلال ساعة، راجعوا مركز تقنية المعلومات مع هوية الطالب.\nرقم الطلب: {المرجع}\n"
        "مع التقدير،\n{الموظف}",
        "University email password reset",
        "Dear {name},\nThe password of your university email was reset and a temporary password "
        "was sent to the phone number on the account; you will be asked to change it at the "
        "first sign-in. If it has not arrived within an hour, visit the IT Centre with your "
        "student card.\nRequest: {reference}\nKind regards,\n{officer}",
    ),
    DemoReply(
        "itc",
        "student-portal",
        "تفعيل حساب بوابة الطالب",
        "السيد/ة {الاسم} المحترم/ة،\nفُعّل حسابكم على بوابة الطالب الإلكترونية. اسم المستخدم هو "
        "الرقم الجامعي، وكلمة المرور الأولى هي رقم البطاقة الوطنية. نرجو تغييرها فوراً.\n"
        "مع التقدير،\n{الموظف}",
    ),
    DemoReply(
        "eng",
        None,
        "إحالة إلى اللجنة الامتحانية",
        "السيد/ة {الاسم} المحترم/ة،\nأُحيل طلبكم {المرجع} إلى اللجنة الامتحانية في الكلية "
        "لدراسته، وسيُبلَّغ قراره قبل {الموعد_المتوقع}.\nمع التقدير،\n{الموظف}",
    ),
]

QUESTIONS = [
    DemoQuestion(
        "transcript",
        10,
        "كم يستغرق إصدار كشف الدرجات؟",
        "يصدر كشف الدرجات خلال سبعة أيام عمل من تاريخ تقديم الطلب مكتملاً مع وصل دفع الأجور.",
        "How long does a transcript take?",
        "A transcript is issued within seven working days of a complete request with the fee "
        "receipt.",
    ),
    DemoQuestion(
        "transcript",
        20,
        "هل يمكن إصدار كشف الدرجات باللغة الإنكليزية؟",
        "نعم، يُصدر الكشف باللغة العربية أو الإنكليزية أو كلتيهما، ويُذكر ذلك عند تقديم الطلب. "
        "أجور النسخة الإنكليزية هي نفسها.",
        "Can the transcript be in English?",
        "Yes: in Arabic, English or both; say which when you ask. The English copy costs the same.",
    ),
    DemoQuestion(
        "transcript",
        30,
        "هل يستطيع شخص آخر استلام الكشف نيابة عني؟",
        "نعم، بتخويل خطي موقّع منك مع صورة بطاقتك الوطنية والبطاقة الوطنية للمستلم.",
        "Can someone else collect it for me?",
        "Yes, with a signed authorisation from you, a copy of your national ID card and the "
        "collector's own ID card.",
    ),
    DemoQuestion(
        "graduation-documents",
        10,
        "متى أستطيع استلام وثيقة التخرج؟",
        "بعد صدور الأمر الجامعي بالتخرج واكتمال استمارة براءة الذمة، تصدر الوثيقة خلال أسبوعين.",
        "When can I collect my graduation certificate?",
        "Two weeks after the graduation order is issued and your clearance form is complete.",
    ),
    DemoQuestion(
        "graduation-documents",
        20,
        "ما هي براءة الذمة ومن أين أحصل عليها؟",
        "استمارة تؤكد أنه لا توجد عليك التزامات للمكتبة أو الأقسام الداخلية أو الحسابات. "
        "تُستلم من قسم التسجيل وتوقَّع من كل جهة.",
        "What is the clearance form?",
        "A form confirming you owe nothing to the library, the hostels or the accounts office. "
        "Collect it from the registrar and have each office sign it.",
    ),
    DemoQuestion(
        "university-email",
        10,
        "نسيت كلمة مرور البريد الجامعي، ماذا أفعل؟",
        "اختر «نسيت كلمة المرور» في صفحة الدخول لتصلك رسالة على هاتفك المسجل. إن تغيّر رقمك، "
        "قدّم استفساراً هنا واذكر رقمك الجامعي، أو راجع مركز تقنية المعلومات مع هوية الطالب.",
        "I forgot my university email password",
        "Choose “Forgot password” on the sign-in page to get a text on your registered phone. If "
        "your number changed, ask here with your student number or visit the IT Centre with "
        "your student card.",
    ),
    DemoQuestion(
        "university-email",
        20,
        "متى يُنشأ البريد الجامعي للطلبة الجدد؟",
        "يُنشأ تلقائياً خلال أسبوعين من مباشرة الدوام، ويُرسل اسم المستخدم إلى هاتف الطالب.",
        "When do new students get their email?",
        "It is created within two weeks of the start of term; the user name is sent by text.",
    ),
    DemoQuestion(
        "student-portal",
        10,
        "لا أستطيع الدخول إلى بوابة الطالب",
        "اسم المستخدم هو رقمك الجامعي. إن ظهرت رسالة «الحساب غير مفعّل» فاطلب التفعيل من هذه "
        "الصفحة، ويُفعَّل خلال ثلاثة أيام عمل.",
        "I cannot sign in to the student portal",
        "Your user name is your student number. If it says the account is not active, ask for "
        "activation here; it takes up to three working days.",
    ),
    DemoQuestion(
        "general-inquiries",
        10,
        "ما هي أوقات الدوام الرسمي؟",
        "من الأحد إلى الخميس، من الساعة الثامنة والنصف صباحاً حتى الثانية والنصف ظهراً.",
        "What are the opening hours?",
        "Sunday to Thursday, 8:30 to 14:30.",
    ),
]


def _texts(ar: tuple[str, str], en: tuple[str, str]) -> dict:
    return {"ar": ar, "en": en} if en[0] else {"ar": ar}


def load(*, units: dict, services: dict, author) -> int:
    """Add the demo's replies and questions that are not there yet; return how many."""
    created = 0
    existing = {
        (r.unit_id, r.service_id, t.title)
        for r in CannedReply.objects.prefetch_related("texts")
        for t in r.texts.all()
        if t.language == "ar"
    }
    for spec in REPLIES:
        unit = units[spec.unit] if spec.unit else None
        service = services[spec.service] if spec.service else None
        key = (unit.pk if unit else None, service.pk if service else None, spec.title_ar)
        if key in existing:
            continue
        save_canned_reply(
            actor=author,
            unit=unit,
            service=service,
            texts=_texts((spec.title_ar, spec.body_ar), (spec.title_en, spec.body_en)),
        )
        created += 1
    asked = {
        (e.service_id, t.question)
        for e in FaqEntry.objects.prefetch_related("texts")
        for t in e.texts.all()
        if t.language == "ar"
    }
    for question in QUESTIONS:
        service = services[question.service]
        if (service.pk, question.question_ar) in asked:
            continue
        save_faq_entry(
            actor=author,
            service=service,
            position=question.position,
            is_published=True,
            texts=_texts(
                (question.question_ar, question.answer_ar),
                (question.question_en, question.answer_en),
            ),
        )
        created += 1
    return created
