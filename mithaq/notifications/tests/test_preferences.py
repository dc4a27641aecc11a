"""The citizen's contact preferences in the registry decide which messages are written: a
refused channel gets nothing, a preferred one is used alone, the preferred language picks
the template; a case with no registry record is written to as before."""

import pytest
from django.urls import reverse

from mithaq.cases import services as cases
from mithaq.cases.models import Case
from mithaq.cases.states import Channel
from mithaq.citizens import services as registry
from mithaq.notifications.models import Message
from mithaq.testing import make_case

pytestmark = pytest.mark.django_db


def prefer(org, case, *, preferred_channel="", language="ar", **allows):
    """The registry's preferences for the case's citizen, as the office records them."""
    registry.update_preferences(
        citizen=case.citizen,
        actor=org.office_manager,
        **({"allow_sms": True, "allow_email": True, "allow_whatsapp": False} | allows),
        preferred_channel=preferred_channel,
        language=language,
    )


def channels_of(case, event_key):
    return sorted(
        Message.objects.filter(
            case=case, recipient_kind="citizen", event_key=event_key
        ).values_list("channel", flat=True)
    )


def reply(org, case, body="نعمل على طلبكم"):
    cases.reply_to_citizen(case=case, actor=org.officer_a, body=body)


def test_a_refused_channel_gets_no_message(org):
    case = make_case(org)
    prefer(org, case, allow_sms=False)
    reply(org, case)
    assert channels_of(case, "replied") == ["email"]


def test_a_refusal_counts_from_the_submission_of_the_next_case(org):
    first = make_case(org)
    prefer(org, first, allow_email=False)
    second = make_case(org)
    assert second.citizen_id == first.citizen_id
    assert channels_of(second, "received") == ["sms"]


def test_a_preference_change_after_submission_affects_the_next_message(org):
    case = make_case(org)
    assert channels_of(case, "received") == ["email", "sms"]
    prefer(org, case, allow_sms=False)
    cases.request_information(case=case, actor=org.officer_a, question="صورة الهوية")
    assert channels_of(case, "info_requested") == ["email"]
    prefer(org, case, preferred_channel="sms")
    cases.record_citizen_response(case=case, body="أرسلتها")
    reply(org, case)
    assert channels_of(case, "replied") == ["sms"]
    # What was already written stays as it was.
    assert channels_of(case, "received") == ["email", "sms"]


def test_the_preferred_channel_is_used_alone(org):
    case = make_case(org)
    prefer(org, case, preferred_channel="email")
    reply(org, case)
    assert channels_of(case, "replied") == ["email"]


def test_a_preferred_channel_without_an_address_falls_back_to_the_others(org):
    first = make_case(org)
    prefer(org, first, preferred_channel="email")
    # The same person brings a case without an email: the registry keeps theirs, but the
    # case (whose address the dispatcher uses) has none.
    second = make_case(org, citizen_email="")
    assert second.citizen_id == first.citizen_id
    assert channels_of(second, "received") == ["sms"]


def test_preferred_whatsapp_when_it_is_configured(org, settings):
    settings.MITHAQ_TRANSPORTS = settings.MITHAQ_TRANSPORTS | {"whatsapp": "whatsapp"}
    case = make_case(org)
    prefer(org, case, allow_whatsapp=True, preferred_channel="whatsapp")
    reply(org, case)
    assert channels_of(case, "replied") == ["whatsapp"]


def test_preferred_whatsapp_that_is_not_configured_falls_back(org, settings):
    settings.MITHAQ_TRANSPORTS = settings.MITHAQ_TRANSPORTS | {"whatsapp": "console"}
    case = make_case(org)
    prefer(org, case, allow_whatsapp=True, preferred_channel="whatsapp")
    reply(org, case)
    assert channels_of(case, "replied") == ["email", "sms"]


def test_a_person_first_met_on_whatsapp_is_answered_there(org, settings):
    settings.MITHAQ_TRANSPORTS = settings.MITHAQ_TRANSPORTS | {"whatsapp": "whatsapp"}
    case = make_case(org, channel=Channel.WHATSAPP, received_by=org.reception, citizen_email="")
    assert case.citizen.allow_whatsapp
    assert channels_of(case, "received") == ["whatsapp"]


def test_a_citizen_who_came_by_whatsapp_but_does_not_allow_it_gets_sms(org, settings):
    settings.MITHAQ_TRANSPORTS = settings.MITHAQ_TRANSPORTS | {"whatsapp": "whatsapp"}
    # The person is in the registry already, from a web case, and has not allowed WhatsApp.
    make_case(org, citizen_email="")
    case = make_case(org, channel=Channel.WHATSAPP, received_by=org.reception, citizen_email="")
    assert not case.citizen.allow_whatsapp
    assert channels_of(case, "received") == ["sms"]
    prefer(org, case, allow_whatsapp=True)
    reply(org, case)
    assert channels_of(case, "replied") == ["whatsapp"]


def test_sms_refused_and_whatsapp_allowed_reaches_the_phone_by_whatsapp(org, settings):
    settings.MITHAQ_TRANSPORTS = settings.MITHAQ_TRANSPORTS | {"whatsapp": "whatsapp"}
    case = make_case(org, citizen_email="")
    prefer(org, case, allow_sms=False, allow_whatsapp=True)
    reply(org, case)
    assert channels_of(case, "replied") == ["whatsapp"]


def test_the_preferred_language_picks_the_template(org):
    case = make_case(org, citizen_language="ar")
    prefer(org, case, language="en")
    reply(org, case)
    sms = Message.objects.get(case=case, event_key="replied", channel="sms")
    assert sms.language == "en" and sms.body.startswith("There is a reply to your case")


def test_a_case_with_no_registry_record_is_written_to_as_before(org):
    case = make_case(org, citizen_language="en")
    prefer(org, case, allow_sms=False, allow_email=False, language="ar")
    Case.objects.filter(pk=case.pk).update(citizen=None)
    case = Case.objects.select_related("unit").get(pk=case.pk)
    reply(org, case)
    assert channels_of(case, "replied") == ["email", "sms"]
    sms = Message.objects.get(case=case, event_key="replied", channel="sms")
    assert sms.language == "en"


def test_an_urgent_case_does_not_override_a_refusal(org):
    first = make_case(org)
    prefer(org, first, allow_sms=False)
    urgent = make_case(org, is_urgent=True)
    assert urgent.is_urgent and urgent.citizen_id == first.citizen_id
    assert channels_of(urgent, "received") == ["email"]


def test_refusing_every_channel_writes_nothing_and_the_web_still_tracks(org, client):
    first = make_case(org)
    prefer(org, first, allow_sms=False, allow_email=False, allow_whatsapp=False)
    case = make_case(org)
    reply(org, case)
    assert not Message.objects.filter(case=case, recipient_kind="citizen").exists()
    # Staff are written to as always.
    cases.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    assert Message.objects.filter(case=case, recipient_kind="staff", event_key="assigned")
    response = client.post(
        reverse("portal:track"), {"code": case.code, "contact": case.citizen_phone}
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_staff_messages_do_not_read_citizen_preferences(org):
    case = make_case(org)
    prefer(org, case, allow_sms=False, allow_email=False, language="en")
    cases.assign_case(case=case, actor=org.office_manager, assignee=org.officer_a)
    (message,) = Message.objects.filter(case=case, recipient_kind="staff", event_key="assigned")
    assert org.officer_a.language == "ar"
    assert (message.channel, message.language) == ("email", "ar")
