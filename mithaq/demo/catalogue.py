"""The demo university's service catalogue: what each service asks (documents, fees in
Iraqi dinars, steps, who may apply, eligibility, FAQ), in Arabic and English, as one version
in effect for a year. Services the demo did not have yet are added with their commitment."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mithaq.catalog.models import (
    Actor,
    DocumentForm,
    Fee,
    RequiredDocument,
    Service,
    ServiceFaq,
    ServiceQuestion,
    ServiceStep,
    ServiceVersion,
)
from mithaq.catalog.services import services_changed
from mithaq.routing import calendar as working
from mithaq.routing.models import Commitment, DurationUnit, Target

ORIG, C, OC, CC = (
    DocumentForm.ORIGINAL,
    DocumentForm.COPY,
    DocumentForm.ORIGINAL_AND_COPY,
    DocumentForm.CERTIFIED_COPY,
)
A, W, U, OF, X = Actor.APPLICANT, Actor.WINDOW, Actor.UNIT, Actor.OFFICE, Actor.OTHER

DECLARATION = (
    "أقرّ بأن المعلومات والمستمسكات التي قدّمتها صحيحة، وأتحمّل المسؤولية القانونية عن خلاف ذلك.",
    "I declare that the information and documents I have given are true, and I bear the legal "
    "responsibility if they are not.",
)

# Documents many services ask for: (Arabic, English, form, count, required, notes ar, notes en)
ID_CARD = ("البطاقة الوطنية الموحدة", "Unified national ID card", OC, 1, True, "", "")
STUDENT_ID = ("هوية الطالب الجامعية", "University student ID", ORIG, 1, True, "", "")
PHOTO = (
    "صورة شخصية ملونة حديثة",
    "Recent colour photograph",
    C,
    2,
    True,
    "بخلفية بيضاء",
    "White background",
)
RECEIPT = (
    "وصل دفع الرسم",
    "Fee payment receipt",
    ORIG,
    1,
    True,
    "من شباك الحسابات",
    "From the accounts window",
)
PAY_AT_ACCOUNTS = (
    "نقدًا عند شباك الحسابات في رئاسة الجامعة أو بالدفع الإلكتروني",
    "In cash at the accounts window of the presidency, or by electronic payment",
)
EXEMPT_MARTYRS = (
    "ذوو الشهداء والسجناء السياسيون بكتاب من مؤسستهم",
    "Families of martyrs and political prisoners, with a letter from their foundation",
)


@dataclass(frozen=True)
class DemoCatalogueEntry:
    code: str
    unit: str  # an existing demo unit's code
    names: tuple[str, str]
    who: tuple[str, str]
    documents: tuple = ()
    # (label ar, label en, amount in IQD, exemptions (ar, en) or None)
    fees: tuple = ()
    steps: tuple = ()  # (actor, ar, en)
    questions: tuple = ()  # (question ar, question en, eligible answer, refusal ar, refusal en)
    faqs: tuple = ()  # (question ar, question en, answer ar, answer en)
    online: bool = True
    window: bool = True
    letter: bool = False
    min_days: int | None = None
    file_clock: bool = False
    # A service new to the demo gets this description and its own commitment (working days).
    description: tuple[str, str] = ("", "")
    days: int | None = None
    where: tuple[str, str] = field(
        default=(
            "شباك قسم التسجيل في قاعة المراجعين، الطابق الأرضي من رئاسة الجامعة",
            "The registrar's window in the visitors' hall, ground floor of the presidency",
        )
    )


STANDARD_STEPS = (
    (
        A,
        "يقدّم الطلب إلكترونيًا أو عند الشباك مع المستمسكات",
        "Apply online or at the window with the documents",
    ),
    (
        W,
        "يدقق موظف الشباك المستمسكات ويطابقها مع الأصول",
        "The window checks the documents against the originals",
    ),
    (A, "يدفع الرسم ويسلّم الوصل", "Pay the fee and hand in the receipt"),
    (
        U,
        "تُنجز الجهة الطلب وتُرسل رسالة عند الجاهزية",
        "The unit completes the request and sends a message when ready",
    ),
    (A, "يستلم الوثيقة من الشباك بالهوية", "Collect the document at the window with your ID"),
)

ENTRIES = [
    DemoCatalogueEntry(
        "transcript",
        "registrar",
        ("إصدار كشف الدرجات", "Transcript of grades"),
        ("الطلبة الحاليون والخريجون", "Current students and graduates"),
        documents=(STUDENT_ID, ID_CARD, RECEIPT),
        fees=(("رسم إصدار كشف الدرجات", "Transcript fee", 25000, EXEMPT_MARTYRS),),
        steps=STANDARD_STEPS,
        questions=(
            (
                "هل أكملت فصلًا دراسيًا واحدًا في الأقل؟",
                "Have you completed at least one semester?",
                True,
                "لا يصدر كشف درجات قبل إعلان نتائج الفصل الأول. اطلب تأييد استمرار بالدوام بدلًا منه.",
                "No transcript is issued before the first semester's results. Ask for a continuation-of-study letter instead.",
            ),
        ),
        faqs=(
            (
                "هل يستلم الكشف شخص آخر؟",
                "Can someone else collect it?",
                "نعم، بوكالة مصدقة أو تخويل موقّع مع هوية المخوَّل.",
                "Yes, with a certified power of attorney or a signed authorisation and the person's ID.",
            ),
        ),
    ),
    DemoCatalogueEntry(
        "graduation-documents",
        "registrar",
        ("وثيقة التخرج والشهادة", "Graduation certificate and documents"),
        (
            "الخريجون بعد صدور الأمر الجامعي بالتخرج",
            "Graduates, once the university's graduation order is issued",
        ),
        documents=(
            ID_CARD,
            PHOTO,
            (
                "براءة الذمة",
                "Clearance form",
                ORIG,
                1,
                True,
                "موقعة من المكتبة والأقسام الداخلية",
                "Signed by the library and the hostels",
            ),
            RECEIPT,
        ),
        fees=(
            ("رسم الوثيقة", "Certificate fee", 50000, None),
            ("رسم التصديق لكل نسخة", "Authentication, per copy", 10000, None),
        ),
        steps=STANDARD_STEPS,
        min_days=10,
        file_clock=True,
        questions=(
            (
                "هل صدر الأمر الجامعي بتخرجك؟",
                "Has the university's graduation order for you been issued?",
                True,
                "لا تصدر الوثيقة قبل الأمر الجامعي. اطلب تأييد تخرج مؤقتًا من قسمك.",
                "The certificate comes after the graduation order. Ask your department for a provisional graduation letter.",
            ),
        ),
    ),
    DemoCatalogueEntry(
        "enrolment-certificate",
        "registrar",
        ("تأييد استمرار بالدوام", "Continuation-of-study letter"),
        (
            "الطلبة المسجلون في السنة الدراسية الحالية",
            "Students registered in the current academic year",
        ),
        documents=(STUDENT_ID,),
        fees=(("رسم التأييد", "Letter fee", 0, None),),
        steps=(
            (
                A,
                "يقدّم الطلب ويذكر الجهة المعنون إليها",
                "Apply and name the body the letter is addressed to",
            ),
            (
                U,
                "يُصدر قسم التسجيل التأييد موقعًا ومختومًا",
                "The registrar issues the signed and stamped letter",
            ),
            (
                A,
                "يستلمه من الشباك أو يُرسل إليه إلكترونيًا",
                "Collect it at the window or receive it by email",
            ),
        ),
    ),
    DemoCatalogueEntry(
        "document-verification",
        "registrar",
        ("صحة صدور الوثائق الدراسية", "Verification of academic documents"),
        ("الجهات الحكومية والخريجون", "Government bodies and graduates"),
        documents=(
            ("كتاب الجهة الطالبة", "Letter from the requesting body", ORIG, 1, True, "", ""),
            (
                "نسخة من الوثيقة المراد تأييدها",
                "Copy of the document to verify",
                C,
                1,
                True,
                "",
                "",
            ),
        ),
        fees=(("رسم صحة الصدور", "Verification fee", 15000, None),),
        steps=(
            (
                X,
                "ترسل الجهة الطالبة كتابها إلى الجامعة",
                "The requesting body writes to the university",
            ),
            (
                U,
                "يطابق قسم التسجيل الوثيقة مع السجلات",
                "The registrar checks the document against the records",
            ),
            (U, "يُرسل الجواب بكتاب رسمي إلى الجهة", "The answer goes back by official letter"),
        ),
        letter=True,
    ),
    DemoCatalogueEntry(
        "hostels",
        "registrar",
        ("السكن في الأقسام الداخلية", "Student hostels"),
        ("طلبة الدراسات الأولية من خارج المحافظة", "Undergraduates from outside the province"),
        documents=(
            STUDENT_ID,
            ID_CARD,
            ("بطاقة السكن", "Residence card", OC, 1, True, "", ""),
            PHOTO,
        ),
        fees=(("بدل السكن السنوي", "Yearly hostel charge", 100000, EXEMPT_MARTYRS),),
        steps=STANDARD_STEPS[:4],
        questions=(
            (
                "هل تسكن خارج محافظة الجامعة؟",
                "Do you live outside the university's province?",
                True,
                "الأقسام الداخلية لطلبة المحافظات الأخرى. يمكنك طلب بدل نقل من شؤون الطلبة.",
                "The hostels are for students from other provinces. You may ask student affairs for a transport allowance.",
            ),
        ),
    ),
    DemoCatalogueEntry(
        "study-deferral",
        "registrar",
        ("تأجيل الدراسة", "Deferral of study"),
        ("الطلبة المسجلون لمرة واحدة في المرحلة", "Registered students, once per stage"),
        documents=(
            STUDENT_ID,
            (
                "المستند المؤيد للعذر",
                "Document supporting the reason",
                ORIG,
                1,
                True,
                "تقرير طبي أو كتاب رسمي",
                "A medical report or an official letter",
            ),
        ),
        fees=(("رسم التأجيل", "Deferral fee", 0, None),),
        steps=(
            (A, "يقدّم الطلب قبل بدء الامتحانات النهائية", "Apply before the final exams begin"),
            (U, "يدرس مجلس الكلية الطلب", "The college council considers the request"),
            (U, "يصدر الأمر الجامعي بالتأجيل", "The university order of deferral is issued"),
        ),
        min_days=10,
    ),
    DemoCatalogueEntry(
        "university-email",
        "itc",
        ("البريد الإلكتروني الجامعي", "University email account"),
        ("الطلبة والتدريسيون والموظفون", "Students, faculty and staff"),
        documents=(STUDENT_ID,),
        fees=(),
        steps=(
            (A, "يقدّم الطلب إلكترونيًا", "Apply online"),
            (
                U,
                "ينشئ مركز تقنية المعلومات الحساب ويرسل كلمة المرور برسالة",
                "The IT centre creates the account and texts the password",
            ),
        ),
        window=False,
        where=("إلكترونيًا فقط", "Online only"),
    ),
    DemoCatalogueEntry(
        "student-portal",
        "itc",
        ("حساب بوابة الطالب", "Student portal account"),
        ("الطلبة المسجلون", "Registered students"),
        documents=(STUDENT_ID,),
        fees=(),
        steps=(
            (A, "يطلب إعادة تعيين كلمة المرور", "Ask for a password reset"),
            (U, "يعيد المركز تفعيل الحساب", "The IT centre reactivates the account"),
        ),
    ),
    DemoCatalogueEntry(
        "eng-course-registration",
        "eng",
        ("التسجيل على المقررات", "Course registration"),
        ("طلبة كلية الهندسة", "Students of the College of Engineering"),
        documents=(STUDENT_ID,),
        fees=(),
        steps=(
            (A, "يختار المقررات في بوابة الطالب", "Choose the courses on the student portal"),
            (U, "يوافق المرشد الأكاديمي", "The academic adviser approves"),
        ),
    ),
    DemoCatalogueEntry(
        "eng-civil-lab-tests",
        "eng-civil",
        ("الفحوصات المختبرية للجهات الخارجية", "Laboratory tests for outside bodies"),
        ("الشركات والدوائر الحكومية", "Companies and government departments"),
        documents=(
            ("كتاب الجهة الطالبة", "Letter from the requesting body", ORIG, 1, True, "", ""),
            (
                "النماذج المراد فحصها",
                "The samples to test",
                ORIG,
                3,
                True,
                "مكعبات خرسانية بعمر 28 يومًا",
                "Concrete cubes aged 28 days",
            ),
        ),
        fees=(("أجور الفحص لكل نموذج", "Testing, per sample", 30000, None),),
        steps=(
            (
                X,
                "تسلّم الجهة النماذج إلى المختبر",
                "The body delivers the samples to the laboratory",
            ),
            (U, "يفحص المختبر النماذج", "The laboratory tests the samples"),
            (U, "يُصدر تقرير الفحص موقعًا", "The signed test report is issued"),
        ),
        online=False,
        letter=True,
    ),
    DemoCatalogueEntry(
        "certificate-equivalence",
        "registrar",
        ("معادلة الشهادة", "Certificate equivalence"),
        ("حملة الشهادات الصادرة من خارج العراق", "Holders of certificates issued outside Iraq"),
        documents=(
            (
                "الشهادة الأصلية مصدقة من الخارجية",
                "Original certificate, authenticated by the foreign ministry",
                OC,
                1,
                True,
                "",
                "",
            ),
            ("كشف الدرجات مصدقًا", "Authenticated transcript", CC, 1, True, "", ""),
            ("جواز السفر", "Passport", OC, 1, True, "مع صفحات الإقامة", "With the residence pages"),
            ID_CARD,
            PHOTO,
        ),
        fees=(("رسم المعادلة", "Equivalence fee", 150000, None),),
        steps=(
            (A, "يقدّم الطلب مع المستمسكات", "Apply with the documents"),
            (W, "تُدقق المستمسكات ويُطابق الأصل", "The documents are checked against the originals"),
            (U, "تدرس لجنة المعادلة الملف", "The equivalence committee studies the file"),
            (U, "يصدر قرار المعادلة", "The equivalence decision is issued"),
        ),
        min_days=10,
        file_clock=True,
        description=(
            "معادلة الشهادات الجامعية الصادرة من خارج العراق لأغراض الدراسة في الجامعة.",
            "Equivalence of university certificates issued outside Iraq, for study at the university.",
        ),
        days=30,
    ),
    DemoCatalogueEntry(
        "college-transfer",
        "registrar",
        ("الانتقال بين الكليات", "Transfer between colleges"),
        ("طلبة المرحلة الأولى والثانية", "Students of the first and second years"),
        documents=(
            STUDENT_ID,
            ("كشف درجات السنة السابقة", "Last year's transcript", ORIG, 1, True, "", ""),
            (
                "موافقة الكلية المنتقل إليها",
                "Consent of the receiving college",
                ORIG,
                1,
                True,
                "",
                "",
            ),
        ),
        fees=(("رسم الانتقال", "Transfer fee", 35000, None),),
        steps=(
            (A, "يقدّم الطلب قبل بدء العام الدراسي", "Apply before the academic year begins"),
            (U, "تبدي الكلية الحالية رأيها", "The current college gives its opinion"),
            (U, "توافق الكلية المنتقل إليها", "The receiving college consents"),
            (U, "يصدر الأمر الجامعي بالانتقال", "The university order of transfer is issued"),
        ),
        questions=(
            (
                "هل معدلك في الإعدادية يساوي الحد الأدنى للقبول في الكلية المطلوبة أو يزيد عليه؟",
                "Is your secondary-school average at least the receiving college's minimum?",
                True,
                "لا يجوز الانتقال إلى كلية حدّها الأدنى أعلى من معدلك. راجع التسجيل للكليات الممكنة.",
                "You cannot move to a college whose minimum is above your average. Ask the registrar which colleges you may join.",
            ),
        ),
        min_days=10,
        description=(
            "انتقال الطالب من كلية إلى أخرى داخل الجامعة.",
            "A student's move from one college to another.",
        ),
        days=20,
    ),
    DemoCatalogueEntry(
        "fee-refund",
        "registrar",
        ("استرداد الأجور الدراسية", "Refund of tuition fees"),
        (
            "طلبة الدراسة المسائية والموازية المنسحبون",
            "Evening and parallel-study students who withdraw",
        ),
        documents=(
            STUDENT_ID,
            ("وصولات الدفع الأصلية", "Original payment receipts", ORIG, 1, True, "", ""),
            ("الأمر الجامعي بالانسحاب", "University order of withdrawal", C, 1, True, "", ""),
            (
                "رقم الحساب المصرفي",
                "Bank account number",
                C,
                1,
                False,
                "إن أردت التحويل المصرفي",
                "If you want a bank transfer",
            ),
        ),
        fees=(),
        steps=(
            (A, "يقدّم الطلب مع الوصولات", "Apply with the receipts"),
            (U, "تدقق الحسابات المبالغ المستحقة", "Accounts check the amount due"),
            (U, "يُصرف المبلغ بصك أو تحويل", "The amount is paid by cheque or transfer"),
        ),
        questions=(
            (
                "هل انسحبت قبل نهاية الشهر الأول من الفصل؟",
                "Did you withdraw before the end of the semester's first month?",
                True,
                "تُسترد الأجور لمن انسحب في الشهر الأول فقط. يمكنك طلب تأجيل الدراسة بدلًا من ذلك.",
                "Fees are refunded only for withdrawal in the first month. You may ask for a deferral of study instead.",
            ),
        ),
        description=(
            "استرداد الأجور الدراسية عند الانسحاب.",
            "Refund of tuition fees on withdrawal.",
        ),
        days=20,
    ),
    DemoCatalogueEntry(
        "id-card-replacement",
        "registrar",
        ("بدل ضائع للهوية الجامعية", "Replacement of a lost university ID"),
        ("الطلبة الحاليون", "Current students"),
        documents=(
            ID_CARD,
            PHOTO,
            ("إشعار فقدان من مركز الشرطة", "Police report of the loss", ORIG, 1, True, "", ""),
        ),
        fees=(("رسم بدل الضائع", "Replacement fee", 10000, None),),
        steps=STANDARD_STEPS,
        description=(
            "إصدار هوية جامعية بدلًا من الضائعة أو التالفة.",
            "A new university ID for a lost or damaged one.",
        ),
        days=5,
    ),
    DemoCatalogueEntry(
        "adm-accounting-grade-appeal",
        "adm-accounting",
        ("الاعتراض على درجة امتحان", "Exam grade appeal"),
        (
            "طلبة قسم المحاسبة خلال 5 أيام عمل من إعلان النتيجة",
            "Accounting students, within 5 working days of the results",
        ),
        documents=(STUDENT_ID,),
        fees=(("رسم الاعتراض لكل مادة", "Appeal fee, per subject", 5000, None),),
        steps=(
            (A, "يقدّم الاعتراض ويذكر المادة", "Appeal and name the subject"),
            (
                U,
                "تعيد لجنة الاعتراضات تدقيق الدفتر",
                "The appeals committee re-checks the answer book",
            ),
            (U, "تُعلن النتيجة للطالب", "The result is told to the student"),
        ),
    ),
]


def _make_version(service: Service, entry: DemoCatalogueEntry, effective_from: datetime.date):
    version = ServiceVersion.objects.create(
        service=service,
        effective_from=effective_from,
        who_may_apply_ar=entry.who[0],
        who_may_apply_en=entry.who[1],
        where_to_apply_ar=entry.where[0],
        where_to_apply_en=entry.where[1],
        apply_online=entry.online,
        apply_at_window=entry.window,
        apply_by_letter=entry.letter,
        min_days_before_decision=entry.min_days,
        file_complete_starts_clock=entry.file_clock,
        declaration_ar=DECLARATION[0],
        declaration_en=DECLARATION[1],
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version,
            position=i,
            name_ar=ar,
            name_en=en,
            form=form,
            count=count,
            is_required=required,
            notes_ar=notes_ar,
            notes_en=notes_en,
        )
        for i, (ar, en, form, count, required, notes_ar, notes_en) in enumerate(entry.documents, 1)
    )
    Fee.objects.bulk_create(
        Fee(
            version=version,
            position=i,
            label_ar=ar,
            label_en=en,
            amount=Decimal(amount),
            currency="IQD",
            exemptions_ar=exempt[0] if exempt else "",
            exemptions_en=exempt[1] if exempt else "",
            how_to_pay_ar=PAY_AT_ACCOUNTS[0] if amount else "",
            how_to_pay_en=PAY_AT_ACCOUNTS[1] if amount else "",
        )
        for i, (ar, en, amount, exempt) in enumerate(entry.fees, 1)
    )
    ServiceStep.objects.bulk_create(
        ServiceStep(version=version, position=i, actor=actor, text_ar=ar, text_en=en)
        for i, (actor, ar, en) in enumerate(entry.steps, 1)
    )
    ServiceQuestion.objects.bulk_create(
        ServiceQuestion(
            version=version,
            position=i,
            question_ar=q_ar,
            question_en=q_en,
            eligible_answer=ok,
            refusal_ar=r_ar,
            refusal_en=r_en,
        )
        for i, (q_ar, q_en, ok, r_ar, r_en) in enumerate(entry.questions, 1)
    )
    ServiceFaq.objects.bulk_create(
        ServiceFaq(
            version=version,
            position=i,
            question_ar=q_ar,
            question_en=q_en,
            answer_ar=a_ar,
            answer_en=a_en,
        )
        for i, (q_ar, q_en, a_ar, a_en) in enumerate(entry.faqs, 1)
    )


@transaction.atomic
def load(*, units: dict, services: dict, today: datetime.date | None = None) -> int:
    """Give every entry's service (made when missing) a version in effect since a year ago,
    unless it has one; return how many versions were made."""
    today = today or timezone.localdate()
    effective_from = today - datetime.timedelta(days=365)
    created = 0
    new_commitments = False
    for entry in ENTRIES:
        service = services.get(entry.code) or Service.objects.filter(code=entry.code).first()
        if service is None:
            service = Service.objects.create(
                unit=units[entry.unit],
                code=entry.code,
                name_ar=entry.names[0],
                name_en=entry.names[1],
                description_ar=entry.description[0],
                description_en=entry.description[1],
            )
            if entry.days:
                Commitment.objects.create(
                    target=Target.RESOLUTION,
                    service=service,
                    amount=entry.days,
                    unit=DurationUnit.DAYS,
                )
                new_commitments = True
            services_changed()
        if service.versions.exists():
            continue
        _make_version(service, entry, effective_from)
        created += 1
    if new_commitments:
        working.invalidate()
    return created
