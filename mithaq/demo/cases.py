"""The demo university for `manage.py load_demo`: its units, services, people and two months
of cases, written in the vocabulary of the charters in the project's seed documents.

Everything here is data. `load_demo` plays each case through the service functions, so
every case carries the events a real one would."""

import uuid
from dataclasses import dataclass

from mithaq.accounts.models import Role, UnitKind
from mithaq.cases.states import (
    Action,
    Channel,
    CitizenGroup,
    ClosureCode,
    Decision,
    ExternalSystem,
    Kind,
)

DEMO_PASSWORD = "mithaq-demo"  # noqa: S105 - printed on every start; the demo refuses DEBUG=off

# A demo case's submission token is derived from its key, so a second run recognises it.
CASE_TOKEN_NAMESPACE = uuid.UUID("008b591c-65a6-4293-99eb-819163f66c7c")

# The citizen's answer to a request for information is not a staff action.
CITIZEN_ANSWERS = "citizen_answers"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    parent: str | None
    kind: str
    name_ar: str
    name_en: str
    is_citizens_office: bool = False
    accepts_cases: bool = True


@dataclass(frozen=True)
class DemoService:
    unit: str
    code: str
    name_ar: str
    name_en: str
    response_days: int
    description_ar: str
    description_en: str


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: str
    unit: str
    is_superuser: bool = False


@dataclass(frozen=True)
class Step:
    """One thing done to a case, `hours` after the step before it (or after submission)."""

    hours: float
    action: str  # an Action, or CITIZEN_ANSWERS
    by: str = ""  # a demo username; empty for the citizen
    text: str = ""
    to_unit: str = ""
    assignee: str = ""
    decision: str = ""
    closure_code: str = ""
    external_system: str = ""
    external_reference: str = ""


@dataclass(frozen=True)
class DemoCase:
    key: str
    days_ago: int
    time: str  # local time of day of the submission, "HH:MM"
    kind: str
    unit: str
    channel: str
    subject: str
    body: str
    citizen_name: str
    phone: str  # as people write it; load_demo stores it as E.164
    service: str = ""
    remedy: str = ""
    email: str = ""
    national_id: str = ""
    group: str = CitizenGroup.COMMUNITY
    language: str = "ar"
    confidential: bool = False
    urgent: bool = False
    head_count: int = 1  # more than one makes the case collective
    letter_number: str = ""
    letter_days_before: int = 0  # the letter's date, counted back from its receipt
    steps: tuple[Step, ...] = ()

    @property
    def token(self) -> uuid.UUID:
        return uuid.uuid5(CASE_TOKEN_NAMESPACE, self.key)


# Steps, so that each case below reads as its history. `{ref:KEY}` in a text becomes the
# tracking code of the demo case KEY.
def ack(hours, by):
    return Step(hours, Action.ACKNOWLEDGE, by)


def assign(hours, by, assignee):
    return Step(hours, Action.ASSIGN, by, assignee=assignee)


def refer(hours, by, to_unit, reason):
    return Step(hours, Action.REFER, by, reason, to_unit=to_unit)


def ask(hours, by, question):
    return Step(hours, Action.REQUEST_INFO, by, question)


def answer(hours, text):
    return Step(hours, CITIZEN_ANSWERS, "", text)


def reply(hours, by, text):
    return Step(hours, Action.REPLY, by, text)


def note(hours, by, text):
    return Step(hours, Action.NOTE, by, text)


def decide(hours, by, decision, reasons):
    return Step(hours, Action.DECIDE, by, reasons, decision=decision)


def resolve(hours, by, summary):
    return Step(hours, Action.RESOLVE, by, summary)


def close(hours, by, closure_code, text="", external=("", "")):
    system, reference = external
    return Step(
        hours,
        Action.CLOSE,
        by,
        text,
        closure_code=closure_code,
        external_system=system,
        external_reference=reference,
    )


def reopen(hours, by, reason):
    return Step(hours, Action.REOPEN, by, reason)


ROOT = "mmu"
OFFICE = "citizens-office"

# Parents before children.
UNITS = [
    DemoUnit(ROOT, None, UnitKind.INSTITUTION, "جامعة ميثاق النموذجية",
             "Mithaq Model University", accepts_cases=False),
    DemoUnit("presidency", ROOT, UnitKind.PRESIDENCY, "مكتب رئيس الجامعة",
             "Office of the President"),
    DemoUnit(OFFICE, ROOT, UnitKind.OFFICE, "مكتب شؤون المواطنين",
             "Citizens' Affairs Office", is_citizens_office=True),
    DemoUnit("registrar", ROOT, UnitKind.DIRECTORATE, "قسم التسجيل وشؤون الطلبة",
             "Registration and Student Affairs"),
    DemoUnit("itc", ROOT, UnitKind.CENTRE, "مركز تقنية المعلومات",
             "Information Technology Centre"),
    DemoUnit("eng", ROOT, UnitKind.COLLEGE, "كلية الهندسة", "College of Engineering"),
    DemoUnit("eng-computer", "eng", UnitKind.DEPARTMENT, "قسم هندسة الحاسوب",
             "Department of Computer Engineering"),
    DemoUnit("eng-civil", "eng", UnitKind.DEPARTMENT, "قسم الهندسة المدنية",
             "Department of Civil Engineering"),
    DemoUnit("med", ROOT, UnitKind.COLLEGE, "كلية الطب", "College of Medicine"),
    DemoUnit("med-internal", "med", UnitKind.DEPARTMENT, "فرع الطب الباطني",
             "Department of Internal Medicine"),
    DemoUnit("med-surgery", "med", UnitKind.DEPARTMENT, "فرع الجراحة",
             "Department of Surgery"),
    DemoUnit("adm", ROOT, UnitKind.COLLEGE, "كلية الإدارة والاقتصاد",
             "College of Administration and Economics"),
    DemoUnit("adm-accounting", "adm", UnitKind.DEPARTMENT, "قسم المحاسبة",
             "Department of Accounting"),
    DemoUnit("adm-business", "adm", UnitKind.DEPARTMENT, "قسم إدارة الأعمال",
             "Department of Business Administration"),
]  # fmt: skip

_GRADE_APPEAL_AR = (
    "تعيد اللجنة الامتحانية في القسم جمع درجات الدفتر الامتحاني وتتأكد من تصحيح جميع "
    "الأسئلة، ويُبلَّغ الطالب بالنتيجة. يحق له التظلم من القرار خلال خمسة أيام عمل."
)
_GRADE_APPEAL_EN = (
    "The department's examination committee re-adds the marks of the answer booklet and checks "
    "that every question was marked. The student may appeal the outcome within five working days."
)

