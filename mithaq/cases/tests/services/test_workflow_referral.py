"""`refer_case`: moving a case to another unit."""

import pytest
from django.core.exceptions import ValidationError

from mithaq.cases.services import (
    acknowledge_case,
    assign_case,
    refer_case,
)
from mithaq.cases.states import (
    EventKind,
    State,
)
from mithaq.testing import make_case

from .conftest import later, reload, snapshot

# Referral --------------------------------------------------------------------------------


class TestReferCase:
    def test_referral_moves_the_case_and_records_both_units(self, org, case_a):
        acknowledge_case(case=case_a, actor=org.officer_a)
        now = later()
        refer_case(
            case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason=" ليس لنا ", now=now
        )
        stored = reload(case_a)
        assert (stored.unit, stored.state) == (org.dept_b, State.REFERRED)
        event = stored.events.last()
        assert (event.kind, event.from_unit, event.to_unit) == (
            EventKind.REFERRED,
            org.dept_a,
            org.dept_b,
        )
        assert (event.from_state, event.to_state) == (State.UNDER_REVIEW, State.REFERRED)
        assert (event.body, event.actor, event.at, event.is_public) == (
            "ليس لنا",
            org.officer_a,
            now,
            False,
        )

    def test_referral_clears_the_assignee(self, org, case_a):
        assign_case(case=case_a, actor=org.office_manager, assignee=org.officer_a)
        refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason="ليس لنا")
        assert reload(case_a).assignee is None

    def test_referral_drops_a_service_of_another_unit(self, org):
        case = make_case(org, service=org.service_a)
        refer_case(case=case, actor=org.officer_a, to_unit=org.dept_b, reason="ليس لنا")
        assert reload(case).service is None

    def test_a_referred_case_can_be_referred_on(self, org, case_a):
        refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_a2, reason="للكهرباء")
        refer_case(case=case_a, actor=org.officer_a2, to_unit=org.dept_b, reason="للجراحة")
        last = reload(case_a).events.last()
        assert (last.from_unit, last.to_unit) == (org.dept_a2, org.dept_b)
        assert (last.from_state, last.to_state) == (State.REFERRED, State.REFERRED)

    @pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
    def test_referral_needs_a_reason(self, org, case_a, reason):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason=reason)
        assert refused.value.code == "reason"
        assert snapshot(case_a) == before

    def test_referral_to_the_same_unit_is_refused(self, org, case_a):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_a, reason="إعادة")
        assert refused.value.code == "same_unit"
        assert snapshot(case_a) == before

    def test_referral_to_a_unit_that_takes_no_cases_is_refused(self, org, case_a):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            refer_case(case=case_a, actor=org.officer_a, to_unit=org.root, reason="للرئاسة")
        assert refused.value.code == "unit"
        assert snapshot(case_a) == before

    def test_referral_to_an_inactive_unit_is_refused(self, org, case_a):
        org.dept_b.is_active = False
        org.dept_b.save()
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            refer_case(case=case_a, actor=org.officer_a, to_unit=org.dept_b, reason="للجراحة")
        assert refused.value.code == "unit"
        assert snapshot(case_a) == before
