"""Rows of realistic cases and their events, made from phrase banks and the transition table.

Values are plain Python (timestamps in epoch seconds) in the column orders below; the writers
in bench/seed.py turn them into COPY text or model instances."""

import random
from bisect import bisect

from bench import phrases as P
from bench.org import Org
from mithaq.common.crypto import HashKind, encrypt, search_hash


def _event_templates() -> dict:
    """Every event sequence a case in each state may have, checked against states.TRANSITIONS.

    A template is a tuple of (event kind, from_state, to_state, is_public, by_citizen)."""
    from mithaq.cases.states import CITIZEN_RESPONSE, TRANSITIONS, Action, EventKind, State

    E = EventKind
    acts = {
        E.ACKNOWLEDGED: (Action.ACKNOWLEDGE, True),
        E.ASSIGNED: (Action.ASSIGN, False),
        E.REFERRED: (Action.REFER, False),
        E.INFO_REQUESTED: (Action.REQUEST_INFO, True),
        E.REPLIED: (Action.REPLY, True),
        E.NOTE: (Action.NOTE, False),
        E.DECIDED: (Action.DECIDE, True),
        E.RESOLVED: (Action.RESOLVE, True),
        E.CLOSED: (Action.CLOSE, True),
        E.REOPENED: (Action.REOPEN, True),
    }
    S, ACK, REF = E.SUBMITTED, E.ACKNOWLEDGED, E.REFERRED
    INFO, DEC, RES, CLO, REO = E.INFO_REQUESTED, E.DECIDED, E.RESOLVED, E.CLOSED, E.REOPENED
    # (opening, ending): optional work is inserted between the two.
    cores = {
        State.RECEIVED: [((S,), ())],
        State.UNDER_REVIEW: [((S, ACK), ())],
        State.REFERRED: [((S, REF), ()), ((S, ACK, REF), ())],
        State.AWAITING_CITIZEN: [((S, ACK), (INFO,)), ((S, ACK, REF), (INFO,))],
        State.DECIDED: [((S, ACK), (DEC,)), ((S, ACK, REF), (DEC,))],
        State.RESOLVED: [((S, ACK), (RES,)), ((S, ACK, REF), (RES,))],
        State.CLOSED: [
            ((S, ACK), (RES, CLO)),
            ((S, ACK), (CLO,)),
            ((S, ACK), (DEC, CLO)),
            ((S, ACK, REF), (RES, CLO)),
            ((S,), (CLO,)),
        ],
        State.REOPENED: [((S, ACK), (RES, REO)), ((S, ACK), (RES, CLO, REO))],
    }
    middles = []
    for assign in (False, True):
        for info in (False, True):
            for reply in (False, True):
                for notes in (0, 1, 2):
                    middle = (E.ASSIGNED,) * assign + (INFO, E.CITIZEN_RESPONDED) * info
                    middles.append(middle + (E.REPLIED,) * reply + (E.NOTE,) * notes)

    templates: dict = {}
    for target, options in cores.items():
        found = set()
        for opening, ending in options:
            for middle in middles:
                kinds = opening + middle + ending
                if not 2 <= len(kinds) <= 8:
                    continue
                steps, state = [], None
                for kind in kinds:
                    if kind == S:
                        steps.append((kind, "", State.RECEIVED, True, False))
                        state = State.RECEIVED
                        continue
                    if kind == E.CITIZEN_RESPONDED:
                        rule, public, by_citizen = CITIZEN_RESPONSE, True, True
                    else:
                        rule, by_citizen = TRANSITIONS[acts[kind][0]], False
                        public = acts[kind][1]
                    if state not in rule.sources:
                        break
                    if rule.target is None:
                        steps.append((kind, "", "", public, by_citizen))
                    else:
                        steps.append((kind, state, rule.target, public, by_citizen))
                        state = rule.target
                else:
                    if state == target:
                        found.add(tuple(steps))
        templates[target] = sorted(found, key=lambda t: (len(t), [s[0] for s in t]))
        if not templates[target]:
            raise RuntimeError(f"no event sequence reaches {target}: update bench/seed.py")
    return templates