SERVICES = [
    DemoService("presidency", "president-interview", "طلب مقابلة السيد رئيس الجامعة",
                "Interview with the President", 14,
                "تُملأ استمارة المقابلة الموحدة في مكتب شؤون المواطنين أو على الموقع، وينسّق "
                "المكتب موعد المقابلة ويتابع ما يصدر عنها من توجيهات.",
                "Fill in the standard interview form at the Citizens' Affairs Office or online; "
                "the office schedules the interview and follows up what it decides."),
    DemoService("presidency", "president-request", "طلب موجّه إلى السيد رئيس الجامعة",
                "Request addressed to the President", 14,
                "يُعرض الطلب، ورقياً أو إلكترونياً، على السيد رئيس الجامعة لبيان الرأي والإجراء "
                "المناسب بشأنه.",
                "The request, on paper or online, is put before the President for an opinion "
                "and the appropriate action."),
    DemoService(OFFICE, "complaints", "استلام الشكاوى ومتابعتها",
                "Complaints and their follow-up", 14,
                "يستلم المكتب الشكوى ويحيلها إلى الجهة المختصة، ويتابع إنجازها، ويبلغ صاحبها "
                "بالإجراءات المتخذة بصددها.",
                "The office receives the complaint, refers it to the competent unit, follows "
                "it up and tells the citizen what was done."),
    DemoService(OFFICE, "suggestions", "مقترحات تطوير العمل الجامعي",
                "Suggestions to improve the university", 30,
                "يدرس المكتب المقترحات المتعلقة بتطوير العمل الجامعي وتحسين الأداء المؤسسي، "
                "ويبلغ صاحب المقترح بما تقرر بشأنه.",
                "The office studies suggestions to improve the university's work and tells "
                "their authors what was decided."),
    DemoService(OFFICE, "general-inquiries", "الاستفسارات العامة", "General inquiries", 7,
                "إجابة الاستفسارات عن القبول والأجور والدوام والخدمات الجامعية، أو توجيه "
                "السائل إلى الموظف المختص.",
                "Answers about admission, fees, hours and university services, or directions "
                "to the competent member of staff."),
    DemoService("registrar", "transcript", "إصدار كشف الدرجات", "Transcript of grades", 7,
                "كشف درجات مصدّق باللغة العربية أو الإنكليزية للطلبة والخريجين. المستمسكات: "
                "صورة البطاقة الوطنية ووصل دفع الأجور.",
                "A certified transcript in Arabic or English for students and graduates. "
                "Bring: a copy of the national ID card and the fee receipt."),
    DemoService("registrar", "graduation-documents", "وثيقة التخرج والشهادة",
                "Graduation certificate and documents", 14,
                "إصدار وثيقة التخرج والشهادة بعد صدور الأمر الجامعي بالتخرج واكتمال براءة "
                "الذمة.",
                "The graduation certificate and documents, once the graduation order is issued "
                "and the clearance form is complete."),
    DemoService("registrar", "enrolment-certificate", "تأييد استمرار بالدراسة",
                "Certificate of enrolment", 3,
                "تأييد بأن الطالب مستمر بالدراسة، معنون إلى الجهة التي يطلبها (هيئة التقاعد، "
                "دائرة التجنيد، جهة العمل...).",
                "A certificate that the student is enrolled, addressed to the body that asks "
                "for it (pension authority, employer...)."),
    DemoService("registrar", "document-verification", "صحة صدور الوثائق الدراسية",
                "Verification of academic documents", 10,
                "تأييد صحة صدور الوثائق والشهادات الصادرة عن الجامعة، بناءً على كتاب رسمي "
                "من الجهة الطالبة.",
                "Confirms that a certificate or document was issued by the university, on an "
                "official letter from the body asking."),
    DemoService("registrar", "hostels", "السكن في الأقسام الداخلية", "Student hostels", 10,
                "قبول الطلبة من خارج المحافظة في الأقسام الداخلية وفق الطاقة الاستيعابية "
                "وضوابط الوزارة.",
                "Hostel places for students from other governorates, within capacity and the "
                "ministry's rules."),
    DemoService("registrar", "study-deferral", "تأجيل الدراسة", "Deferral of study", 14,
                "تأجيل الدراسة لسنة دراسية لأسباب صحية أو اجتماعية موثقة، وفق التعليمات "
                "الامتحانية.",
                "Deferral of one academic year for documented health or family reasons, under "
                "the examination rules."),
    DemoService("itc", "university-email", "البريد الإلكتروني الجامعي",
                "University email account", 2,
                "إنشاء حساب البريد الجامعي للطلبة والمنتسبين، واستعادة كلمة المرور، وتحديث رقم "
                "الهاتف المرتبط بالحساب.",
                "University email accounts for students and staff, password recovery and "
                "updating the phone number on the account."),
    DemoService("itc", "student-portal", "حساب بوابة الطالب الإلكترونية",
                "Student portal account", 3,
                "تفعيل حساب بوابة الطالب لعرض الدرجات والجداول والأجور، ومعالجة مشكلات الدخول.",
                "Activating the student portal account (grades, timetables, fees) and fixing "
                "sign-in problems."),
    DemoService("itc", "campus-wifi", "شبكة الإنترنت اللاسلكية في الحرم الجامعي",
                "Campus Wi-Fi", 3,
                "الاشتراك في شبكة الجامعة اللاسلكية، والإبلاغ عن ضعف التغطية أو الانقطاع في "
                "الكليات والأقسام الداخلية.",
                "Joining the campus Wi-Fi and reporting weak coverage or outages in colleges "
                "and hostels."),
    DemoService("itc", "elearning", "منصة التعليم الإلكتروني", "E-learning platform", 3,
                "حسابات التدريسيين والطلبة على منصة التعليم الإلكتروني، ورفع المحاضرات "
                "والواجبات.",
                "Teacher and student accounts on the e-learning platform, uploading lectures "
                "and assignments."),
    DemoService("eng", "eng-postgraduate", "الدراسات العليا: مناقشة الرسائل والأطاريح",
                "Postgraduate theses and defences", 21,
                "متابعة تقويم الرسائل والأطاريح وتشكيل لجان المناقشة وتحديد مواعيدها.",
                "Following the evaluation of theses, the forming of defence committees and "
                "their dates."),
    DemoService("eng", "eng-course-registration", "تسجيل المقررات الدراسية",
                "Course registration", 5,
                "تسجيل المقررات في بداية كل فصل دراسي، وإضافة المقررات وحذفها ضمن المدة المحددة.",
                "Registering courses at the start of each semester, and adding or dropping them "
                "within the set period."),
    DemoService("eng-computer", "eng-computer-grade-appeal", "الاعتراض على الدرجة الامتحانية",
                "Exam grade appeal", 7, _GRADE_APPEAL_AR, _GRADE_APPEAL_EN),
    DemoService("eng-computer", "eng-computer-projects", "مشاريع التخرج", "Graduation projects",
                14,
                "توزيع مشاريع التخرج على الطلبة والمشرفين، ومواعيد المناقشة والتسليم.",
                "Assigning graduation projects to students and supervisors; presentation and "
                "hand-in dates."),
    DemoService("eng-civil", "eng-civil-training", "التدريب الصيفي", "Summer training", 14,
                "توزيع طلبة المرحلة الثالثة على دوائر الدولة والشركات للتدريب الصيفي.",
                "Placing third-year students with government offices and companies for summer "
                "training."),
    DemoService("eng-civil", "eng-civil-lab-tests", "الفحوصات المختبرية للجهات الخارجية",
                "Laboratory tests for outside bodies", 10,
                "فحص مواد البناء (الخرسانة والحديد والتربة) للدوائر والشركات والباحثين بأجور "
                "معلنة.",
                "Testing building materials (concrete, steel, soil) for public bodies, "
                "companies and researchers, at published fees."),
    DemoService("med", "med-clinical-training", "التدريب السريري في المستشفيات التعليمية",
                "Clinical training in teaching hospitals", 14,
                "توزيع طلبة المراحل السريرية على المستشفيات التعليمية والمشرفين.",
                "Placing clinical-year students in teaching hospitals with their supervisors."),
    DemoService("med-internal", "med-internal-grade-appeal", "الاعتراض على الدرجة الامتحانية",
                "Exam grade appeal", 7, _GRADE_APPEAL_AR, _GRADE_APPEAL_EN),
    DemoService("med-surgery", "med-surgery-ward-schedules", "جداول الدوام السريري في الردهات",
                "Clinical ward schedules", 7,
                "إعلان جداول الدوام السريري في الردهات الجراحية وتوزيع المجموعات على المشرفين.",
                "Publishing the surgical ward rotations and the students' groups and "
                "supervisors."),
    DemoService("adm", "adm-course-registration", "تسجيل المقررات الدراسية",
                "Course registration", 5,
                "تسجيل المقررات في بداية كل فصل دراسي للدراستين الصباحية والمسائية.",
                "Registering courses at the start of each semester, morning and evening "
                "study."),
    DemoService("adm-accounting", "adm-accounting-grade-appeal", "الاعتراض على الدرجة الامتحانية",
                "Exam grade appeal", 7, _GRADE_APPEAL_AR, _GRADE_APPEAL_EN),
    DemoService("adm-accounting", "adm-accounting-exam-timetable", "جداول الامتحانات",
                "Exam timetables", 5,
                "إعلان جداول الامتحانات الفصلية والنهائية، ومعالجة تزامن امتحانات مواد التحميل.",
                "Publishing mid-term and final exam timetables, and resolving clashes with "
                "carried-over courses."),
    DemoService("adm-business", "adm-business-field-training", "التدريب الميداني",
                "Field training", 14,
                "توزيع طلبة المرحلة الرابعة على الشركات والمصارف للتدريب الميداني.",
                "Placing fourth-year students with companies and banks for field training."),
]  # fmt: skip

