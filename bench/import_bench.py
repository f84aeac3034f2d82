"""Enterprise import of a 20,000-row .xlsx: wall time against the bare calamine parse, and peak memory.

Each measurement runs in its own process, so its peak RSS (`ru_maxrss`) is its own:

  parse      python-calamine reading the sheet into Python lists (the baseline; best of 3)
  read       the import's reading: size/content checks, zip/XML guard, calamine, header (best of 3)
  dry run    reading + validating every row against the database, writing nothing (best of 3)
  import     the real import into an empty database: 20,000 creates, pinyin initials, audit rows
             (split into reading, validating, writing the rows, pinyin initials, audit rows)
  re-import  the same file again: every row unchanged, nothing written
  update     a file changing every row's headcount: 20,000 updates with before → after audit rows

SQLite always (a fresh temporary file); PostgreSQL as well when DATABASE_URL points to
one (a fresh database beside it, dropped afterwards).

    python -m bench.import_bench [--rows N]
"""

import argparse
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
ROWS = 20_000
TARGET_RATIO = 5.0
TARGET_MB = 300
HEADERS = ["企业名称", "统一社会信用代码", "镇(街道)", "片区", "地址", "行业", "规模", "职工人数", "是否建会",
           "工会主席", "工会主席电话", "安全负责人", "安全负责人电话", "经度", "纬度", "状态"]  # fmt: skip
TOWNS = {"基准镇": ["基准一片", "基准二片", "基准三片"], "示范街道": ["示范一片", "示范二片"]}
INDUSTRIES = {"34": "通用设备制造业", "18": "纺织服装、服饰业", "26": "化学原料和化学制品制造业"}
_WORDS = "平湖嘉兴新华东方金达永盛宏远精工机械纺织化工电子塑料包装五金科技实业制衣食品"


# --- the file ------------------------------------------------------------------------------


def write_workbook(path: Path, rows: int, *, headcount_offset: int = 0) -> None:
    """`rows` valid enterprises as real files hold them: numbers typed as numbers (floats on reading)."""
    import xlsxwriter

    from liangpai.rules.credit_code import ALPHABET, check_character

    rng = random.Random(2026)
    places = [(town, d) for town, districts in TOWNS.items() for d in districts]
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("企业名录")
    sheet.write_row(0, 0, HEADERS)
    seen: set[str] = set()
    r = 0
    while r < rows:
        body = "91330482" + "".join(rng.choice(ALPHABET) for _ in range(9))
        if body in seen:
            continue
        seen.add(body)
        town, district = places[r % len(places)]
        r += 1
        sheet.write_row(
            r,
            0,
            ["".join(rng.choice(_WORDS) for _ in range(4)) + f"{r}有限公司", body + check_character(body), town,
             district, f"{town}工业路{r}号", int(rng.choice(list(INDUSTRIES))), rng.choice(["规上", "规下"]),
             rng.randint(5, 3000) + headcount_offset, rng.choice(["是", "否"]), "王建国",
             13800000000 + rng.randint(0, 99999999), "李安全", 13900000000 + rng.randint(0, 99999999),
             round(121 + rng.random(), 6), round(30.5 + rng.random() / 2, 6), "在营"],
        )  # fmt: skip
    workbook.close()


# --- measurements, each in a child process ----------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best_of(n: int, fn: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(n):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def child_parse(path: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    def parse() -> int:
        return len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())

    seconds, rows = _best_of(3, parse)
    return {"seconds": seconds, "rows": rows, "peak_mb": _peak_mb()}


def _django() -> None:
    import django

    django.setup()


def child_setup() -> dict[str, Any]:
    _django()
    from django.core.management import call_command

    from liangpai.enterprises.models import Industry
    from liangpai.regions.models import City, District, Town

    call_command("migrate", verbosity=0)
    city, _ = City.objects.get_or_create(name="基准市", defaults={"division_code": "330482"})
    for order, (name, districts) in enumerate(TOWNS.items()):
        town, _ = Town.objects.get_or_create(
            city=city, name=name, defaults={"short_name": name[:2], "sort_order": order}
        )
        for d in districts:
            District.objects.get_or_create(town=town, name=d)
    section, _ = Industry.objects.get_or_create(code="C", defaults={"name": "制造业"})
    for code, name in INDUSTRIES.items():
        Industry.objects.get_or_create(code=code, defaults={"name": name, "parent": section})
    return {}


