"""Seed the bench database: an institution and N realistic Arabic cases with their events.

    .venv/bin/python bench/seed.py --cases 1000000 [--database-url URL] [--workers 3]

On PostgreSQL the rows are made in worker processes and streamed with COPY. For a large load
the two tables' secondary indexes and constraints are dropped first and remade afterwards
from their own catalogue definitions, so the schema ends exactly as Django's migrations left
it. SQLite (small N, smoke tests) uses bulk_create."""

import argparse
import datetime
import multiprocessing
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mithaq_bench"
RESULTS_DIR = ROOT / "bench" / "results"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import CASE_COLUMNS, DAY, EVENT_COLUMNS, Generator  # noqa: E402
from bench.org import ensure_org  # noqa: E402


def setup_django(database_url: str | None = None) -> None:
    """Point Django at the bench settings and the bench database, once per process."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    django.setup()


def _columns(model, names):
    """Check our columns against the model; fill any column we do not know with its default."""
    from django.db import connection

    fields = {f.column: f for f in model._meta.concrete_fields}
    unknown = set(names) - set(fields)
    if unknown:
        raise SystemExit(
            f"{model.__name__} has no column(s) {sorted(unknown)}: update bench/seed.py"
        )
    extra = {}
    for column, field in fields.items():
        if column in names or column == "id":
            continue
        # A blank text column without a default (e.g. Case.declaration) takes "".
        blank_text = field.blank and field.empty_strings_allowed
        if field.has_default() or field.null or blank_text:
            value = field.get_default() if field.has_default() or blank_text else None
            extra[column] = (field, field.get_db_prep_save(value, connection))
        elif field.blank and field.empty_strings_allowed:
            # A text column that may be blank (its form leaves it empty): "".
            extra[column] = (field, "")
        else:
            raise SystemExit(f"{model.__name__}.{column} has no default: update bench/seed.py")
    return fields, extra


def _copy_converters(fields, names, extra):
    """One function per column that turns our value into COPY text."""
    none = "\\N"
    converters = []
    for name in names:
        kind = fields[name].get_internal_type()
        if kind == "DateTimeField":
            converters.append(("ts",))
        elif kind == "DateField":
            converters.append(("date",))
        elif kind == "BooleanField":
            converters.append(("bool",))
        elif kind == "TextField":
            converters.append(("text",))
        else:
            converters.append(("plain",))
    constants = []
    for _field, value in extra.values():
        if value is None:
            constants.append(none)
        elif isinstance(value, bool):
            constants.append("t" if value else "f")
        else:
            constants.append(str(value))
    return converters, constants


def _make_formatter(converters, constants):
    """A fast row -> line function, compiled once from the column kinds."""
    parts = []
    for i, (kind,) in enumerate(converters):
        v = f"r[{i}]"
        if kind == "ts":
            parts.append(f"(N if {v} is None else D[{v}//86400]+' '+T[{v}%86400]+'+00')")
        elif kind == "date":
            parts.append(f"(N if {v} is None else D[{v}//86400])")
        elif kind == "bool":
            parts.append(f"('t' if {v} else 'f')")
        elif kind == "text":
            parts.append(f"(N if {v} is None else {v}.replace('\\n', '\\\\n'))")
        else:
            parts.append(f"(N if {v} is None else str({v}))")
    parts += [repr(c) for c in constants]
    source = "lambda r: '\\t'.join((" + ", ".join(parts) + ",))"
    return source


_WORKER: dict = {}


def _worker_init(conninfo, case_sql, event_sql, case_fmt, event_fmt, days, times):
    import psycopg

    conn = psycopg.connect(conninfo)
    conn.execute("SET synchronous_commit = off")
    ns = {"N": "\\N", "D": days, "T": times}
    _WORKER.update(
        conn=conn,
        case_sql=case_sql,
        event_sql=event_sql,
        case_line=eval(case_fmt, ns),  # noqa: S307 - our own generated source
        event_line=eval(event_fmt, ns),  # noqa: S307
    )


def _worker_batch(spec):
    first_id, count, seed = spec
    w = _WORKER
    case_line, event_line = w["case_line"], w["event_line"]
    case_lines, event_lines = [], []
    for case, events in _GENERATOR.rows(first_id, count, seed):
        case_lines.append(case_line(case))
        event_lines.extend(event_line(e) for e in events)
    case_lines.append("")
    event_lines.append("")
    conn = w["conn"]
    with conn.cursor() as cur:
        with cur.copy(w["case_sql"]) as copy:
            copy.write("\n".join(case_lines).encode())
        with cur.copy(w["event_sql"]) as copy:
            copy.write("\n".join(event_lines).encode())
    conn.commit()
    return count, len(event_lines) - 1


_GENERATOR: Generator | None = None  # set in the parent before the workers fork


def _day_tables(start_day: int, end_day: int):
    """Day strings and clock strings, so a timestamp becomes text by two list lookups."""
    days = {}
    for d in range(start_day, end_day + 1):
        days[d] = datetime.datetime.fromtimestamp(d * DAY, datetime.UTC).strftime("%Y-%m-%d")
    times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]
    return days, times


def _conninfo() -> str:
    from django.db import connection

    p = connection.get_connection_params()
    allowed = ("host", "port", "user", "password", "dbname")
    return " ".join(f"{k}={p[k]}" for k in allowed if p.get(k) not in (None, ""))


def _restore_file() -> Path:
    from django.db import connection

    return RESULTS_DIR / f".seed-restore-{connection.settings_dict['NAME']}.sql"


def _drop_secondary_structures(tables) -> list[list[str]]:
    """Drop the tables' secondary indexes, unique and foreign-key constraints; return the
    statements that remake them, in phases (statements of one phase may run in parallel).
    The statements are also written to a file so that an interrupted seed is repaired by the
    next one."""
    from django.db import connection

    indexes, uniques, foreign = [], [], []
    drops = []
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                """SELECT c.conname, c.contype, pg_get_constraintdef(c.oid), i.relname,
                          pg_get_indexdef(c.conindid)
                   FROM pg_constraint c LEFT JOIN pg_class i ON i.oid = c.conindid
                   WHERE c.conrelid = %s::regclass AND c.contype IN ('u', 'f')""",
                [table],
            )
            for name, kind, definition, index_name, index_def in cur.fetchall():
                drops.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                if kind == "u":
                    indexes.append(index_def)
                    uniques.append(
                        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{index_name}"'
                    )
                else:
                    foreign.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cur.execute(
                """SELECT i.relname, pg_get_indexdef(x.indexrelid)
                   FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                   WHERE x.indrelid = %s::regclass AND NOT EXISTS (
                       SELECT 1 FROM pg_constraint c
                       WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))""",
                [table],
            )
            for name, definition in cur.fetchall():
                drops.append(f'DROP INDEX "{name}"')
                indexes.append(definition)
            drops.append(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)')
            foreign.append(f'ALTER TABLE "{table}" RESET (autovacuum_enabled)')
    # Largest tables first, so the two builders finish together.
    indexes.sort(key=lambda s: "caseevent" not in s)
    phases = [indexes, uniques, foreign]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = "".join("-- phase\n" + "".join(f"{statement};\n" for statement in p) for p in phases)
    _restore_file().write_text(text)
    with connection.cursor() as cur:
        for statement in drops:
            cur.execute(statement)
    return phases


def _restore_structures(phases, conninfo: str) -> None:
    import psycopg

    def run(statement):
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 0")
            conn.execute(statement)

    for phase in phases:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(run, phase))
    _restore_file().unlink(missing_ok=True)


def _repair_interrupted_seed(conninfo: str) -> None:
    path = _restore_file()
    if not path.exists():
        return
    print(f"An earlier seed was interrupted: remaking its indexes from {path}", flush=True)
    phases, current = [], None
    for line in path.read_text().splitlines():
        if line == "-- phase":
            current = []
            phases.append(current)
        elif line.strip():
            current.append(line.rstrip(";"))
    _restore_structures(phases, conninfo)


def _seed_postgresql(gen: Generator, first_id: int, count: int, workers: int, batch: int):
    from django.db import connection

    from mithaq.cases.models import Case, CaseEvent

    global _GENERATOR
    case_fields, case_extra = _columns(Case, CASE_COLUMNS)
    event_fields, event_extra = _columns(CaseEvent, EVENT_COLUMNS)
    case_conv, case_const = _copy_converters(case_fields, CASE_COLUMNS, case_extra)
    event_conv, event_const = _copy_converters(event_fields, EVENT_COLUMNS, event_extra)
    case_cols = ", ".join(f'"{c}"' for c in CASE_COLUMNS + list(case_extra))
    event_cols = ", ".join(f'"{c}"' for c in EVENT_COLUMNS + list(event_extra))
    case_sql = f"COPY {Case._meta.db_table} ({case_cols}) FROM STDIN"
    event_sql = f"COPY {CaseEvent._meta.db_table} ({event_cols}) FROM STDIN"
    days, times = _day_tables(gen.start // DAY - 40, gen.now // DAY + 400)
    conninfo = _conninfo()

    existing = Case.objects.count()
    drop = count >= 100_000 and count >= existing // 2
    phases = None
    t0 = time.monotonic()
    if drop:
        phases = _drop_secondary_structures([Case._meta.db_table, CaseEvent._meta.db_table])
    connection.close()  # the workers fork: they must not share this socket

    _GENERATOR = gen
    specs = []
    for i, start in enumerate(range(first_id, first_id + count, batch)):
        specs.append((start, min(batch, first_id + count - start), 1000 + start + i))
    done_cases = done_events = 0
    ctx = multiprocessing.get_context("fork")
    args = (conninfo, case_sql, event_sql, _make_formatter(case_conv, case_const),
            _make_formatter(event_conv, event_const), days, times)  # fmt: skip
    try:
        with ctx.Pool(workers, initializer=_worker_init, initargs=args) as pool:
            for cases, events in pool.imap_unordered(_worker_batch, specs):
                done_cases += cases
                done_events += events
                elapsed = time.monotonic() - t0
                print(
                    f"  {done_cases:>9,} cases {done_events:>10,} events  "
                    f"{elapsed:6.1f}s  {done_cases / elapsed:8,.0f} cases/s",
                    flush=True,
                )
    finally:
        t_load = time.monotonic()
        if phases is not None:
            print("Remaking indexes and constraints...", flush=True)
            _restore_structures(phases, conninfo)
    t_index = time.monotonic()
    print(f"  loaded in {t_load - t0:.1f}s, indexes in {t_index - t_load:.1f}s", flush=True)
    return done_cases, done_events


def _seed_sqlite(gen: Generator, first_id: int, count: int, batch: int):
    from django.db import transaction

    from mithaq.cases.models import Case, CaseEvent
    from mithaq.common import crypto

    def when(v):
        return None if v is None else datetime.datetime.fromtimestamp(v, datetime.UTC)

    case_fields, _extra = _columns(Case, CASE_COLUMNS)
    kinds = [case_fields[c].get_internal_type() for c in CASE_COLUMNS]
    done_events = 0
    for start in range(first_id, first_id + count, batch):
        cases, events = [], []
        for row, event_rows in gen.rows(start, min(batch, first_id + count - start), start):
            values = {}
            for column, kind, v in zip(CASE_COLUMNS, kinds, row, strict=True):
                if kind == "DateTimeField":
                    v = when(v)
                elif kind == "DateField" and v is not None:
                    v = when(v).date()
                values[column] = v
            # The generator writes the columns as stored (encrypted): the ORM encrypts again.
            for column in ("citizen_phone", "citizen_national_id"):
                values[column] = crypto.decrypt(values[column])
            cases.append(Case(**values))
            for e in event_rows:
                values = dict(zip(EVENT_COLUMNS, e, strict=True))
                values["at"] = when(values["at"])
                events.append(CaseEvent(**values))
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=500)
            CaseEvent.objects.bulk_create(events, batch_size=500)
        done_events += len(events)
    return count, done_events


def _reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from mithaq.cases.models import Case, CaseEvent

    with connection.cursor() as cur:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Case, CaseEvent]):
            cur.execute(statement)


def seed(count: int, *, workers: int = 3, batch: int = 10_000) -> None:
    """Add `count` cases (and their events) to the configured database."""
    from django.core.management import call_command
    from django.db import connection

    from mithaq.cases.models import Case, CaseEvent

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        _repair_interrupted_seed(_conninfo())
        _reset_sequences()  # the ids an interrupted seed wrote itself
    org = ensure_org()
    if count <= 0:
        return
    first_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    existing_codes = set(Case.objects.values_list("code", flat=True).iterator(chunk_size=50_000))
    gen = Generator(org, int(time.time()), existing_codes)
    t_setup = time.monotonic()
    print(
        f"Seeding {count:,} cases from id {first_id:,} into {connection.vendor} "
        f"({len(org.units)} units, setup {t_setup - t0:.1f}s)",
        flush=True,
    )
    if connection.vendor == "postgresql":
        cases, events = _seed_postgresql(gen, first_id, count, workers, batch)
        t_after = time.monotonic()
        _reset_sequences()
        # Hint bits, the visibility map and statistics, as a long-running database has them.
        import psycopg

        with psycopg.connect(_conninfo(), autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            # An index remade from its definition loses its column's statistics target.
            from mithaq.search.migrations import STATISTICS_SQL

            conn.execute(STATISTICS_SQL)
            big = (Case._meta.db_table, CaseEvent._meta.db_table)
            for table in big:
                conn.execute(f"VACUUM (ANALYZE) {table}")
            # The institution's small tables too (people, units, memberships, clocks): with
            # autovacuum off they would keep no statistics at all, and the planner would guess
            # 30 people for 300 when it joins them to cases.
            small = conn.execute(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> ALL(%s)",
                [list(big)],
            ).fetchall()
            for (table,) in small:
                conn.execute(f"ANALYZE {table}")
        print(f"  vacuum and analyze in {time.monotonic() - t_after:.1f}s", flush=True)
    else:
        cases, events = _seed_sqlite(gen, first_id, count, batch)
    total = time.monotonic() - t0
    print(
        f"Seeded {cases:,} cases and {events:,} events in {total:.1f}s "
        f"({cases / total:,.0f} cases/s, {(cases + events) / total:,.0f} rows/s)",
        flush=True,
    )
    verify_sample()


def verify_sample(size: int = 500) -> None:
    """Check a sample of cases: their events chain through allowed transitions to the
        case's state, the first event is `submitted`, references have the right form, and the
        search document is the one mithaq.common.search_text makes, and the last decided and closed events
    carry the case's decision and closure, as the services record them."""
    import re

    from mithaq.cases.models import CODE_ALPHABET, Case
    from mithaq.cases.states import EventKind, State
    from mithaq.common.search_text import case_search_text

    searched = {EventKind.REPLIED, EventKind.CITIZEN_RESPONDED}

    code_re = re.compile(f"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
    last = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = random.Random(3).sample(range(1, last + 1), min(size, last))
    checked, problems = 0, []
    for case in Case.objects.filter(id__in=ids).prefetch_related("events"):
        events = list(case.events.all())
        if not code_re.match(case.code):
            problems.append(f"{case.code}: malformed reference")
        if not events or events[0].kind != EventKind.SUBMITTED:
            problems.append(f"{case.code}: the first event is not `submitted`")
        state = None
        for e in events:
            if e.from_state and e.from_state != state:
                problems.append(f"{case.code}: {e.kind} from {e.from_state}, but it was {state}")
            state = e.to_state or state
        if state != case.state:
            problems.append(f"{case.code}: the events end in {state}, the case is {case.state}")
        decided = [e for e in events if e.kind == EventKind.DECIDED]
        if decided and decided[-1].decision != case.decision:
            problems.append(f"{case.code}: its decided event does not carry its decision")
        closed = [e for e in events if e.kind == EventKind.CLOSED]
        if case.state == State.CLOSED and (
            closed[-1].closure_code != case.closure_code
            or closed[-1].external_reference != case.external_reference
        ):
            problems.append(f"{case.code}: its closed event does not carry its closure")
        replies = [e.body for e in events if e.kind in searched]
        if case.search_text != case_search_text(case, replies):
            problems.append(f"{case.code}: its search_text is not what mithaq.search makes")
        checked += 1
    if problems:
        raise SystemExit("Seeded data is inconsistent:\n" + "\n".join(problems[:20]))
    print(f"  checked {checked} sampled cases: events agree with their states", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases to add")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=3, help="generator processes (PostgreSQL)")
    parser.add_argument("--batch", type=int, default=10_000, help="cases per COPY")
    args = parser.parse_args(argv)
    setup_django(args.database_url or BENCH_DATABASE_URL)
    seed(args.cases, workers=args.workers, batch=args.batch)


if __name__ == "__main__":
    main()