# One login per role, plus the officers who answer the registrar's and the centre's cases.
PEOPLE = [
    DemoPerson("reception", "زينب حسين الربيعي", Role.RECEPTION, OFFICE),
    DemoPerson("officer", "علي كاظم الجبوري", Role.OFFICER, "eng-computer"),
    DemoPerson("officer2", "نور الهدى عبد الله الساعدي", Role.OFFICER, "adm-accounting"),
    DemoPerson("registrar", "مروان سعد الدليمي", Role.OFFICER, "registrar"),
    DemoPerson("itc", "يوسف عماد النعيمي", Role.OFFICER, "itc"),
    DemoPerson("dean", "حيدر عبد الأمير الخفاجي", Role.UNIT_MANAGER, "eng"),
    DemoPerson("manager", "رنا فاضل العبيدي", Role.OFFICE_MANAGER, OFFICE),
    DemoPerson("president", "عبد الرحمن ياسين الموسوي", Role.LEADERSHIP, "presidency"),
    DemoPerson("auditor", "سلمى جاسم التميمي", Role.AUDITOR, ROOT),
    DemoPerson("admin", "مصطفى رعد الحسني", Role.ADMINISTRATOR, ROOT, is_superuser=True),
]

ACCEPTED, REJECTED = Decision.ACCEPTED, Decision.REJECTED
C, K, G, CH = ClosureCode, Kind, CitizenGroup, Channel
E_CITIZEN = ExternalSystem.IQ_ECITIZEN