def child_dry_run(path: Path) -> dict[str, Any]:
    _django()
    from liangpai.imports import cells
    from liangpai.imports.services import check_import, read_sheet

    data = path.read_bytes()

    def cold(fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            cells._clean.cache_clear()  # every run starts with the text cache empty, as a real upload does
            return fn()

        return run

    read_s, _ = _best_of(3, cold(lambda: read_sheet(data=data, filename=path.name)))
    seconds, outcome = _best_of(3, cold(lambda: check_import(by=None, data=data, filename=path.name)))
    assert not outcome.errors, outcome.errors[:5]
    return {"read_s": read_s, "seconds": seconds, "rows": outcome.plan.rows, "peak_mb": _peak_mb()}


class _Stopwatch:
    """Wraps functions of a module to add up the time spent in them (calls made inside another counted once)."""

    def __init__(self, module: Any, *names: str) -> None:
        self.seconds = 0.0
        self._depth = 0
        for name in names:
            setattr(module, name, self._timed(getattr(module, name)))

    def _timed(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._depth += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:
                    self.seconds += time.perf_counter() - started

        return timed


def child_import(path: Path) -> dict[str, Any]:
    _django()
    from liangpai.core import audit
    from liangpai.core.models import AuditEvent
    from liangpai.enterprises import bulk
    from liangpai.imports import services

    read = _Stopwatch(services, "read_sheet")
    save = _Stopwatch(services, "save_enterprises")
    pinyin = _Stopwatch(bulk, "name_initials")
    audit_rows = _Stopwatch(audit, "record_many", "record_entries")
    data = path.read_bytes()
    audit_before = AuditEvent.objects.count()
    started = time.perf_counter()
    outcome = services.run_import(by=None, data=data, filename=path.name)
    seconds = time.perf_counter() - started
    assert not outcome.errors, outcome.errors[:5]
    return {
        "seconds": seconds,
        "read_s": read.seconds,
        "validate_s": seconds - read.seconds - save.seconds,
        "write_rows_s": save.seconds - pinyin.seconds - audit_rows.seconds,
        "pinyin_s": pinyin.seconds,
        "audit_s": audit_rows.seconds,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.plan.unchanged_count,
        "audit_rows": AuditEvent.objects.count() - audit_before,
        "peak_mb": _peak_mb(),
    }


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "parse": child_parse,
    "setup": child_setup,
    "dry_run": child_dry_run,
    "import": child_import,
}


def _spawn(phase: str, path: Path | None, env: dict[str, str]) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.import_bench", "--child", phase]
    if path is not None:
        args += ["--file", str(path)]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"import benchmark: {phase} failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the run ---------------------------------------------------------------------------------


def _databases(tmp: Path) -> list[tuple[str, str, Any]]:
    """(label, DATABASE_URL, cleanup) for SQLite and, when DATABASE_URL is PostgreSQL, a fresh database there."""
    found: list[tuple[str, str, Any]] = [("sqlite", f"sqlite:///{tmp / 'bench.sqlite3'}", None)]
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg

        admin_url = base.replace("postgres://", "postgresql://", 1)
        name = f"liangpai_bench_import_{os.getpid()}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")

        def drop() -> None:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

        found.append(("postgresql", base.rsplit("/", 1)[0] + "/" + name, drop))
    return found


def run(rows: int = ROWS) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="lp-import-bench-") as directory:
        tmp = Path(directory)
        sys.path.insert(0, str(ROOT))
        path = tmp / f"enterprises_{rows}.xlsx"
        changed = tmp / f"enterprises_{rows}_changed.xlsx"
        write_workbook(path, rows)
        write_workbook(changed, rows, headcount_offset=1)
        base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
        base_env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
        parse = _spawn("parse", path, base_env)
        baseline = parse["seconds"]
        size_mb = path.stat().st_size / 1024 / 1024
        results = [
            _row("-", "parse (calamine, baseline)", baseline, baseline, parse["peak_mb"], rows=parse["rows"] - 1)
        ]
        for label, url, cleanup in _databases(tmp):
            env = {**base_env, "DATABASE_URL": url}
            try:
                _spawn("setup", None, env)
                dry = _spawn("dry_run", path, env)
                results.append(_row(label, "read (guards + parse + header)", dry["read_s"], baseline, None))
                results.append(
                    _row(
                        label, "dry run (validate all rows)", dry["seconds"], baseline, dry["peak_mb"], rows=dry["rows"]
                    )
                )
                for scenario, file in (
                    ("import (20,000 new)", path),
                    ("re-import (all unchanged)", path),
                    ("update (all changed)", changed),
                ):
                    done = _spawn("import", file, env)
                    breakdown = {
                        k: round(done[k], 2) for k in ("read_s", "validate_s", "write_rows_s", "pinyin_s", "audit_s")
                    }
                    results.append(
                        _row(label, scenario, done["seconds"], baseline, done["peak_mb"],
                             created=done["created"], updated=done["updated"], unchanged=done["unchanged"],
                             audit_rows=done["audit_rows"], **breakdown)
                    )  # fmt: skip
            finally:
                if cleanup is not None:
                    cleanup()
        for row in results:
            row["file_mb"] = round(size_mb, 2)
        return results


def _row(db: str, phase: str, seconds: float, baseline: float, peak_mb: float | None, **extra: Any) -> dict[str, Any]:
    ratio = seconds / baseline if baseline else None
    row: dict[str, Any] = {"db": db, "phase": phase, "seconds": round(seconds, 3), "x_parse": round(ratio or 0, 2)}
    row["peak_mb"] = round(peak_mb, 1) if peak_mb is not None else None
    if peak_mb is not None and phase != "parse (calamine, baseline)":
        row["within_5x_300mb"] = (ratio or 0) <= TARGET_RATIO and peak_mb < TARGET_MB
    row.update(extra)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fn = CHILDREN[args.child]
        result = fn(args.file) if args.file is not None else fn()
        print(json.dumps(result))
        return
    for row in run(args.rows):
        print(row)


if __name__ == "__main__":
    main()
