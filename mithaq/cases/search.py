"""Search over cases, the way people type: a reference, a phone number in any format (also in
Arabic-Indic digits), a national ID, or words in any spelling that normalises alike.

    search(cases_visible_to(request), q, access=access_for(request))

The queryset passed in is already limited to what the person may see; this narrows it. The
identity terms of a confidential case (name, phone, ID) are matched only for people who may
see its identity (`StaffAccess.may_see_identity`): anyone else finds such a case by its
reference and its content words only.

PostgreSQL: full-text search (the words of the text normalised by mithaq.common.search_text, as
lexemes, with the `case_search_fts` expression index), the last word matched as a
prefix while the user types; when that finds nothing the inbox falls back to trigram
similarity on the identity part (`fuzzy`), where typed names go wrong. SQLite: LIKE per word
on the same normalised text.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.lookups import Contains

from mithaq.cases.models import CODE_ALPHABET
from mithaq.common.phones import parse_phone
from mithaq.common.search_text import normalize_for_search, strip_article, words

MAX_TERMS = 8
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-?[{CODE_ALPHABET}]{{4}}$")
_NUMBER = re.compile(r"^\+?\d{7,15}$")
_PUNCTUATION = re.compile(r"[\s\-().]")


@dataclass(frozen=True)
class Parsed:
    """What a query is: "code", "number", "words", or "empty"."""

    kind: str
    code: str = ""
    phone: str = ""
    digits: str = ""
    terms: tuple[str, ...] = field(default_factory=tuple)
    # A number whose `phone` and `digits` are already their search hashes
    # (mithaq.common.crypto): the baked inbox page passes them so (cases.selectors).
    hashed: bool = False


def parse(q: str) -> Parsed:
    text = normalize_for_search(q or "")
    compact = _PUNCTUATION.sub("", text)
    if _CODE.match(compact.upper()):
        code = compact.upper()
        code = f"{code[:4]}-{code[4:]}"
        if "-" in text or " " in text or any(c.isdigit() for c in compact):
            return Parsed("code", code=code)
        # Eight letters could be a word as well as a reference ("accepted"): both are tried.
        return Parsed("code", code=code, terms=(compact,))
    if _NUMBER.match(compact):
        try:
            phone = parse_phone(compact)
        except ValidationError:
            phone = ""
        return Parsed("number", phone=phone, digits=compact.lstrip("+"))
    terms = []
    for word in words(text):
        term = strip_article(word).strip("_")
        if term and term not in terms:
            terms.append(term)
    if not terms:
        return Parsed("empty")
    return Parsed("words", terms=tuple(terms[:MAX_TERMS]))


def sees_every_identity(access) -> bool:
    """As StaffAccess.may_see_identity for a confidential case not registered by them."""
    return access.names_every_citizen


def identity_visible(access) -> Q | None:
    """The cases whose citizen this person may see named (None: all of them)."""
    if sees_every_identity(access):
        return None
    return Q(identity_confidential=False) | Q(received_by=access.user)


class _TsMatch(Func):
    """<text>'s words as a tsvector @@ <query> as a tsquery of literal lexemes: the very
    expression of the case_search_fts index (migration 0002) when <text> is the search_text
    column. The document's words are already normalised (mithaq.common.search_text), so neither
    side goes through a text-search parser or dictionary."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        text_sql, text_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"array_to_tsvector(array_remove(string_to_array("
            f"translate({text_sql}, chr(31), ' '), ' '), '')) @@ CAST({query_sql} AS tsquery)"
        )
        return sql, (*text_params, *query_params)


class _Part(Func):
    """One part of the search document (see mithaq.common.search_text.SEP): 1 identity, 2 content."""

    output_field = TextField()

    def __init__(self, expression, part: int):
        super().__init__(expression)
        self.part = part

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"split_part({sql}, chr(31), {int(self.part)})", params
        if self.part == 1:
            return f"substr({sql}, 1, instr({sql}, char(31)) - 1)", (*params, *params)
        return f"substr({sql}, instr({sql}, char(31)) + 1)", (*params, *params)


class _WordSimilar(Func):
    """<term> <% <text>: pg_trgm's word similarity above its threshold (indexable)."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        term_sql, term_params = compiler.compile(self.source_expressions[0])
        text_sql, text_params = compiler.compile(self.source_expressions[1])
        return f"({term_sql} <%% {text_sql})", (*term_params, *text_params)


class _Has(Func):
    """strpos(<text>, <term>) <> 0: a word (or its prefix) can only be in a text that holds
    it. Checked first, it spares PostgreSQL building the tsvector of every row a newest-first
    walk passes (ten times cheaper), and being a "<> 0" it leaves the planner's estimate of
    the full-text match, hence its choice of plan, as it was."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        text_sql, text_params = compiler.compile(self.source_expressions[0])
        term_sql, term_params = compiler.compile(self.source_expressions[1])
        return f"strpos({text_sql}, {term_sql}) <> 0", (*text_params, *term_params)


def _tsquery(terms, *, prefix: bool) -> str:
    # Terms are word characters only (index.words): quoting them makes them literal lexemes.
    quoted = [f"'{t}'" for t in terms]
    if prefix:
        quoted[-1] += ":*"
    return " & ".join(quoted)


def _words_match(expression, terms, *, prefix: bool):
    if connection.vendor == "postgresql":
        result = Q()
        for term in terms:
            result &= Q(_Has(expression, Value(term)))
        return result & Q(_TsMatch(expression, Value(_tsquery(terms, prefix=prefix))))
    matches = [Contains(expression, t) for t in terms]
    result = Q(matches[0])
    for m in matches[1:]:
        result &= Q(m)
    return result


def _as_q(condition) -> Q:
    return condition if isinstance(condition, Q) else Q(condition)


def search(queryset, q: str, *, access, prefix: bool = True, parsed: Parsed | None = None):
    """`queryset` narrowed to the cases `q` finds for this person (`access`), or those that
    `parsed` (what parse() makes of a query) finds."""
    parsed = parse(q) if parsed is None else parsed
    hidden = identity_visible(access)
    if parsed.kind == "empty":
        return queryset
    if parsed.kind == "code" and not parsed.terms:
        return queryset.filter(code=parsed.code)
    if parsed.kind == "number":
        # Equalities on the indexed search hashes: the phone and ID are encrypted at rest.
        if parsed.hashed:
            found = Q(citizen_national_id_hash=parsed.digits)
            if parsed.phone:
                found |= Q(citizen_phone_hash=parsed.phone)
        else:
            found = Q(citizen_national_id=parsed.digits)
            if parsed.phone:
                found |= Q(citizen_phone=parsed.phone)
        return queryset.filter(found if hidden is None else found & hidden)
    matched = _as_q(_words_match(F("search_text"), parsed.terms, prefix=prefix))
    if hidden is not None:
        # The identity part is matched only where the identity may be seen; elsewhere every
        # word must be in the content part.
        content = _as_q(_words_match(_Part(F("search_text"), 2), parsed.terms, prefix=prefix))
        matched &= hidden | content
    if parsed.kind == "code":
        matched |= Q(code=parsed.code)
    return queryset.filter(matched)


def fuzzy_available(q: str) -> bool:
    return connection.vendor == "postgresql" and parse(q).kind == "words"


def fuzzy(queryset, q: str, *, access):
    """Cases whose citizen's name (or number) is like every word of `q` by trigram
    similarity: the fallback when `search` finds nothing (PostgreSQL only)."""
    parsed = parse(q)
    if not fuzzy_available(q):
        return queryset.none()
    identity = _Part(F("search_text"), 1)
    condition = Q()
    for term in parsed.terms:
        condition &= Q(_WordSimilar(Value(term), identity))
    hidden = identity_visible(access)
    if hidden is not None:
        condition &= hidden
    return queryset.filter(condition)
