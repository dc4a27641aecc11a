"""Querysets whose SQL is worked out once per process and database, then run with new values.

Django turns a queryset into SQL every time it runs it. For the reads that every staff page
makes (the person's memberships, the case with its unit and people, its timeline, messages
and clocks) that compiling was a quarter of the page's time (2.4 ms of the case page's 10 ms,
measured in process at 1,000,000 cases), for SQL that is the same on every call but for one
value. `Baked` builds such a queryset once with stand-in values, keeps the compiled SQL and
the compiler's description of its columns, and on each call runs that SQL with the real
values; the rows become model instances or dicts exactly as the queryset would make them
(select_related, values(), annotations and prefetch_related work as usual).

    case_by_code = Baked(lambda code: Case.objects.select_related("unit").filter(code=code)[:2], str)
    rows = case_by_code(code)            # a list, as list(queryset) would be

The rule for `build`: the queryset it returns depends only on its arguments, and each
argument reaches the SQL as parameters of its own, unchanged: an id, a reference, in equality
filters (`case_id=…`, `code=…`), not inside `__in` lists, `__icontains` or expressions that
change it. Pass values already in the form the column holds (`code.upper()`, `case.pk`).
A stand-in that does not come out as a parameter, or comes out changed, raises
ImproperlyConfigured when the query is first compiled; the tests compare every baked query's
SQL and results with those of its queryset.
"""

import copy
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet

# Stand-ins that no constant of a query equals: ids near the top of a 32-bit column (inside
# it: Django answers a value out of a column's range with an empty result, not SQL), and
# strings with control characters.
_INT_STANDIN = 2_146_483_647
_STR_STANDIN = "\x1fbaked-{}\x1f"
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# Every baked query of the project, for the test that checks each against its queryset.
ALL: list["Baked"] = []


class Baked:
    def __init__(self, build: Callable[..., QuerySet], *kinds: type, register: bool = True):
        for kind in kinds:
            if kind not in (int, str):
                raise TypeError(f"Baked arguments are int or str, not {kind!r}")
        self._build = build
        self._kinds = kinds
        self._compiled: dict[str, tuple] = {}
        self._template_queryset: QuerySet | None = None
        if register:  # those made as they are needed (per access, say) are tested where made
            ALL.append(self)

    def __repr__(self) -> str:
        return f"<Baked {self._build.__module__}.{self._build.__qualname__}>"

    @property
    def kinds(self) -> tuple[type, ...]:
        return self._kinds

    @property
    def build(self) -> Callable[..., QuerySet]:
        """The function that makes the queryset, as the ORM would run it (for comparisons)."""
        return self._build

    def _standins(self) -> list:
        return [
            _INT_STANDIN - i if kind is int else _STR_STANDIN.format(i)
            for i, kind in enumerate(self._kinds)
        ]

    def _compile(self, alias: str) -> tuple:
        standins = self._standins()
        queryset = self._build(*standins)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise ImproperlyConfigured(
                f"Baked query {self._build!r}: no SQL for its stand-in values"
            ) from None
        slots = []
        for standin in standins:
            at = tuple(i for i, p in enumerate(params) if type(p) is type(standin) and p == standin)
            if not at:
                raise ImproperlyConfigured(
                    f"Baked query {self._build!r}: an argument does not reach the SQL unchanged"
                )
            slots.append(at)
        if any(isinstance(s, str) and s in sql for s in standins):
            raise ImproperlyConfigured(f"Baked query {self._build!r}: a value inside the SQL")
        compiler.connection = None  # each call takes its own thread's connection
        # Two threads may compile at once: both entries are the same; the first one stays.
        return self._compiled.setdefault(alias, (compiler, sql, tuple(params), tuple(slots)))

    def _entry(self, alias: str) -> tuple:
        return self._compiled.get(alias) or self._compile(alias)

    def _check(self, args) -> None:
        if len(args) != len(self._kinds):
            raise TypeError(f"Baked query takes {len(self._kinds)} arguments, not {len(args)}")
        for value, kind in zip(args, self._kinds, strict=True):
            if type(value) is not kind:
                raise TypeError(f"Baked query argument {value!r} is not {kind.__name__}")

    @staticmethod
    def _bind(entry, args) -> tuple[str, tuple]:
        _compiler, sql, params, slots = entry
        params = list(params)
        for value, positions in zip(args, slots, strict=True):
            for i in positions:
                params[i] = value
        return sql, tuple(params)

    def bound(self, *args, alias: str = "default") -> tuple[str, tuple]:
        """The SQL and the parameters that a call with these values runs."""
        self._check(args)
        return self._bind(self._entry(alias), args)

    def _template(self) -> QuerySet:
        """The queryset built once with the stand-ins: each call's queryset is a light copy of
        it (its where clause holds stand-ins, but it is never compiled again)."""
        if self._template_queryset is None:
            self._template_queryset = self._build(*self._standins())
        return self._template_queryset

    def _queryset(self, *args) -> QuerySet:
        """The queryset, set to run the baked SQL with these values. Never handed out: a
        queryset made from it by filter() or the like would run this SQL, not its own."""
        self._check(args)
        # Any: what follows sets QuerySet's and Query's private attributes (not in the stubs).
        template: Any = self._template()
        alias = template.db
        entry = self._entry(alias)
        bound = self._bind(entry, args)
        compiler = copy.copy(entry[0])
        compiler.connection = connections[alias]
        compiler.as_sql = lambda *a, **k: bound
        # The queryset's iterable asks its query for a compiler just before it runs: a
        # shallow copy of the template's query, so that the template keeps its own.
        query: Any = copy.copy(template.query)
        query.get_compiler = lambda *a, **k: compiler
        queryset = type(template)(
            model=template.model, query=query, using=template._db, hints=template._hints
        )
        # As QuerySet._clone() carries them.
        queryset._sticky_filter = template._sticky_filter
        queryset._for_write = template._for_write
        queryset._prefetch_related_lookups = template._prefetch_related_lookups[:]
        queryset._known_related_objects = template._known_related_objects
        queryset._iterable_class = template._iterable_class
        queryset._fields = template._fields
        return queryset

    def __call__(self, *args) -> list:
        """What list(queryset) would give, for the queryset `build(*args)`."""
        if any(type(a) is int and not _INT64_MIN <= a <= _INT64_MAX for a in args):
            # As Django answers a value no integer column can hold: nothing, without SQL.
            self._check(args)
            return []
        return list(self._queryset(*args))
