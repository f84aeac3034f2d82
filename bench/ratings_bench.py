"""close_quarter and compute_grades for a city of 100,000 enterprises: wall time against a one-pass SQL
baseline reading the same input rows, and peak memory.

A city is populated once per database: the enterprises (active), the quarter's inspection results
(about 60% of the enterprises inspected, with every kind of finding), the first two quarters' lights
and a grade input for 90% of the enterprises. Each measurement then runs in its own process, so its
peak RSS (`ru_maxrss`) is its own:

  close      close_quarter 2026Q3 on the city: 100,000 lights created, the interviews of the red
             ones, one audit record each
  re-close   the same again: nothing changes, nothing is written or recorded
  grades     compute_grades 2026: 100,000 grades from the bases and the year's three quarters
  re-grade   the same again: nothing changes

The baseline of each is one SQL pass over the rows it reads (enterprises joined with the quarter's
inspection results; enterprises joined with the year's lights, grade inputs and published assessments),
fetched in batches. Targets (issue 3): within 10× the baseline, under 60 s, under 500 MB.

A first run also writes what no read can: 100,000 rows and 100,000 hash-chained audit rows. To say
where its time goes, a last process measures the database's own cost of those writes ("writes
alone"): the rows the run wrote, copied into a temporary table, then written again into the same
tables (for another quarter or year, with rotated hashes) by one INSERT … SELECT each, committed —
the indexes, constraints and commit a first run pays, without any Python. The ratio against
baseline + writes alone is what the command adds to the least any implementation must do.

Each measuring process starts with a checkpoint (PostgreSQL `CHECKPOINT`, SQLite `wal_checkpoint`),
so that it does not pay for writing out the log of the steps before it; the populated PostgreSQL
city is vacuumed, as autovacuum keeps a live one.

SQLite always (a fresh temporary file); PostgreSQL when a server answers at DATABASE_URL (or
postgres://postgres@127.0.0.1:5432/test), in a fresh database beside it, dropped afterwards.

    python -m bench.ratings_bench [--enterprises N] [--db sqlite|postgresql]
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"
ENTERPRISES = 100_000
TARGET_RATIO = 10.0
TARGET_SECONDS = 60.0
TARGET_MB = 500
TODAY = datetime.date(2026, 10, 9)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the city ------------------------------------------------------------------------------


def _populate(n: int) -> dict[str, Any]:
    from django.db import transaction

    from liangpai.enterprises.models import Enterprise, Industry
    from liangpai.grades.models import GradeInput
    from liangpai.lights.models import InspectionResult, QuarterLight
    from liangpai.regions.models import City, District, Town
    from liangpai.rules.credit_code import ALPHABET, check_character

    rng = random.Random(2026)
    started = time.perf_counter()
    city = City.objects.create(name="基准市", division_code="330482")
    towns = Town.objects.bulk_create(
        Town(city=city, name=f"基准{i}镇", short_name=f"基{i}", sort_order=i) for i in range(9)
    )
    districts = District.objects.bulk_create(District(town=t, name=f"{t.name}{j}片") for t in towns for j in range(5))
    industry = Industry.objects.exclude(parent=None).first()
    assert industry is not None
    batch: list[Enterprise] = []
    codes: set[str] = set()
    while len(codes) < n:
        body = "91330482" + "".join(rng.choice(ALPHABET) for _ in range(9))
        code = body + check_character(body)
        if code in codes:
            continue
        codes.add(code)
        d = districts[rng.randrange(len(districts))]
        i = len(codes)
        batch.append(
            Enterprise(
                name=f"基准企业{i}有限公司",
                name_initials=f"jzqy{i}",
                credit_code=code,
                town_id=d.town_id,
                district=d,
                industry=industry,
                scale=rng.choice(["above", "below"]),
                headcount=rng.randint(5, 800),
            )
        )
        if len(batch) == 5000:
            Enterprise.objects.bulk_create(batch)
            batch = []
    Enterprise.objects.bulk_create(batch)

    ids = list(Enterprise.objects.order_by("id").values_list("id", flat=True))
    results: list[InspectionResult] = []
    lights: list[QuarterLight] = []
    inputs: list[GradeInput] = []
    with transaction.atomic():
        for pk in ids:
            roll = rng.random()
            if roll < 0.6:  # inspected in Q3: mostly clean, some yellow, a few red
                results.append(
                    InspectionResult(
                        enterprise_id=pk,
                        inspected_on=datetime.date(2026, 7, 1) + datetime.timedelta(days=rng.randrange(90)),
                        quarter="2026Q3",
                        general_hazards_fixed_on_spot=rng.randrange(4),
                        general_hazards_not_fixed_on_spot=1 if rng.random() < 0.12 else 0,
                        major_hazards=1 if rng.random() < 0.01 else 0,
                        accidents=1 if rng.random() < 0.003 else 0,
                    )
                )
            elif roll < 0.605:
                results.append(
                    InspectionResult(
                        enterprise_id=pk,
                        inspected_on=datetime.date(2026, 8, 3),
                        quarter="2026Q3",
                        refused_inspection=True,
                    )
                )
            for number in (1, 2):
                light = rng.choices(["green", "yellow", "red", "not_inspected"], [80, 11, 1, 8])[0]
                lights.append(
                    QuarterLight(
                        enterprise_id=pk,
                        quarter=f"2026Q{number}",
                        year=2026,
                        number=number,
                        light=light,
                        computed_light=light,
                        inspected_on=datetime.date(2026, 3 * number - 1, 15) if light != "not_inspected" else None,
                    )
                )
            if rng.random() < 0.9:
                grade_roll = rng.random()
                if grade_roll < 0.7:
                    inputs.append(GradeInput(enterprise_id=pk, year=2026, score=rng.randint(550, 1000) / 10))
                else:
                    inputs.append(GradeInput(enterprise_id=pk, year=2026, grade=rng.choice("ABBC")))
            if len(lights) >= 10_000:
                InspectionResult.objects.bulk_create(results, batch_size=2000)
                QuarterLight.objects.bulk_create(lights, batch_size=2000)
                GradeInput.objects.bulk_create(inputs, batch_size=2000)
                results, lights, inputs = [], [], []
        InspectionResult.objects.bulk_create(results, batch_size=2000)
        QuarterLight.objects.bulk_create(lights, batch_size=2000)
        GradeInput.objects.bulk_create(inputs, batch_size=2000)
    return {"populate_s": time.perf_counter() - started, "inspections": InspectionResult.objects.count()}


# --- the baselines: one SQL pass over the same input rows -----------------------------------------

_CLOSE_SQL = (
    "SELECT e.id, e.name, e.town_id, r.inspected_on, r.general_hazards_fixed_on_spot,"
    " r.general_hazards_not_fixed_on_spot, r.major_hazards, r.refused_inspection, r.refused_letter, r.accidents"
    " FROM enterprises_enterprise e LEFT JOIN ratings_inspectionresult r"
    " ON r.enterprise_id = e.id AND r.quarter = %s WHERE e.status = 'active' ORDER BY e.id"
)
_GRADES_SQL = (
    "SELECT e.id, e.name, l.number, l.light, l.inspected_on, g.score, g.grade, g.failed_vetoes,"
    " a.id, a.score, a.failed_vetoes"
    " FROM enterprises_enterprise e LEFT JOIN ratings_quarterlight l ON l.enterprise_id = e.id AND l.year = %s"
    " LEFT JOIN ratings_gradeinput g ON g.enterprise_id = e.id AND g.year = %s"
    " LEFT JOIN assessments_assessment a ON a.enterprise_id = e.id AND a.year = %s AND a.status = 'published'"
    " WHERE e.status = 'active' ORDER BY e.id, l.number"
)


def _sql_pass(sql: str, params: list[Any]) -> tuple[float, int]:
    from django.db import connection, transaction

    best, rows = float("inf"), 0
    for _ in range(3):
        started = time.perf_counter()
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            rows = 0
            while chunk := cursor.fetchmany(2000):
                rows += len(chunk)
        best = min(best, time.perf_counter() - started)
    return best, rows


# --- writes alone: the database's own cost of a first run's rows ----------------------------------------------

_LIGHT_COLUMNS = (
    "enterprise_id, quarter, year, number, light, computed_light, inspected_on, facts, reasons, ruleset_id,"
    " source, override_reason, computed_at, is_published"
)
_GRADE_COLUMNS = (
    "enterprise_id, year, base_grade, final_grade, score, facts, reasons, ruleset_id, source, computed_at, is_published"
)
_AUDIT_COLUMNS = (
    "at, actor_id, actor_label, action, object_type, object_id, object_repr, before, after, reason, prev_hash, hash"
)
#: (temporary table, the rows to copy, the table they are written to and its columns) for each first run.
_WRITES = {
    "close": [
        (
            "floor_lights",
            "SELECT enterprise_id, '2026Q4' AS quarter, year, 4 AS number, light, computed_light, inspected_on, facts, reasons, ruleset_id,"
            " source, override_reason, computed_at, is_published FROM ratings_quarterlight WHERE quarter = '2026Q3'",
            "ratings_quarterlight",
            _LIGHT_COLUMNS,
        ),
        (
            "floor_light_events",
            "SELECT at, actor_id, actor_label, action, object_type, object_id, object_repr, before, after, reason,"
            " prev_hash, substr(hash, 2) || substr(hash, 1, 1) AS hash FROM core_auditevent WHERE action = 'light.compute'",
            "core_auditevent",
            _AUDIT_COLUMNS,
        ),
    ],
    "grades": [
        (
            "floor_grades",
            "SELECT enterprise_id, 2027 AS year, base_grade, final_grade, score, facts, reasons, ruleset_id, source,"
            " computed_at, is_published FROM ratings_annualgrade WHERE year = 2026",
            "ratings_annualgrade",
            _GRADE_COLUMNS,
        ),
        (
            "floor_grade_events",
            "SELECT at, actor_id, actor_label, action, object_type, object_id, object_repr, before, after, reason,"
            " prev_hash, substr(hash, 3) || substr(hash, 1, 2) AS hash FROM core_auditevent WHERE action = 'grade.compute'",
            "core_auditevent",
            _AUDIT_COLUMNS,
        ),
    ],
}


def _writes_alone() -> dict[str, Any]:
    """Seconds to write each first run's rows again by INSERT … SELECT from a temporary copy, committed."""
    from django.db import connection, transaction

    from liangpai.core.bulk import bulk_writes

    result: dict[str, Any] = {}
    for step, writes in _WRITES.items():
        with connection.cursor() as cursor:
            for temporary, rows, _table, _columns in writes:
                cursor.execute(f"CREATE TEMPORARY TABLE {temporary} AS {rows}")
        started = time.perf_counter()
        with transaction.atomic(), bulk_writes(), connection.cursor() as cursor:
            for temporary, _rows, table, columns in writes:
                cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM {temporary}")
        result[step] = time.perf_counter() - started
    return result


