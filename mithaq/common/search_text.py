"""The search document of a case (`Case.search_text`): pure functions, no database.

Layout: `<identity terms> SEP <content terms>`. The identity part (the citizen's name; not
their phone or national ID, which are encrypted at rest and found by their keyed hash) comes first so that a citizen's new contact details replace it without
touching the rest; the content part (the reference, subject, text, public replies and the
citizen's answers) grows at its end when a reply is recorded. Search matches the identity
part only for people who may see the citizen's identity (see mithaq.cases.search), which is
why the two are kept apart. SEP (U+001F) never survives `normalize_arabic`, which folds it
into a space like any other separator.

Every term is normalised (mithaq.common.text) and reduced to its word characters, so that
PostgreSQL's parser and SQLite's LIKE see the same words the query is made of. A word that
starts with the Arabic article (ال, وال, بال, كال, فال, لل) is also stored without it:
"الاستاذه" is found by "استاذه" and "والاستاذه" alike (the query strips it the same way).
Search also writes every hamza on a seat (ؤ, ئ) as a bare hamza (ء), because the same words
are spelt both ways in Iraq and Egypt: مسؤول / مسئول, شؤون / شئون.
"""

import re
import unicodedata
from collections.abc import Iterable

from mithaq.common.text import normalize_arabic

SEP = "\x1f"
# Longer "words" (a pasted link, a scanned code) are nobody's search, and PostgreSQL refuses
# lexemes past 2 KB; a document stops growing at MAX_DOCUMENT characters.
_WORD = re.compile(r"\b\w{1,60}\b")
MAX_DOCUMENT = 100_000
# Longest first: "وال" before "ال".
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_MIN_STEM = 3


_HAMZA_SEATS = str.maketrans({"ؤ": "ء", "ئ": "ء"})


def normalize_for_search(text: str) -> str:
    """mithaq.common.text.normalize_arabic, with hamza seats folded (see above)."""
    return normalize_arabic(unicodedata.normalize("NFKC", text or "").translate(_HAMZA_SEATS))


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order."""
    return _WORD.findall(normalize_for_search(text))


def strip_article(word: str) -> str:
    """The word without a leading Arabic article, when enough of it is left."""
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= _MIN_STEM:
            return word[len(article) :]
    return word


def _terms(texts: Iterable[str]) -> str:
    out: list[str] = []
    for text in texts:
        for word in words(text):
            out.append(word)
            stem = strip_article(word)
            if stem != word:
                out.append(stem)
    return " ".join(out)


def identity_part(
    *, citizen_name: str, citizen_phone: str = "", citizen_national_id: str = ""
) -> str:
    """The citizen's name. Their phone and national ID are not in the document: both are
    encrypted at rest and found by their keyed hash (mithaq.common.crypto, the "number"
    search in mithaq.cases.search), so no copy of them in clear is kept here."""
    return _terms([citizen_name])


def content_part(
    *,
    code: str,
    subject: str,
    body: str,
    remedy_sought: str = "",
    replies: Iterable[str] = (),
    references: Iterable[str] = (),
) -> str:
    """`references`: the incoming letter's number and the external system's reference,
    searched like the case's own code."""
    return _terms(
        [code, code.replace("-", ""), *references, subject, body, remedy_sought, *replies]
    )


def build_search_text(
    *,
    code: str,
    citizen_name: str,
    citizen_phone: str,
    citizen_national_id: str = "",
    subject: str,
    body: str,
    remedy_sought: str = "",
    replies: Iterable[str] = (),
    references: Iterable[str] = (),
) -> str:
    """The whole search document. `replies` are the public replies and the citizen's
    answers, oldest first; `references` the letter number and external reference."""
    identity = identity_part(
        citizen_name=citizen_name,
        citizen_phone=citizen_phone,
        citizen_national_id=citizen_national_id,
    )
    content = content_part(
        code=code,
        subject=subject,
        body=body,
        remedy_sought=remedy_sought,
        replies=replies,
        references=references,
    )
    if len(content) > MAX_DOCUMENT:
        content = content[:MAX_DOCUMENT].rpartition(" ")[0]
    return f"{identity}{SEP}{content}"


def case_search_text(case, replies: Iterable[str] = ()) -> str:
    """The search document of a Case instance (its reply texts passed in, oldest first)."""
    return build_search_text(
        code=case.code,
        citizen_name=case.citizen_name,
        citizen_phone=case.citizen_phone,
        citizen_national_id=case.citizen_national_id,
        subject=case.subject,
        body=case.body,
        remedy_sought=case.remedy_sought,
        replies=replies,
        references=[case.letter_number, case.external_reference],
    )


def split(search_text: str) -> tuple[str, str]:
    identity, _sep, content = search_text.partition(SEP)
    if not _sep:  # not indexed yet
        return "", search_text
    return identity, content


def with_text_added(search_text: str, text: str) -> str:
    """The document after a public reply or a citizen's answer `text`."""
    added = _terms([text])
    if not added or len(search_text) + len(added) > MAX_DOCUMENT:
        return search_text
    identity, content = split(search_text)
    return f"{identity}{SEP}{content} {added}" if content else f"{identity}{SEP}{added}"


def with_identity(
    search_text: str, *, citizen_name: str, citizen_phone: str = "", citizen_national_id: str = ""
) -> str:
    """The document after the citizen's contact details changed."""
    _identity, content = split(search_text)
    identity = identity_part(
        citizen_name=citizen_name,
        citizen_phone=citizen_phone,
        citizen_national_id=citizen_national_id,
    )
    return f"{identity}{SEP}{content}"