# Grouped by the state each case ends in; together they cover every state, kind and channel.
CASES = [
    # --- Received: not yet opened by anyone.
    DemoCase(
        "graduation-date", 1, "20:15", K.INQUIRY, "registrar", CH.WEB,
        service="graduation-documents",
        subject="موعد استلام وثيقة التخرج لخريجي العام الدراسي 2023–2024",
        body="تخرجت من قسم المحاسبة في الدور الأول للعام الدراسي 2023–2024، وأحتاج وثيقة "
        "التخرج لغرض التقديم على وظيفة في إحدى الدوائر الحكومية. متى تكون الوثائق جاهزة "
        "للاستلام، وما المستمسكات المطلوبة عند المراجعة؟",
        remedy="بيان موعد الاستلام والمستمسكات المطلوبة.",
        citizen_name="حسين علي عبد الزهرة", phone="0781 234 5601",
        email="hussein.ali@example.org",
    ),
    DemoCase(
        "email-password", 1, "11:40", K.SERVICE_REQUEST, "itc", CH.WHATSAPP,
        service="university-email", group=G.UNDERGRADUATE,
        subject="تعذّر الدخول إلى البريد الإلكتروني الجامعي",
        body="أنا طالبة في المرحلة الثانية بقسم هندسة الحاسوب، نسيت كلمة مرور البريد الجامعي "
        "ولا يصلني رمز الاستعادة لأن رقم الهاتف المسجل في الحساب قديم.",
        remedy="إعادة تعيين كلمة المرور وتحديث رقم الهاتف المرتبط بالحساب.",
        citizen_name="مريم حيدر كريم", phone="07701234602",
    ),
    DemoCase(
        "booking-suggestion", 2, "09:05", K.SUGGESTION, OFFICE, CH.EMAIL,
        service="suggestions",
        subject="اقتراح حجز موعد المراجعة إلكترونياً",
        body="أقترح أن تتيح الجامعة حجز موعد مسبق لمراجعة قسم التسجيل عبر الموقع الإلكتروني أو "
        "تطبيق الهاتف، مع رسالة نصية بالموعد، بدلاً من الانتظار ساعات في الممر. هذا يخفف "
        "الزحام خاصة في أيام تسليم الوثائق.",
        citizen_name="عمر فاروق الشمري", phone="+964 790 123 4603",
        email="omar.farouk@example.org",
    ),
    DemoCase(
        "surgery-praise", 3, "18:30", K.PRAISE, "med-surgery", CH.WEB,
        subject="شكر وتقدير لكادر فرع الجراحة",
        body="أتقدم بالشكر والتقدير إلى أساتذة فرع الجراحة وكادر الردهة الجراحية في المستشفى "
        "التعليمي على حسن التعامل والمتابعة الدقيقة لحالة والدي خلال مدة رقوده، وعلى صبرهم في "
        "الإجابة عن أسئلتنا.",
        citizen_name="سارة نبيل يوسف", phone="07501234604", email="sara.nabil@example.org",
    ),
    # --- Under review.
    DemoCase(
        "contract-staff", 6, "10:20", K.COMPLAINT, OFFICE, CH.PHONE,
        service="complaints", group=G.STAFF,
        subject="تأخر إصدار الأمر الجامعي بتثبيت موظفة على الملاك الدائم",
        body="أعمل بصفة عقد في شعبة الحسابات منذ عام 2019، وصدرت موافقة الوزارة على تثبيت "
        "المتعاقدين منذ أكثر من ثلاثة أشهر، ولم يصدر الأمر الجامعي الخاص بي حتى الآن مع أن "
        "زملائي في الدفعة نفسها صدرت أوامرهم.",
        remedy="إصدار الأمر الجامعي بتثبيتي أسوة بزملائي.",
        citizen_name="إيمان عبد الكريم حسن", phone="07721234605",
        steps=(
            note(0.2, "reception", "اتصلت المواطنة على هاتف المكتب، وطلبت أن يكون التواصل معها "
                 "هاتفياً بعد الساعة الثانية ظهراً لانشغالها بالدوام."),
            ack(18, "manager"),
            assign(0.5, "manager", "manager"),
            note(26, "manager", "خاطبنا قسم الموارد البشرية بكتاب رسمي لبيان سبب تأخر الأمر "
                 "الجامعي، وبانتظار الإجابة."),
        ),
    ),
    DemoCase(
        "confidential-bribe", 8, "22:10", K.COMPLAINT, OFFICE, CH.WEB,
        service="complaints", group=G.UNDERGRADUATE, confidential=True,
        subject="موظف يطلب مبالغ مالية لتسريع إنجاز المعاملات",
        body="أحد الموظفين في وحدة التسجيل بكلية الإدارة والاقتصاد يطلب من الطلبة مبالغ مالية "
        "مقابل تسريع إصدار تأييد الاستمرار وكشوف الدرجات، ويؤخر معاملات من يرفض. أطلب عدم "
        "ذكر اسمي لأنني ما زلت طالباً في الكلية وأخشى أن يؤثر ذلك في معاملاتي.",
        remedy="التحقيق في الموضوع ومنع الموظف من ابتزاز الطلبة، مع الحفاظ على سرية هويتي.",
        citizen_name="حسن جواد كاظم", phone="07801234606", email="hassan.jawad@example.org",
        steps=(
            ack(11, "manager"),
            assign(0.3, "manager", "manager"),
            note(1, "manager", "شكوى ذات طابع حساس: تُحصر متابعتها بمدير المكتب ولا تُحال إلى "
                 "الكلية المعنية حفاظاً على سرية هوية المشتكي. تُعرض على السيد رئيس الجامعة."),
            note(30, "president", "تُشكَّل لجنة تحقيقية برئاسة المساعد الإداري، وتُرفع نتائجها "
                 "إليّ خلال عشرة أيام، مع ضمان عدم الإفصاح عن هوية المشتكي."),
            reply(4, "manager", "نشكرك على ثقتك. هويتك محفوظة بسرية تامة، وقد عُرضت شكواك على "
                  "السيد رئيس الجامعة الذي وجّه بالتحقيق فيها، وسنبلغك بالنتيجة عند انتهائه."),
        ),
    ),
    DemoCase(
        "english-transcript", 12, "13:45", K.SERVICE_REQUEST, "registrar", CH.WEB,
        service="transcript",
        subject="كشف درجات باللغة الإنكليزية لغرض التقديم على منحة دراسية",
        body="أحتاج كشف درجات مصدّقاً باللغة الإنكليزية لسنوات الدراسة الأربع في قسم الهندسة "
        "المدنية، لغرض التقديم على منحة دراسية خارج العراق. آخر موعد للتقديم نهاية الشهر القادم.",
        remedy="إصدار كشف درجات مصدّق باللغة الإنكليزية.",
        citizen_name="أحمد صباح مهدي", phone="07711234607", email="ahmed.sabah@example.org",
        steps=(
            ack(19, "registrar"),
            ask(1, "registrar", "يرجى تزويدنا برقم وصل دفع أجور كشف الدرجات، وكتابة اسمك "
                "باللغة الإنكليزية كما ورد في جواز السفر."),
            answer(40, "دفعت الأجور إلكترونياً ورقم الوصل 4471، وسأجلب صورة البطاقة الوطنية "
                   "عند الاستلام. اسمي بالإنكليزية كما في الجواز: Ahmed Sabah Mahdi."),
        ),
    ),
    DemoCase(
        "president-interview", 5, "10:10", K.PRESIDENT_REQUEST, "presidency", CH.WALK_IN,
        service="president-interview", national_id="199012345678",
        subject="طلب مقابلة السيد رئيس الجامعة بشأن نقل طالبة لظروف صحية",
        body="أطلب مقابلة السيد رئيس الجامعة لعرض طلب نقل ابنتي، الطالبة في المرحلة الثانية "
        "بكلية الطب في جامعة أخرى، إلى كلية الطب في جامعتكم لظروفها الصحية التي تستوجب بقاءها "
        "قرب أسرتها. لدينا تقارير من لجنة طبية رسمية.",
        remedy="تحديد موعد لمقابلة السيد رئيس الجامعة والنظر في طلب النقل.",
        citizen_name="كريم عباس الزبيدي", phone="07511234608",
        steps=(
            note(0.3, "reception", "ملأ المواطن استمارة المقابلة الموحدة في المكتب، وتم التحقق "
                 "من هويته من البطاقة الوطنية."),
            ack(4, "manager"),
            note(20, "manager", "حُدِّد موعد مبدئي للمقابلة يوم الأحد القادم الساعة العاشرة "
                 "صباحاً، بانتظار تأكيد مكتب السيد رئيس الجامعة."),
            reply(1, "manager", "استلمنا طلبكم، وحُدِّد موعد مبدئي لمقابلة السيد رئيس الجامعة "
                  "يوم الأحد القادم الساعة العاشرة صباحاً. يرجى إحضار التقارير الطبية الأصلية "
                  "ومستمسكات الطالبة."),
        ),
    ),
    # --- Referred to the competent unit.
    DemoCase(
        "coursework-marks", 10, "21:00", K.COMPLAINT, OFFICE, CH.WEB,
        service="complaints", group=G.UNDERGRADUATE,
        subject="عدم ظهور درجات السعي في البوابة الإلكترونية",
        body="نحن على أبواب الامتحانات النهائية ولم تظهر درجات السعي لمادة هياكل البيانات في "
        "البوابة الإلكترونية لطلبة المرحلة الثانية في قسم هندسة الحاسوب، مع أن المدرّس أعلنها "
        "في القاعة منذ أسبوعين.",
        remedy="رفع درجات السعي في البوابة قبل الامتحانات النهائية.",
        citizen_name="زهراء محمد رضا", phone="07741234609", email="zahraa.m@example.org",
        steps=(
            ack(12, "manager"),
            refer(0.5, "manager", "eng-computer", "رفع درجات السعي من اختصاص قسم هندسة الحاسوب "
                  "ومقرري المواد."),
            reply(0.2, "manager", "أُحيلت شكواك إلى قسم هندسة الحاسوب بوصفه الجهة المختصة، "
                  "ويتابع مكتب شؤون المواطنين إنجازها."),
            assign(20, "dean", "officer"),
            note(3, "officer", "خاطبنا مدرّس المادة، وأفاد بأن الدرجات أُرسلت إلى مقرر القسم "
                 "ولم تُرفع بسبب خلل في صلاحيات حسابه على البوابة. أُبلغ مركز تقنية المعلومات."),
        ),
    ),
    DemoCase(
        "hostel-wifi", 4, "23:10", K.COMPLAINT, OFFICE, CH.SOCIAL,
        service="complaints", group=G.UNDERGRADUATE, head_count=63,
        subject="انقطاع الإنترنت اللاسلكي في القسم الداخلي للطلاب منذ أسبوع",
        body="نحن طلبة القسم الداخلي (البناية ب) نعاني من انقطاع شبكة الإنترنت اللاسلكية منذ "
        "أسبوع كامل، ونعتمد عليها في متابعة المحاضرات على منصة التعليم الإلكتروني وتسليم "
        "الواجبات. راجعنا مشرف القسم الداخلي دون نتيجة. الشكوى موقعة من 63 طالباً.",
        remedy="إعادة تشغيل الشبكة في البناية ب وتقوية التغطية في الطوابق العليا.",
        citizen_name="مصطفى عادل جاسم (ممثل طلبة القسم الداخلي)", phone="07781234610",
        steps=(
            note(9, "reception", "وردت الشكوى عبر صفحة الجامعة على فيسبوك. تواصلنا مع ممثل "
                 "الطلبة هاتفياً فأكد عدد الموقعين وأرسل قائمة الأسماء."),
            ack(1, "manager"),
            refer(0.5, "manager", "itc", "الشبكة اللاسلكية من اختصاص مركز تقنية المعلومات. يرجى "
                  "المعالجة بصفة مستعجلة لأن الطلبة في مدة الامتحانات."),
            reply(0.3, "manager", "أُحيلت شكواكم إلى مركز تقنية المعلومات لمعالجتها بصفة "
                  "مستعجلة، وسنبلغكم بالنتيجة."),
            note(22, "itc", "فحص فريق الشبكات البناية ب: جهاز التحويل الرئيسي متضرر بسبب تذبذب "
                 "الكهرباء. طُلب شراء جهاز بديل خلال أسبوع، ونُصبت نقطة وصول مؤقتة في الطابق "
                 "الأرضي."),
        ),
    ),
    DemoCase(
        "ministry-admission", 15, "10:00", K.COMPLAINT, OFFICE, CH.LETTER,
        letter_number="د ت/2781", letter_days_before=5,
        subject="شكوى محالة من وزارة التعليم العالي بشأن عدم قبول طالبة في الدراسة المسائية",
        body="وردنا كتاب وزارة التعليم العالي والبحث العلمي المتضمن شكوى المواطن رعد حميد سلمان "
        "بشأن عدم ظهور اسم ابنته ضمن المقبولين في قسم المحاسبة / الدراسة المسائية، مع أن "
        "معدلها أعلى من الحد الأدنى المعلن. تطلب الوزارة بيان الإجراء المتخذ خلال أسبوعين.",
        remedy="مراجعة نتائج القبول وقبول الطالبة إن كانت مستحقة.",
        citizen_name="رعد حميد سلمان", phone="07901234611",
        steps=(
            ack(3, "manager"),
            refer(1, "manager", "registrar", "يرجى تدقيق استمارة التقديم ونتائج القبول وبيان "
                  "الرأي، لغرض الإجابة على كتاب الوزارة."),
            assign(5, "manager", "registrar"),
            note(26, "registrar", "تبيّن من التدقيق أن معدل الطالبة 84.2 والحد الأدنى 83.9، "
                 "وأن سبب عدم ظهور اسمها خطأ في إدخال رمز القسم في استمارة التقديم. نعدّ مطالعة "
                 "إلى لجنة القبول لتصحيحه."),
        ),
    ),
    DemoCase(
        "ward-schedules", 7, "11:30", K.COMPLAINT, OFFICE, CH.WALK_IN,
        service="complaints", group=G.UNDERGRADUATE,
        subject="تأخر إعلان جداول الدوام السريري لطلبة المرحلة الرابعة",
        body="لم تُعلن حتى الآن جداول الدوام السريري لطلبة المرحلة الرابعة في الردهات الجراحية "
        "مع أن الفصل الثاني بدأ منذ أسبوعين، والطلبة يحضرون إلى المستشفى التعليمي دون أن "
        "يعرفوا مجموعاتهم ولا مشرفيهم.",
        remedy="إعلان جداول الدوام السريري وتوزيع المجموعات على المشرفين.",
        citizen_name="ياسر طالب حمود", phone="07701234612",
        steps=(
            ack(2, "manager"),
            refer(0.5, "manager", "med-surgery", "جداول الدوام السريري في الردهات من اختصاص "
                  "فرع الجراحة."),
            reply(0.2, "manager", "أُحيل موضوعكم إلى فرع الجراحة في كلية الطب لإعلان الجداول، "
                  "ويتابعه مكتب شؤون المواطنين."),
        ),
    ),
    # --- Waiting for the citizen.
    DemoCase(
        "pension-enrolment", 4, "16:20", K.SERVICE_REQUEST, "registrar", CH.WEB,
        service="enrolment-certificate", group=G.UNDERGRADUATE,
        subject="تأييد استمرار بالدراسة لغرض تقديمه إلى هيئة التقاعد الوطنية",
        body="أحتاج تأييد استمرار بالدراسة معنوناً إلى هيئة التقاعد الوطنية لاستمرار صرف "
        "الراتب التقاعدي لوالدي المتوفى، إذ يُشترط تجديده في بداية كل عام دراسي.",
        remedy="إصدار التأييد معنوناً إلى هيئة التقاعد الوطنية.",
        citizen_name="رقية سلام عبد الله", phone="07901234613", email="roqaya.salam@example.org",
        steps=(
            ack(17, "registrar"),
            ask(0.5, "registrar", "يرجى تزويدنا باسم الكلية والقسم والمرحلة الدراسية والرقم "
                "الجامعي، لأن الاسم الثلاثي مشترك بين أكثر من طالبة في سجلاتنا."),
        ),
    ),
    DemoCase(
        "elearning-upload", 3, "08:50", K.INQUIRY, "itc", CH.EMAIL,
        service="elearning", group=G.FACULTY,
        subject="رسالة خطأ عند رفع المحاضرات على منصة التعليم الإلكتروني",
        body="عند محاولة رفع ملف المحاضرة (PDF بحجم 35 ميغابايت) على منصة التعليم الإلكتروني "
        "تظهر رسالة خطأ ويتوقف الرفع. هل يوجد حد أقصى لحجم الملفات؟ وكيف أرفع المحاضرات "
        "المصورة؟",
        citizen_name="ليلى عبد الستار العاني", phone="07721234614",
        email="laila.alani@example.org",
        steps=(
            ack(6, "itc"),
            reply(0.5, "itc", "الحد الأقصى لحجم الملف الواحد على المنصة 20 ميغابايت، فيمكن ضغط "
                  "الملف أو تقسيمه. أما المحاضرات المصورة فتُرفع على قناة الجامعة ويُضاف رابطها "
                  "في المنصة."),
            ask(0.2, "itc", "لمعالجة رسالة الخطأ بدقة، يرجى إرسال صورة للشاشة تُظهر نص الرسالة، "
                "واسم المقرر الذي تحاولين الرفع عليه."),
        ),
    ),
    DemoCase(
        "exam-clash", 9, "12:00", K.COMPLAINT, OFFICE, CH.PHONE,
        service="complaints", group=G.UNDERGRADUATE,
        subject="تزامن امتحانين في يوم واحد لطالب لديه مادة تحميل",
        body="أنا طالب في المرحلة الثالثة بقسم المحاسبة ولدي مادة تحميل من المرحلة الثانية، "
        "وجاء امتحانها في اليوم والساعة نفسيهما مع امتحان مادة المحاسبة المتوسطة في جدول "
        "الامتحانات النهائية.",
        remedy="تحديد موعد بديل لامتحان مادة التحميل.",
        citizen_name="سجاد رحيم عبود", phone="07801234615",
        steps=(
            ack(3, "manager"),
            refer(0.5, "manager", "adm-accounting", "جدول الامتحانات من اختصاص قسم المحاسبة "
                  "ولجنته الامتحانية."),
            ask(24, "officer2", "يرجى تزويدنا باسم مادة التحميل ورمزها واسم مدرّسها، لأن جدول "
                "المرحلة الثانية يتضمن أكثر من مادة في اليوم نفسه."),
        ),
    ),
    # --- Decided, accepted or rejected with reasons.
    DemoCase(
        "grade-appeal-accepted", 14, "19:40", K.SERVICE_REQUEST, "eng-computer", CH.WEB,
        service="eng-computer-grade-appeal", group=G.UNDERGRADUATE,
        subject="اعتراض على درجة امتحان مادة الدوائر المنطقية",
        body="حصلت على 42 في الامتحان النهائي لمادة الدوائر المنطقية، وأنا متأكد من إجابتي عن "
        "جميع الأسئلة. أطلب إعادة جمع درجات الدفتر الامتحاني والتأكد من تصحيح السؤال الرابع.",
        remedy="إعادة جمع الدرجات وتصحيح السؤال الرابع.",
        citizen_name="محمد جبار عطية", phone="07711234616", email="mohammed.jabbar@example.org",
        steps=(
            ack(14, "officer"),
            assign(0.2, "officer", "officer"),
            note(30, "officer", "أُرسل الدفتر الامتحاني إلى اللجنة الامتحانية في القسم لإعادة "
                 "الجمع والتدقيق."),
            decide(48, "officer", ACCEPTED, "أظهرت إعادة التدقيق من اللجنة الامتحانية أن السؤال "
                   "الرابع لم يُصحَّح سهواً، وبعد تصحيحه أصبحت الدرجة 53. يُقبل الاعتراض وتُعدَّل "
                   "الدرجة في السجلات."),
        ),
    ),
    DemoCase(
        "exam-postponement", 11, "17:00", K.SERVICE_REQUEST, "adm-accounting", CH.WHATSAPP,
        service="adm-accounting-exam-timetable", group=G.UNDERGRADUATE,
        subject="طلب تأجيل امتحان مادة الاقتصاد الجزئي لمشاركتي في بطولة رياضية",
        body="أنا لاعب في منتخب الجامعة لكرة الطائرة، ولدينا مشاركة في بطولة الجامعات العراقية "
        "في محافظة أخرى تتزامن مع امتحان مادة الاقتصاد الجزئي. أطلب تأجيل امتحاني إلى موعد آخر.",
        remedy="تأجيل امتحاني إلى موعد بعد انتهاء البطولة.",
        citizen_name="أمير ماجد ناصر", phone="07831234617",
        steps=(
            ack(15, "officer2"),
            decide(26, "officer2", REJECTED, "لم يرد إلى القسم كتاب رسمي من قسم "
                   "النشاطات الطلابية يؤيد مشاركتك في البطولة، والتعليمات الامتحانية لا تجيز "
                   "التأجيل الفردي دونه. يمكنك تقديم الكتاب الرسمي قبل موعد الامتحان لإعادة "
                   "النظر، أو أداء الامتحان في الدور الثاني وفق التعليمات."),
        ),
    ),
    DemoCase(
        "hostel-place", 13, "15:15", K.SERVICE_REQUEST, "registrar", CH.WEB,
        service="hostels", group=G.UNDERGRADUATE,
        subject="طلب سكن في القسم الداخلي للطالبات",
        body="أنا طالبة في المرحلة الأولى بكلية الطب، أسكن في قضاء تابع للمحافظة نفسها ويستغرق "
        "الطريق ساعتين يومياً. أطلب قبولي في القسم الداخلي للطالبات.",
        citizen_name="نبأ عباس فاضل", phone="07501234618", email="nabaa.abbas@example.org",
        steps=(
            ack(16, "registrar"),
            note(2, "registrar", "تحققنا من العنوان في استمارة القبول: الطالبة من سكنة المحافظة "
                 "نفسها."),
            decide(24, "registrar", REJECTED, "تمنح ضوابط الأقسام الداخلية الأولوية "
                   "للطلبة من خارج المحافظة، والطاقة الاستيعابية للقسم الداخلي للطالبات مكتملة "
                   "لهذا العام. أُدرج اسمك في قائمة الانتظار، وسنبلغك إذا شغرت أماكن."),
        ),
    ),
    DemoCase(
        "fee-exemption", 20, "09:30", K.PRESIDENT_REQUEST, "presidency", CH.LETTER,
        service="president-request", letter_number="م/412", letter_days_before=2,
        subject="طلب إعفاء من أجور الدراسة المسائية لابن شهيد",
        body="أنا والدة الطالب محمد قاسم الموسوي في المرحلة الأولى بقسم إدارة الأعمال (الدراسة "
        "المسائية). والده شهيد وظروفنا المعيشية صعبة، وأرجو من السيد رئيس الجامعة شمول ابني "
        "بالإعفاء من أجور الدراسة المسائية. مرفق بالكتاب تأييد مؤسسة الشهداء.",
        remedy="الإعفاء من أجور الدراسة المسائية أو تخفيضها.",
        citizen_name="فاطمة عبد الحسين الموسوي", phone="07831234619",
        steps=(
            note(0.5, "reception", "استُلم الطلب ورقياً مع تأييد مؤسسة الشهداء، وأُدخل في النظام "
                 "برقم الكتاب الوارد."),
            ack(5, "manager"),
            note(24, "manager", "تأكدنا من التأييد: الطالب مشمول بقانون مؤسسة الشهداء. يُعرض "
                 "على السيد رئيس الجامعة لبيان الرأي."),
            decide(50, "president", ACCEPTED, "يُعفى الطالب من نصف أجور الدراسة المسائية للعام "
                   "الدراسي الحالي استناداً إلى ضوابط الوزارة الخاصة بذوي الشهداء، وتُبلَّغ شعبة "
                   "الحسابات بذلك."),
            reply(3, "manager", "يسرّنا إبلاغكم بموافقة السيد رئيس الجامعة على إعفاء ابنكم من "
                  "نصف أجور الدراسة المسائية للعام الدراسي الحالي. يرجى مراجعة شعبة الحسابات في "
                  "كلية الإدارة والاقتصاد لتسوية الأجور."),
        ),
    ),
    # --- Resolved, waiting to be closed.
    DemoCase(
        "distress-enrolment", 18, "08:15", K.COMPLAINT, OFFICE, CH.HOTLINE,
        service="complaints", urgent=True,
        subject="استغاثة: ترقين قيد طالب كان راقداً في المستشفى قبل الامتحانات النهائية بيومين",
        body="ابني طالب في المرحلة الرابعة بقسم الهندسة المدنية، رُقِّن قيده بسبب تجاوز نسبة "
        "الغياب، مع أنه كان راقداً في المستشفى ثلاثة أسابيع بعد حادث سير ولديه تقارير طبية. "
        "الامتحانات النهائية بعد يومين ولن يُسمح له بأدائها.",
        remedy="إلغاء ترقين القيد والسماح له بأداء الامتحانات النهائية.",
        citizen_name="جبار كاظم العيساوي", phone="07901234620",
        steps=(
            ack(0.5, "manager"),
            refer(0.2, "manager", "eng-civil", "استغاثة: الامتحانات بعد يومين. يرجى النظر في "
                  "التقارير الطبية وبيان الرأي اليوم."),
            note(0.3, "manager", "اتصلتُ هاتفياً بمقرر قسم الهندسة المدنية وأبلغته بضرورة البتّ "
                 "اليوم."),
            decide(5, "dean", ACCEPTED, "بعد الاطلاع على التقارير الطبية المصدّقة، قرر مجلس الكلية "
                   "في جلسته الطارئة احتساب مدة الرقود غياباً بعذر مشروع وإلغاء ترقين القيد."),
            resolve(2, "dean", "صدر الأمر الإداري بإلغاء ترقين القيد، وأُبلغت اللجنة الامتحانية "
                    "بالسماح للطالب بأداء الامتحانات النهائية في موعدها."),
            reply(0.5, "manager", "أُلغي ترقين قيد ابنكم، ويحق له أداء الامتحانات النهائية في "
                  "موعدها. يرجى أن يراجع اللجنة الامتحانية في القسم صباح الغد لاستلام بطاقة "
                  "الامتحان."),
        ),
    ),
    DemoCase(
        "new-staff-email", 6, "10:00", K.SERVICE_REQUEST, "itc", CH.WEB,
        service="university-email", group=G.STAFF,
        subject="إنشاء حساب بريد إلكتروني جامعي لموظف جديد",
        body="باشرت حديثاً بوظيفة مبرمج في قسم الشؤون الإدارية، وأحتاج حساب بريد إلكتروني "
        "جامعي لاستلام الكتب الرسمية والتعاميم. رقم الأمر الإداري بالتعيين 7743.",
        citizen_name="عبد الله نزار توفيق", phone="07751234621",
        email="abdullah.nizar@example.org",
        steps=(
            ack(3, "itc"),
            resolve(4, "itc", "أُنشئ حسابك في البريد الجامعي، وأُرسلت كلمة المرور المؤقتة برسالة "
                    "نصية إلى رقم هاتفك. يرجى تغييرها عند أول دخول وتفعيل التحقق بخطوتين."),
        ),
    ),
    DemoCase(
        "bus-shelter", 40, "14:00", K.SUGGESTION, OFFICE, CH.SOCIAL,
        service="suggestions", group=G.UNDERGRADUATE,
        subject="مقترح مظلات ومقاعد في موقف حافلات النقل الجامعي",
        body="يقف الطلبة في موقف حافلات النقل الجامعي قرب البوابة الرئيسية تحت أشعة الشمس صيفاً "
        "والمطر شتاءً. أقترح نصب مظلات ومقاعد في الموقف، ولوحة بمواعيد انطلاق الحافلات.",
        citizen_name="دعاء خالد إبراهيم", phone="07711234622",
        steps=(
            ack(20, "manager"),
            note(30, "manager", "عُرض المقترح على قسم الشؤون الهندسية، وأفاد بإمكان تنفيذه ضمن "
                 "أعمال الصيانة الحالية."),
            decide(48, "manager", ACCEPTED, "المقترح قابل للتنفيذ ويخدم عدداً كبيراً من الطلبة، "
                   "وأُدرج ضمن أعمال الصيانة للفصل الحالي."),
            resolve(400, "manager", "نُصبت المظلات والمقاعد في موقف الحافلات، وثُبّتت لوحة "
                    "بمواعيد انطلاق الحافلات. شكراً لمقترحك."),
        ),
    ),
    DemoCase(
        "thesis-defence", 19, "14:30", K.COMPLAINT, "eng", CH.WEB,
        service="eng-postgraduate", group=G.POSTGRADUATE,
        subject="تأخر تحديد موعد مناقشة رسالة الماجستير",
        body="سلّمت رسالة الماجستير في قسم الهندسة المدنية منذ ثلاثة أشهر، وأنجز المقوّمان "
        "العلمي واللغوي تقريريهما، ولم يصدر الأمر الجامعي بتشكيل لجنة المناقشة حتى الآن، ومدة "
        "دراستي تنتهي بعد شهرين.",
        remedy="إصدار أمر تشكيل لجنة المناقشة وتحديد موعدها.",
        citizen_name="رسل عبد الجبار حمزة", phone="07801234636", email="rusul.aj@example.org",
        steps=(
            ack(18, "dean"),
            assign(0.5, "dean", "dean"),
            note(24, "dean", "مقترح لجنة المناقشة ينتظر مصادقة مجلس الكلية، وطُلب إدراجه في جدول "
                 "أعمال الجلسة القادمة."),
            resolve(120, "dean", "صادق مجلس الكلية على لجنة المناقشة وصدر الأمر الجامعي بتشكيلها، "
                    "وحُدِّد موعد المناقشة بعد ثلاثة أسابيع بالتنسيق مع قسم شؤون الدراسات العليا "
                    "في رئاسة الجامعة."),
        ),
    ),
    # --- Closed, with every kind of closure.
    DemoCase(
        "transcript-delay", 45, "09:00", K.COMPLAINT, "registrar", CH.WEB,
        service="transcript",
        subject="تأخر إصدار كشف الدرجات أكثر من شهر",
        body="قدّمت طلب كشف درجات منذ أكثر من شهر لغرض التعيين، وكلما راجعت قسم التسجيل يُقال "
        "لي إن الكشف لم يُوقَّع بعد. قدّمت الشكوى أيضاً عبر برنامج حكومة المواطن الإلكترونية.",
        remedy="تسليمي كشف الدرجات بأسرع وقت.",
        citizen_name="بشرى عبد الواحد محسن", phone="07801234623", email="bushra.w@example.org",
        steps=(
            ack(6, "registrar"),
            note(3, "registrar", "كان الكشف بانتظار توقيع معاون العميد للشؤون العلمية في كلية "
                 "الإدارة والاقتصاد بسبب إجازته، وتابعناه مع الكلية."),
            resolve(40, "registrar", "أُنجز كشف الدرجات ووُقِّع، وهو جاهز للاستلام من نافذة قسم "
                    "التسجيل."),
            reply(0.5, "registrar", "نعتذر عن التأخير. كشف الدرجات جاهز، ويمكنك استلامه من نافذة "
                  "قسم التسجيل بإبراز البطاقة الوطنية."),
            close(48, "manager", C.REMEDIED, "أُغلق الطلب في برنامج حكومة المواطن الإلكترونية "
                  "واستُلم رمز الإغلاق.", external=(E_CITIZEN, "IQ-EC-2025-118204")),
        ),
    ),
    DemoCase(
        "parallel-fees", 30, "11:00", K.INQUIRY, OFFICE, CH.PHONE,
        service="general-inquiries",
        subject="أجور الدراسة في الدراسة المسائية لقسم هندسة الحاسوب",
        body="أستفسر عن أجور الدراسة السنوية في الدراسة المسائية لقسم هندسة الحاسوب، وهل يمكن "
        "تسديدها على دفعتين.",
        citizen_name="ناصر عبد الرزاق حميد", phone="07721234624",
        steps=(
            ack(1, "manager"),
            reply(2, "manager", "تحدد الوزارة أجور الدراسة المسائية سنوياً، وتُعلن في دليل القبول "
                  "على موقع الجامعة. ويمكن تسديدها على دفعتين: الأولى عند التسجيل والثانية قبل "
                  "امتحانات نصف السنة."),
            close(24, "manager", C.ANSWERED),
        ),
    ),
    DemoCase(
        "registrar-praise", 25, "20:00", K.PRAISE, "registrar", CH.WEB,
        subject="شكر لموظفي نافذة قسم التسجيل",
        body="أشكر موظفي نافذة قسم التسجيل على سرعة إنجاز وثيقة تخرجي خلال يومين، وعلى حسن "
        "الاستقبال وتوجيهي إلى الخطوات المطلوبة بوضوح.",
        citizen_name="هدى سعدون جبر", phone="07501234625",
        steps=(
            ack(15, "registrar"),
            reply(1, "registrar", "شكراً لكلماتك الطيبة، وقد أبلغنا الموظفين المعنيين بها. نتمنى "
                  "لك التوفيق في حياتك العملية."),
            close(20, "manager", C.NOTED),
        ),
    ),
    DemoCase(
        "library-wifi", 35, "13:00", K.SUGGESTION, "itc", CH.EMAIL,
        service="campus-wifi", group=G.POSTGRADUATE,
        subject="مقترح تقوية شبكة الإنترنت في قاعة المطالعة بالمكتبة المركزية",
        body="تضعف الشبكة اللاسلكية في قاعة المطالعة بالطابق الثاني من المكتبة المركزية، وهي "
        "القاعة التي يستخدمها طلبة الدراسات العليا للبحث في المكتبة الافتراضية العلمية العراقية. "
        "أقترح إضافة نقاط وصول في القاعة.",
        citizen_name="منتظر فاضل عباس", phone="07781234626", email="montadhar.f@example.org",
        steps=(
            ack(18, "itc"),
            note(20, "itc", "قسنا قوة الإشارة في القاعة فوجدناها ضعيفة فعلاً. أُدرجت نقطتا وصول "
                 "إضافيتان في خطة توسيع الشبكة."),
            reply(1, "itc", "شكراً لمقترحك. قسنا قوة الإشارة في قاعة المطالعة وتبيّن ضعفها، "
                  "وأُدرجت نقاط وصول إضافية في خطة توسيع الشبكة."),
            close(30, "manager", C.NOTED),
        ),
    ),
    DemoCase(
        "service-years", 22, "10:30", K.COMPLAINT, OFFICE, CH.WALK_IN,
        service="complaints", group=G.STAFF, national_id="198512345627",
        subject="عدم احتساب الخدمة السابقة لأغراض العلاوة والترفيع",
        body="لم تُحتسب خدمتي السابقة في وزارة الصحة (أربع سنوات) لأغراض العلاوة والترفيع بعد "
        "نقل خدماتي إلى الجامعة.",
        remedy="احتساب الخدمة السابقة لأغراض العلاوة والترفيع.",
        citizen_name="وسن طارق الجنابي", phone="07901234627",
        steps=(
            ack(2, "manager"),
            note(20, "manager", "أفاد قسم الموارد البشرية بأن معاملة احتساب الخدمة قيد الإنجاز "
                 "وتصدر خلال أيام."),
            reply(1, "manager", "تابعنا شكواك مع قسم الموارد البشرية، وأفادوا بأن أمر احتساب "
                  "خدمتك السابقة يصدر خلال أيام."),
            close(60, "manager", C.WITHDRAWN, "حضرت الموظفة إلى المكتب وأبلغت بسحب شكواها بعد "
                  "صدور أمر احتساب الخدمة."),
        ),
    ),
    DemoCase(
        "verification-no-answer", 50, "09:45", K.SERVICE_REQUEST, "registrar", CH.EMAIL,
        service="document-verification",
        subject="صحة صدور شهادة بكالوريوس لغرض التعيين في شركة أهلية",
        body="أرجو تأييد صحة صدور شهادة البكالوريوس الخاصة بي من قسم إدارة الأعمال، لأن الشركة "
        "التي قُبلت فيها تطلب ذلك قبل المباشرة.",
        citizen_name="سيف الدين مؤيد رشيد", phone="07711234628", email="saif.muayad@example.org",
        steps=(
            ack(8, "registrar"),
            ask(1, "registrar", "تُنجز صحة الصدور بناءً على كتاب رسمي من الجهة الطالبة معنون إلى "
                "الجامعة. يرجى تزويدنا بكتاب الشركة ونسخة من الشهادة."),
            close(360, "manager", C.NO_RESPONSE, "لم يرد المواطن على طلب المعلومات خلال خمسة عشر "
                  "يوماً. يمكنه تقديم طلب جديد مع كتاب الجهة الطالبة."),
        ),
    ),
    DemoCase(
        "coursework-marks-again", 9, "09:00", K.COMPLAINT, OFFICE, CH.WHATSAPP,
        service="complaints", group=G.UNDERGRADUATE,
        subject="درجات السعي لمادة هياكل البيانات غير ظاهرة",
        body="أكرر شكواي: درجات السعي لمادة هياكل البيانات لم تظهر في البوابة حتى اليوم.",
        citizen_name="زهراء محمد رضا", phone="07741234609",
        steps=(
            note(2, "reception", "الموضوع نفسه مقدّم من المواطنة عبر البوابة الإلكترونية بالرقم "
                 "{ref:coursework-marks}."),
            reply(0.5, "manager", "شكواك مسجلة لدينا بالرقم {ref:coursework-marks} ومحالة إلى "
                  "قسم هندسة الحاسوب، ويمكنك متابعتها بهذا الرقم."),
            close(0.1, "manager", C.DUPLICATE, "مكررة للشكوى {ref:coursework-marks}."),
        ),
    ),
    DemoCase(
        "traffic-not-competent", 28, "12:00", K.COMPLAINT, OFFICE, CH.BRANCH,
        service="complaints",
        subject="ازدحام مروري أمام البوابة الرئيسية للجامعة",
        body="يتسبب وقوف سيارات الأجرة أمام البوابة الرئيسية للجامعة في ازدحام مروري يومي يعطّل "
        "الشارع العام، وأطلب من الجامعة منع ذلك.",
        citizen_name="قاسم محمد علوان", phone="07801234629",
        steps=(
            note(0.2, "reception", "سُجّلت الشكوى في مكتب استعلامات الحرم الثاني."),
            ack(4, "manager"),
            reply(2, "manager", "تنظيم المرور ومواقف سيارات الأجرة في الشارع العام من اختصاص "
                  "مديرية المرور والبلدية لا الجامعة، فننصحك بتقديم شكواك إليهما. وقد خاطبنا "
                  "مديرية المرور من جهتنا بشأن الازدحام أمام البوابة."),
            close(1, "manager", C.NOT_COMPETENT),
        ),
    ),
    DemoCase(
        "evening-transfer", 38, "16:00", K.COMPLAINT, OFFICE, CH.WEB,
        service="complaints", group=G.UNDERGRADUATE,
        subject="رفض طلب انتقالي من الدراسة المسائية إلى الصباحية",
        body="أنا طالب في المرحلة الثانية بقسم إدارة الأعمال (الدراسة المسائية)، معدلي 78، "
        "وقدّمت طلب انتقال إلى الدراسة الصباحية فرُفض، مع أن زميلاً لي بمعدل أقل انتقل. قدّمت "
        "الشكوى أيضاً عبر برنامج حكومة المواطن الإلكترونية.",
        remedy="الموافقة على انتقالي إلى الدراسة الصباحية.",
        citizen_name="مهند صلاح الدين ياسين", phone="07751234631",
        email="muhannad.s@example.org",
        steps=(
            ack(5, "manager"),
            refer(1, "manager", "adm-business", "للاطلاع وبيان الرأي في طلب الانتقال وأسباب "
                  "رفضه."),
            note(48, "manager", "أفاد قسم إدارة الأعمال بأن الانتقال يتم حسب تسلسل المعدلات ضمن "
                 "المقاعد الشاغرة، وأن حالة الزميل المشار إليه تمت وفق ضوابط خاصة."),
            decide(2, "manager", REJECTED, "يتم الانتقال من الدراسة المسائية إلى "
                   "الصباحية وفق تسلسل المعدلات ضمن المقاعد الشاغرة، وكان أدنى معدل مقبول هذا "
                   "العام 81. أما الحالة التي أشرت إليها فتمت وفق ضوابط خاصة لا تنطبق على طلبك. "
                   "يمكنك التقديم مجدداً في العام القادم."),
            close(24, "manager", C.REJECTED, "أُغلقت الشكوى في برنامج حكومة المواطن الإلكترونية "
                  "مع بيان الأسباب.", external=(E_CITIZEN, "IQ-EC-2025-104377")),
        ),
    ),
    DemoCase(
        "ministry-graduation", 55, "10:00", K.COMPLAINT, OFFICE, CH.LETTER,
        letter_number="ت ع/5/3319", letter_days_before=4,
        subject="كتاب وزارة التعليم العالي بشأن تأخر وثيقة تخرج",
        body="وردنا كتاب وزارة التعليم العالي والبحث العلمي المتضمن طلب الخريج ضياء حسن عبيد "
        "(كلية الهندسة / قسم الهندسة المدنية، 2022) بشأن تأخر إصدار وثيقة تخرجه لغرض معادلتها "
        "في الخارج، وتطلب الوزارة الإجابة بالإجراءات المتخذة.",
        remedy="إصدار وثيقة التخرج.",
        citizen_name="ضياء حسن عبيد", phone="07901234632", email="dhiaa.h@example.org",
        steps=(
            ack(4, "manager"),
            refer(1, "manager", "registrar", "لإنجاز وثيقة التخرج وبيان سبب التأخير لغرض الإجابة "
                  "على كتاب الوزارة."),
            assign(2, "manager", "registrar"),
            note(50, "registrar", "سبب التأخير عدم تسديد الخريج أجور الوثيقة، وقد تواصلنا معه "
                 "وسدّدها."),
            resolve(70, "registrar", "أُنجزت وثيقة التخرج وصُدِّقت، وسُلِّمت إلى الخريج."),
            close(30, "manager", C.REMEDIED, "أجبنا الوزارة بكتابنا المتضمن الإجراءات المتخذة.",
                  external=(ExternalSystem.OTHER, "MOHESR-3319")),
        ),
    ),
    DemoCase(
        "lab-tests-en", 16, "11:15", K.INQUIRY, "eng-civil", CH.EMAIL,
        service="eng-civil-lab-tests", language="en",
        subject="Compressive strength tests for concrete samples",
        body="I am a visiting researcher working on recycled-aggregate concrete. Could the "
        "Department of Civil Engineering test twelve cube samples for compressive strength, and "
        "what are the fees and the expected time?",
        citizen_name="Daniel Okafor", phone="07701234635", email="daniel.okafor@example.org",
        steps=(
            ack(6, "dean"),
            reply(2, "dean", "Dear Dr Okafor, the Construction Materials Laboratory can test your "
                  "samples. Please bring them on any working day, Sunday to Thursday; results are "
                  "ready within ten working days. The fees are posted at the laboratory."),
            close(30, "dean", C.ANSWERED),
        ),
    ),
    # --- A grievance (تظلم) after closure: reopened before a different reviewer.
    DemoCase(
        "grievance-open", 27, "18:00", K.SERVICE_REQUEST, "eng-computer", CH.WEB,
        service="eng-computer-grade-appeal", group=G.UNDERGRADUATE,
        subject="اعتراض على درجة امتحان مادة البرمجة الكيانية",
        body="حصلت على 47 في الامتحان النهائي لمادة البرمجة الكيانية، وأطلب إعادة جمع درجات "
        "الدفتر الامتحاني لأنني أجبت عن جميع الأسئلة.",
        remedy="إعادة جمع الدرجات.",
        citizen_name="آيات كريم حسون", phone="07821234633", email="aayat.k@example.org",
        steps=(
            ack(16, "officer"),
            decide(40, "officer", REJECTED, "أعادت اللجنة الامتحانية جمع درجات الدفتر "
                   "وتدقيق تصحيح الأسئلة، ولم يظهر أي خطأ في الجمع أو سؤال غير مصحّح. تبقى "
                   "الدرجة 47."),
            close(20, "dean", C.REJECTED, "يحق للطالبة التظلم خلال خمسة أيام عمل من تاريخ "
                  "التبليغ."),
            reopen(50, "manager", "قدّمت الطالبة تظلماً ضمن المدة تذكر فيه أن الورقة الإضافية "
                   "الملحقة بالدفتر لم تُصحَّح. يُعاد فتح الطلب ويُنظر فيه من لجنة غير التي "
                   "أصدرت القرار."),
            note(1, "manager", "يُحال التظلم إلى عمادة كلية الهندسة لتشكيل لجنة مراجعة مستقلة."),
        ),
    ),
    DemoCase(
        "grievance-upheld", 58, "19:00", K.SERVICE_REQUEST, "adm-accounting", CH.WEB,
        service="adm-accounting-grade-appeal", group=G.UNDERGRADUATE,
        subject="اعتراض على درجة امتحان مادة محاسبة التكاليف",
        body="ظهرت درجتي في مادة محاسبة التكاليف 38 مع أنني حللت التمارين كاملة، وأطلب إعادة "
        "تدقيق الدفتر الامتحاني.",
        remedy="إعادة تدقيق الدفتر الامتحاني وتصحيح الدرجة.",
        citizen_name="تبارك علي مجيد", phone="07711234634", email="tabarak.ali@example.org",
        steps=(
            ack(14, "officer2"),
            decide(50, "officer2", REJECTED, "أعادت اللجنة الامتحانية جمع الدرجات ولم "
                   "يظهر خطأ، وتبقى الدرجة 38."),
            close(24, "manager", C.REJECTED, "أُبلغت الطالبة بحقها في التظلم خلال خمسة أيام عمل."),
            reopen(48, "manager", "تظلمت الطالبة ضمن المدة وأرفقت ما يثبت أن حل السؤال الثالث "
                   "كُتب في ورقة إضافية. يُعاد فتح الطلب ويُنظر فيه من غير اللجنة التي أصدرت "
                   "القرار."),
            refer(1, "manager", "adm", "تُشكَّل في عمادة كلية الإدارة والاقتصاد لجنة مراجعة "
                  "مستقلة للنظر في التظلم."),
            decide(96, "manager", ACCEPTED, "وجدت لجنة المراجعة أن الورقة الإضافية الملحقة بالدفتر "
                   "لم تُصحَّح، وبعد تصحيحها أصبحت الدرجة 56. يُقبل التظلم وتُعدَّل الدرجة."),
            resolve(24, "manager", "عُدِّلت الدرجة في السجلات والبوابة الإلكترونية، وأُبلغ قسم "
                    "المحاسبة بذلك."),
            close(24, "manager", C.REMEDIED),
        ),
    ),
    # --- Possible duplicates (mithaq.citizens): the same student calls later the same
    # day, and a classmate brings the same problem; the case page suggests both.
    DemoCase(
        "email-password-again", 1, "16:10", K.SERVICE_REQUEST, "itc", CH.PHONE,
        service="university-email", group=G.UNDERGRADUATE,
        subject="تعذر الدخول الى البريد الالكتروني الجامعي",
        body="اتصلت الطالبة مرة ثانية: نسيت كلمة مرور البريد الجامعي ولا يصلها رمز الاستعادة "
        "لان رقم الهاتف المسجل في الحساب قديم.",
        remedy="إعادة تعيين كلمة المرور.",
        citizen_name="مريم حيدر كريم", phone="07701234602",
    ),
    DemoCase(
        "email-password-classmate", 1, "18:25", K.SERVICE_REQUEST, "itc", CH.WEB,
        service="university-email", group=G.UNDERGRADUATE,
        subject="تعذّر الدخول إلى البريد الإلكتروني الجامعي",
        body="نسيت كلمة مرور البريد الجامعي ولا يصلني رمز الاستعادة لأن رقم الهاتف المسجل في "
        "الحساب قديم، مثل زميلتي في المرحلة الثانية.",
        remedy="إعادة تعيين كلمة المرور.",
        citizen_name="زينب عادل حسن", phone="07701234635",
    ),
]  # fmt: skip
