"""Access-matrix rows of the citizen's voice (issue 15): the grievance on the portal, and the
surveys (mithaq/surveys): the personal link anyone holding it
opens, the window's tablet for the hall's staff, and the satisfaction pages: the figures
for every member of staff (their own at least), the comments and the follow-up list for
those who oversee units, their moderation for the managers of the answer's unit."""

from mithaq.cases import services
from mithaq.cases.states import ClosureCode, Decision, Kind
from mithaq.common import links
from mithaq.surveys import services as surveys
from mithaq.surveys.services import Answer
from mithaq.testing import make_case
from tests.access_personas import STAFF, everyone, only


def extend_world(world):
    org = world["org"]
    case = services.close_case(
        case=make_case(org, subject="شكوى للاستبيان"),
        actor=org.office_manager,
        closure_code=ClosureCode.ANSWERED,
    )
    # A low answer with a comment: on the follow-up list, with a comment to moderate.
    answer = surveys.answer_case_survey(
        case=case, answer=Answer(satisfaction=1, effort=2, resolved="no", comment="سيئ")
    )
    world["survey_path_args"] = ["c", links.make_token("survey-case", case.pk)]
    world["case_token"] = links.make_token("case", world["case"].pk)
    world["survey_answer"] = answer.pk
    world["follow_up"] = answer.follow_up.pk
    # An accepted suggestion, whose outcome the office records.
    idea = make_case(org, kind=Kind.SUGGESTION, subject="اقتراح للمتابعة")
    services.acknowledge_case(case=idea, actor=org.office_manager)
    idea = services.decide_case(
        case=idea, actor=org.office_manager, decision=Decision.ACCEPTED, reasons="مفيد"
    )
    world["suggestion"] = idea.code


HALL_STAFF = only(200, "officer_a", "reception", "office_manager", "manager_college_a")
# Who oversees units' satisfaction: the office's managers, leadership, auditors, and a unit
# manager for their units (the answer above is civil engineering's, under college A).
OVERSEERS = only(200, "manager_college_a", "office_manager", "leader", "auditor")
# Who moderates civil engineering's comments and closes its follow-ups.
MODERATORS = only(302, "manager_college_a", "office_manager")

MATRIX = {
    # The citizen's grievance (mithaq/cases/views/public.py): without a tracked case in the
    # session, back to the tracking form, whoever asks.
    "portal:grievance": ("post", lambda w: [w["code"]], everyone(302)),
    # The SMS's short link: the four-digit form, for whoever holds the link.
    "portal:open": ("get", lambda w: [w["case_token"]], everyone(200)),
    "surveys:answer": ("get", lambda w: w["survey_path_args"], everyone(200)),
    "surveys:tablet": ("get", lambda w: [w["hall"], 1], HALL_STAFF),
    "satisfaction:results": ("get", lambda w: [], STAFF),
    "satisfaction:comments": ("get", lambda w: [], OVERSEERS),
    "satisfaction:follow_up": ("get", lambda w: [], OVERSEERS),
    "satisfaction:comment_hide": ("post", lambda w: [w["survey_answer"]], MODERATORS),
    "satisfaction:comment_acted": ("post", lambda w: [w["survey_answer"]], MODERATORS),
    "satisfaction:follow_up_done": ("post", lambda w: [w["follow_up"]], MODERATORS),
    # Suggestions followed to the end: the citizens' affairs office records their stages
    # (as it routes cases); the public page "you said, we did" is anyone's.
    "satisfaction:suggestions": ("get", lambda w: [], only(200, "office_manager")),
    "satisfaction:suggestion": ("get", lambda w: [w["suggestion"]], only(200, "office_manager")),
    "you_said:index": ("get", lambda w: [], everyone(200)),
}