CASE_COLUMNS = [
    "id", "code", "kind", "state", "channel", "unit_id", "service_id", "assignee_id",
    "received_by_id", "subject", "body", "remedy_sought", "is_urgent", "is_collective",
    "head_count", "citizen_name", "citizen_phone", "citizen_email", "citizen_national_id",
    "citizen_phone_hash", "citizen_national_id_hash",
    "citizen_group", "citizen_language", "identity_confidential", "letter_number",
    "letter_date", "decision", "decision_reasons", "closure_code", "external_system",
    "external_reference", "due_at", "created_at", "updated_at", "closed_at", "submission_token",
    "search_text",
]  # fmt: skip
EVENT_COLUMNS = [
    "case_id", "kind", "at", "actor_id", "by_citizen", "from_state", "to_state",
    "from_unit_id", "to_unit_id", "assignee_id", "body", "is_public", "decision",
    "closure_code", "external_system", "external_reference",
]  # fmt: skip

DAY = 86400
YEARS = 2


def _weighted(pairs):
    values = [v for v, _w in pairs]
    total = sum(w for _v, w in pairs)
    cum, acc = [], 0.0
    for _v, w in pairs:
        acc += w / total
        cum.append(acc)
    return values, cum


def _render(bank, rng, count, fill):
    """`count` variants of a phrase bank, each template filled with random words."""
    out = []
    for i in range(count):
        template = bank[i % len(bank)]
        out.append(template.format_map(fill(rng)) if "{" in template else template)
    return out


# Calendar days roughly matching the default commitments (15 working days for the whole
# answer, 3 for an urgent appeal): seeded data only needs plausible due dates.
ANSWER_DAYS = {
    "complaint": 21,
    "suggestion": 21,
    "inquiry": 21,
    "service_request": 21,
    "president_request": 21,
    "praise": 21,
}
URGENT_ANSWER_DAYS = 4


