"""Row ids read from a request: a number a database column can hold, or nothing.

Both SQLite and PostgreSQL keep ids in signed 64 bits; a larger number sent in a query
string must not reach the database (SQLite raises OverflowError, PostgreSQL a data error)."""

from typing import Any

ID_MAX = 2**63 - 1
# A page of a list: far beyond any list's end, and small enough that page × page size stays
# an integer the database takes as an OFFSET.
PAGE_MAX = 1_000_000


def parse_id(raw: Any) -> int | None:
    """The positive id written in `raw`, or None when it is missing, not a number or out of
    range."""
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if 0 < value <= ID_MAX else None


class NumberConverter:
    """`<num:name>` in a URL: a whole number of at most 18 digits, so that every number a URL
    carries fits a database's 64-bit column. A longer one does not match: 404, before any
    view or lookup (Django range-checks a primary key's lookup, but not a foreign key's
    column, where SQLite overflows)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)
