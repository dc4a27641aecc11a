"""Short signed links (mithaq.common.links): a link opens the row it was made for, for a
while, and nothing else."""

import datetime

import pytest

from mithaq.common import links

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def test_a_token_gives_back_its_id_within_its_age():
    token = links.make_token("survey-case", 4711, now=T0)
    assert links.read_token("survey-case", token, max_age=30 * DAY, now=T0 + 29 * DAY) == 4711


def test_a_token_older_than_its_age_is_expired_with_its_date():
    token = links.make_token("survey-case", 4711, now=T0)
    with pytest.raises(links.ExpiredLink) as caught:
        links.read_token("survey-case", token, max_age=30 * DAY, now=T0 + 30 * DAY + DAY)
    assert caught.value.made_at == T0


def test_another_id_under_the_same_signature_is_refused():
    token = links.make_token("survey-case", 4711, now=T0)
    other = links.make_token("survey-case", 4712, now=T0)
    forged = other.split(".")[0] + "." + ".".join(token.split(".")[1:])
    with pytest.raises(links.BadLink):
        links.read_token("survey-case", forged, max_age=30 * DAY, now=T0)


def test_a_token_of_another_purpose_is_refused():
    token = links.make_token("survey-ticket", 4711, now=T0)
    with pytest.raises(links.BadLink):
        links.read_token("survey-case", token, max_age=30 * DAY, now=T0)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "1.2", "1.2.3.4", "ZZ.ZZ." + "x" * 22])
def test_garbage_is_a_bad_link(token):
    with pytest.raises(links.BadLink):
        links.read_token("survey-case", token, max_age=30 * DAY, now=T0)


def test_a_token_is_short_enough_for_an_sms():
    assert len(links.make_token("survey-case", 10_000_000, now=T0)) <= 40