class Generator:
    """Makes the rows of a range of case ids. Built once in the parent, used in the workers."""

    def __init__(self, org: Org, now: int, existing_codes: set, seed: int = 1):
        from mithaq.cases.models import CODE_ALPHABET
        from mithaq.cases.states import (
            Channel,
            CitizenGroup,
            ClosureCode,
            Decision,
            ExternalSystem,
            Kind,
            State,
        )

        self.org, self.now, self.existing_codes = org, now, existing_codes
        self.alphabet = CODE_ALPHABET
        self.templates = _event_templates()
        self.start = now - YEARS * 365 * DAY
        self.response_days = ANSWER_DAYS
        self.urgent_days = URGENT_ANSWER_DAYS
        rng = random.Random(seed)

        K = Kind
        self.kinds = _weighted([(K.COMPLAINT, 45), (K.INQUIRY, 20), (K.SERVICE_REQUEST, 18),
                                (K.SUGGESTION, 8), (K.PRESIDENT_REQUEST, 5), (K.PRAISE, 4)])  # fmt: skip
        C = Channel
        self.channels = _weighted([(C.WEB, 40), (C.WALK_IN, 15), (C.PHONE, 10), (C.HOTLINE, 5),
                                   (C.LETTER, 8), (C.EMAIL, 8), (C.SOCIAL, 4), (C.WHATSAPP, 8),
                                   (C.BRANCH, 2)])  # fmt: skip
        G = CitizenGroup
        self.groups = _weighted([(G.UNDERGRADUATE, 45), (G.POSTGRADUATE, 10), (G.FACULTY, 8),
                                 (G.STAFF, 12), (G.COMMUNITY, 25)])  # fmt: skip
        S = State
        # A case's state follows its age: young cases are open, old ones mostly closed.
        self.state_by_age = [
            (3, _weighted([(S.RECEIVED, 45), (S.UNDER_REVIEW, 35), (S.REFERRED, 10),
                           (S.AWAITING_CITIZEN, 5), (S.RESOLVED, 5)])),
            (30, _weighted([(S.RECEIVED, 5), (S.UNDER_REVIEW, 25), (S.REFERRED, 20),
                            (S.AWAITING_CITIZEN, 12), (S.DECIDED, 8), (S.RESOLVED, 15),
                            (S.CLOSED, 13), (S.REOPENED, 2)])),
            (180, _weighted([(S.RECEIVED, 1), (S.UNDER_REVIEW, 5), (S.REFERRED, 5),
                             (S.AWAITING_CITIZEN, 4), (S.DECIDED, 5), (S.RESOLVED, 10),
                             (S.CLOSED, 68), (S.REOPENED, 2)])),
            (10**9, _weighted([(S.UNDER_REVIEW, 1), (S.REFERRED, 1), (S.AWAITING_CITIZEN, 1),
                               (S.RESOLVED, 3), (S.CLOSED, 93), (S.REOPENED, 1)])),
        ]  # fmt: skip
        self.closed, self.reopened = S.CLOSED, S.REOPENED
        self.web, self.letter = C.WEB, C.LETTER
        self.noted_kinds = {K.SUGGESTION, K.PRAISE}
        self.closure_codes = [c for c in ClosureCode if c not in (ClosureCode.NOTED,)]
        self.closure_noted, self.closure_rejected = ClosureCode.NOTED, ClosureCode.REJECTED
        self.accepted, self.rejected = Decision.ACCEPTED, Decision.REJECTED
        self.external = [ExternalSystem.IQ_ECITIZEN, ExternalSystem.EG_UNIFIED]

        self.unit_ids = [u for u, _n in org.units]
        _v, self.unit_cum = _weighted(
            list(zip(range(len(org.units)), org.unit_weights, strict=True))
        )

        def words(r):
            return {
                "doc": r.choice(P.DOCUMENTS), "place": r.choice(P.PLACES),
                "role": r.choice(P.STAFF_ROLES), "utility": r.choice(P.UTILITIES),
                "stage": r.choice(P.STAGES), "unit": r.choice(org.units)[1],
                "year": r.randint(2010, 2024), "n": r.randint(2, 9),
                "date": f"{r.randint(1, 28)}/{r.randint(1, 12)}/{r.randint(2023, 2025)}",
                "problem": r.choice(P.PROBLEMS_SHORT),
            }  # fmt: skip

        subjects = {
            K.COMPLAINT: P.COMPLAINT_SUBJECTS, K.SUGGESTION: P.SUGGESTION_SUBJECTS,
            K.INQUIRY: P.INQUIRY_SUBJECTS, K.SERVICE_REQUEST: P.REQUEST_SUBJECTS,
            K.PRESIDENT_REQUEST: P.PRESIDENT_SUBJECTS, K.PRAISE: P.PRAISE_SUBJECTS,
        }  # fmt: skip
        self.subjects = {str(k): _render(bank, rng, 400, words) for k, bank in subjects.items()}
        self.sentences = [
            _render(bank, rng, 300, words)
            for bank in (P.OPENINGS, P.INTRODUCTIONS, P.PROBLEMS, P.IMPACTS, P.REQUESTS, P.CLOSINGS)
        ]
        self.remedies = _render(P.REMEDIES, rng, 200, words)
        from mithaq.cases.states import EventKind as E

        self.event_bodies = {
            E.NOTE: _render(P.NOTES, rng, 300, words),
            E.REPLIED: _render(P.REPLIES, rng, 300, words),
            E.INFO_REQUESTED: _render(P.QUESTIONS, rng, 200, words),
            E.CITIZEN_RESPONDED: _render(P.CITIZEN_ANSWERS, rng, 200, words),
            E.REFERRED: _render(P.REFERRAL_REASONS, rng, 300, words),
            E.DECIDED: _render(P.DECISION_REASONS, rng, 50, words),
            E.RESOLVED: _render(P.RESOLUTIONS, rng, 200, words),
            E.REOPENED: _render(P.REOPEN_REASONS, rng, 50, words),
            E.CLOSED: ["", "", "أُغلقت الحالة بعد إبلاغ المواطن."],
        }
        # The search document (mithaq.common.search_text) is composed from phrases normalised once
        # here, not per case: the seeder stays as fast as before.
        from mithaq.common.search_text import SEP, _terms

        self.search_sep = SEP
        self.terms = _terms
        self.subject_terms = {k: [_terms([s]) for s in v] for k, v in self.subjects.items()}
        self.sentence_terms = [[_terms([s]) for s in bank] for bank in self.sentences]
        self.remedy_terms = [_terms([s]) for s in self.remedies]
        self.searched_events = {E.REPLIED, E.CITIZEN_RESPONDED}
        self.name_terms: dict = {}
        self.sealed_phones: dict = {}
        self.kind_submitted, self.kind_assigned = E.SUBMITTED, E.ASSIGNED
        self.kind_referred, self.kind_decided, self.kind_closed = E.REFERRED, E.DECIDED, E.CLOSED

    # Citizens come back: a phone number (and its owner) is drawn from a pool.
    def citizen(self, index: int):
        h = (index * 2654435761) & 0xFFFFFFFF
        if index % 10 < 7:
            phone = f"+9647{'7859'[h % 4]}{(index * 7919) % 100000000:08d}"
        else:
            phone = f"+201{'0125'[h % 4]}{(index * 104729) % 100000000:08d}"
        female = h & 1
        first = (P.FEMALE_NAMES if female else P.MALE_NAMES)[(h >> 1) % (20 if female else 30)]
        name = f"{first} {P.FATHER_NAMES[(h >> 6) % 20]} {P.FAMILY_NAMES[(h >> 11) % 24]}"
        email = ""
        if (h >> 16) % 10 < 4:
            handle = P.LATIN_HANDLES[(h >> 20) % len(P.LATIN_HANDLES)]
            email = f"{handle}.{index % 100000}@{P.EMAIL_DOMAINS[(h >> 25) % 5]}"
        return name, phone, email

    def code(self, case_id: int) -> str:
        # An affine bijection of the code space: unique per id, and it looks random.
        space = 25**8
        x = (case_id * 6364136223846793 + 1442695040888963407) % space
        a = self.alphabet
        chars = []
        for _ in range(8):
            x, d = divmod(x, 25)
            chars.append(a[d])
        code = f"{''.join(chars[:4])}-{''.join(chars[4:])}"
        if code in self.existing_codes:  # a code the portal drew at random
            return self.code(case_id + 10**12)
        return code

    def rows(self, first_id: int, count: int, seed: int):
        """Yield (case row, [event rows]) for ids first_id .. first_id + count - 1.

        Timestamps are epoch seconds; the writers turn them into their database's form."""
        rng = random.Random(seed)
        r = rng.random
        kinds, kinds_cum = self.kinds
        channels, channels_cum = self.channels
        groups, groups_cum = self.groups
        unit_ids, unit_cum = self.unit_ids, self.unit_cum
        org, now, start = self.org, self.now, self.start
        span = now - start
        citizens = max(1000, int((first_id + count) * 0.6))
        office_id = org.office_id
        office_staff, reception = org.office_staff, org.reception
        sentences = self.sentences
        bodies = self.event_bodies
        sentence_terms, searched = self.sentence_terms, self.searched_events
        terms, name_terms = self.terms, self.name_terms
        for case_id in range(first_id, first_id + count):
            kind = kinds[bisect(kinds_cum, r())]
            channel = channels[bisect(channels_cum, r())]
            unit_id = unit_ids[bisect(unit_cum, r())]
            # More cases every month: the density grows linearly over the two years.
            created = start + int(span * ((1 + 3 * r()) ** 0.5 - 1))
            if channel != self.web:  # staff register during office hours (08:00-15:00 Baghdad)
                created = created - created % DAY + 5 * 3600 + int(r() * 7 * 3600)
            if created > now - 600:  # room for the events that follow
                created -= DAY
            age_days = (now - created) // DAY
            for limit, (states, cum) in self.state_by_age:
                if age_days < limit:
                    state = states[bisect(cum, r())]
                    break
            template = rng.choice(self.templates[state])

            services = org.services.get(unit_id)
            service_id, days = (None, None)
            if services and r() < 0.6:
                service_id, days = services[int(r() * len(services))]
            urgent = r() < 0.02
            if urgent:
                days = self.urgent_days
            elif days is None:
                days = self.response_days[kind]
            officers = office_staff if unit_id == office_id else org.officers.get(unit_id)
            officers = officers or office_staff
            received_by = None if channel == self.web else reception[int(r() * len(reception))]
            name, phone, email = self.citizen(int(r() * citizens))
            if channel != self.web and r() < 0.5:
                email = ""
            collective = r() < 0.05

            # Events, at growing times that end before now.
            n = len(template)
            gap = min((now - created) // n, 8 * DAY)
            at = created
            events = []
            replies = []
            assignee = None
            current_unit = unit_id
            referred_from = None
            decision = decision_reasons = closure_code = ""
            closed_at = None
            last_closed = None
            for i, (ek, from_state, to_state, public, by_citizen) in enumerate(template):
                event_decision = event_closure = ""
                if i:
                    at += 1 + int(r() * gap)
                actor = None
                from_unit = to_unit = event_assignee = None
                body = ""
                if ek == self.kind_submitted:
                    actor = received_by
                    if any(t[0] == self.kind_referred for t in template):
                        referred_from = (
                            office_id if r() < 0.7 else unit_ids[int(r() * len(unit_ids))]
                        )
                        if referred_from == unit_id:
                            referred_from = office_id if unit_id != office_id else unit_ids[-1]
                        current_unit = referred_from
                    to_unit = current_unit
                else:
                    staff = officers if current_unit == unit_id else office_staff
                    if current_unit not in (unit_id, office_id):
                        staff = org.officers.get(current_unit) or office_staff
                    if not by_citizen:
                        actor = assignee or staff[int(r() * len(staff))]
                    if ek == self.kind_assigned:
                        assignee = event_assignee = staff[int(r() * len(staff))]
                    elif ek == self.kind_referred:
                        from_unit, to_unit = current_unit, unit_id
                        current_unit, assignee = unit_id, None
                        body = bodies[ek][int(r() * len(bodies[ek]))]
                    else:
                        bank = bodies.get(ek)
                        if bank:
                            body = bank[int(r() * len(bank))]
                            if ek in searched:
                                replies.append(body)
                    if ek == self.kind_decided:
                        decision = self.accepted if r() < 0.7 else self.rejected
                        decision_reasons, event_decision = body, decision
                    elif ek == self.kind_closed:
                        closed_at = at
                        if kind in self.noted_kinds:
                            closure_code = self.closure_noted
                        elif decision == self.rejected:
                            closure_code = self.closure_rejected
                        else:
                            closure_code = self.closure_codes[int(r() * len(self.closure_codes))]
                        event_closure, last_closed = closure_code, len(events)
                # The event keeps the outcome it gave, as CaseEvent does (decided: the
                # decision; closed: the closure code, and the external reference below).
                events.append(
                    [case_id, ek, at, actor, by_citizen, from_state, to_state, from_unit,
                     to_unit, event_assignee, body, public, event_decision, event_closure, "", ""]
                )  # fmt: skip
            if state == self.reopened:
                closed_at, closure_code = None, ""
            external_system = external_reference = ""
            if state == self.closed and r() < 0.05:
                external_system = self.external[int(r() * 2)]
                external_reference = f"{int(r() * 10**9):09d}"
                events[last_closed][-2:] = [external_system, external_reference]
            letter_number, letter_date = "", None
            if channel == self.letter:
                letter_number = f"{int(r() * 9000) + 100}/{int(r() * 900) + 100}"
                letter_date = created - int(r() * 10) * DAY
            picks = [
                (0, int(r() * 300)),
                (1, int(r() * 300)),
                (2, int(r() * 300)),
                (2, int(r() * 300)) if r() < 0.4 else None,
                (3, int(r() * 300)),
                (4, int(r() * 300)),
                (5, int(r() * 300)),
            ]
            picks = [p for p in picks if p is not None]
            body = "\n".join(sentences[b][i] for b, i in picks)
            subject_index = int(r() * 400)
            remedy_index = int(r() * 200) if r() < 0.5 else None
            national_id = f"{int(r() * 10**12):012d}" if r() < 0.2 else ""
            code = self.code(case_id)
            if name not in name_terms:
                name_terms[name] = terms([name])
            # Encrypted and hashed as mithaq.common.crypto does (a returning citizen's phone
            # keeps its one token: any token of it decrypts the same).
            if phone not in self.sealed_phones:
                self.sealed_phones[phone] = (encrypt(phone), search_hash(HashKind.PHONE, phone))
            sealed_phone, phone_hash = self.sealed_phones[phone]
            sealed_id = encrypt(national_id)
            id_hash = search_hash(HashKind.NATIONAL_ID, national_id)
            # As mithaq.common.search_text.build_search_text makes it (checked in seed's sample):
            # the name, not the phone or the ID.
            search_text = (
                name_terms[name]
                + self.search_sep
                + " ".join(
                    part
                    for part in (
                        terms([code, code.replace("-", ""), letter_number, external_reference]),
                        self.subject_terms[kind][subject_index],
                        *(sentence_terms[b][i] for b, i in picks),
                        *((self.remedy_terms[remedy_index],) if remedy_index is not None else ()),
                        *(terms([reply]) for reply in replies),
                    )
                    if part
                )
            )
            yield (
                (
                    case_id, code, kind, state, channel, unit_id, service_id,
                    assignee, received_by, self.subjects[kind][subject_index], body,
                    self.remedies[remedy_index] if remedy_index is not None else "", urgent,
                    collective, 2 + int(r() * 40) if collective else 1, name, sealed_phone,
                    email, sealed_id, phone_hash, id_hash, groups[bisect(groups_cum, r())], "ar", r() < 0.03,
                    letter_number, letter_date, decision, decision_reasons, closure_code,
                    external_system, external_reference, created + days * DAY, created, at,
                    closed_at, None, search_text,
                ),
                events,
            )  # fmt: skip