# --- one measurement per process ------------------------------------------------------------------


def _close() -> dict[str, Any]:
    from liangpai.periods.closing import close_quarter

    outcome = close_quarter(quarter="2026Q3", today=TODAY)
    return {
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "interviews": outcome.interviews_created,
        "lights": dict(outcome.lights),
    }


def _grades() -> dict[str, Any]:
    from liangpai.periods.grading import BASE_GRADE_SOURCES, compute_grades

    outcome = compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    return {
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "grades": dict(outcome.grades),
    }


STEPS: dict[str, tuple[Callable[[], dict[str, Any]], str, list[Any]]] = {
    "close": (_close, _CLOSE_SQL, ["2026Q3"]),
    "re-close": (_close, _CLOSE_SQL, ["2026Q3"]),
    "grades": (_grades, _GRADES_SQL, [2026, 2026, 2026]),
    "re-grade": (_grades, _GRADES_SQL, [2026, 2026, 2026]),
}


def _checkpoint() -> None:
    """Write out what the steps before left in the log, so that no step pays for the one before it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT" if connection.vendor == "postgresql" else "PRAGMA wal_checkpoint(TRUNCATE)")


def _child(step: str, n: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if step == "populate":
        call_command("migrate", verbosity=0)
        result = _populate(n)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps: visibility map set
        return result
    _checkpoint()
    if step == "writes":
        return _writes_alone()
    operation, sql, params = STEPS[step]
    baseline_s, rows = _sql_pass(sql, params)
    started = time.perf_counter()
    outcome = operation()
    seconds = time.perf_counter() - started
    from liangpai.core.audit import verify_chain

    return {
        "seconds": seconds,
        "baseline_s": baseline_s,
        "baseline_rows": rows,
        "peak_mb": _peak_mb(),
        "audit_chain_ok": step in ("re-close", "re-grade") or verify_chain() is None,
        **outcome,
    }


# --- the parent -----------------------------------------------------------------------------------


def _pg_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


def _spawn(env: dict[str, str], step: str, n: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.ratings_bench", "--child", step, "--enterprises", str(n)],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"ratings benchmark step {step} failed (exit {out.returncode})")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _database(db: str, n: int) -> list[dict[str, Any]]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    cleanup: Callable[[], None] | None = None
    if db == "sqlite":
        tmp = tempfile.mkdtemp(prefix="lp-bench-ratings-")
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        import psycopg

        base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
        if not base.startswith("postgres"):
            base = DEFAULT_PG
        if not _pg_reachable(base):
            return [{"db": "postgresql", "step": "未运行：PostgreSQL 无法连接 / not run: no server"}]
        dbname = "liangpai_bench_ratings"
        admin_url = base.replace("postgres://", "postgresql://")
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {dbname}")
            conn.execute(f"CREATE DATABASE {dbname}")
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + dbname

        def cleanup() -> None:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {dbname}")

    rows: list[dict[str, Any]] = []
    try:
        city = _spawn(env, "populate", n)
        rows.append({"db": db, "step": "populate", "seconds": city["populate_s"], "enterprises": n})
        for step in STEPS:
            result = _spawn(env, step, n)
            ratio = result["seconds"] / result["baseline_s"]
            rows.append(
                {
                    "db": db,
                    "step": step,
                    "seconds": result["seconds"],
                    "baseline_s": result["baseline_s"],
                    "x_baseline": ratio,
                    "peak_mb": result["peak_mb"],
                    "created": result["created"],
                    "updated": result["updated"],
                    "unchanged": result["unchanged"],
                    "interviews": result.get("interviews"),
                    "audit_ok": result["audit_chain_ok"],
                    "met": ratio <= TARGET_RATIO
                    and result["seconds"] < TARGET_SECONDS
                    and result["peak_mb"] < TARGET_MB,
                }
            )
        # Last, as it writes a copy of the first runs' rows: their cost to the database alone.
        writes = _spawn(env, "writes", n)
        for row in rows:
            if row["step"] in writes:
                row["writes_alone_s"] = writes[row["step"]]
                row["x_baseline_and_writes"] = row["seconds"] / (row["baseline_s"] + writes[row["step"]])
    finally:
        if cleanup is not None:
            cleanup()
    return rows


def run(enterprises: int = ENTERPRISES) -> list[dict[str, Any]]:
    rows = []
    for db in ("sqlite", "postgresql"):
        rows += _database(db, enterprises)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=ENTERPRISES)
    parser.add_argument("--db", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", choices=["populate", *STEPS, "writes"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.enterprises), default=str))
        return
    for db in [args.db] if args.db else ["sqlite", "postgresql"]:
        for row in _database(db, args.enterprises):
            print(row)


if __name__ == "__main__":
    main()
