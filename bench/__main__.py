"""Run the benchmarks: each `bench/<name>_bench.py` module's `run()` returns result rows (dicts).

    python -m bench                # all of them
    python -m bench --only import  # bench/import_bench.py only (the "_bench" suffix is optional)

Prints one table per benchmark and writes every row to bench/out/latest.json.
"""

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.endswith("_bench"))


def _format(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n== {title} ==")
    if not rows:
        print("(no rows)")
        return
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    cells = [[_format(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row_cells in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row_cells, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="liangpai benchmarks")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)")
    args = parser.parse_args(argv)
    names = discover()
    if args.only:
        wanted = {n if n.endswith("_bench") else f"{n}_bench" for n in args.only}
        unknown = wanted - set(names)
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; available: {', '.join(names)}")
        names = [n for n in names if n in wanted]
    results: dict[str, Any] = {}
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        rows = module.run()
        elapsed = time.perf_counter() - started
        print_table(f"{name} ({elapsed:.1f} s)", rows)
        results[name] = {"seconds": elapsed, "rows": rows}
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    report = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "benchmarks": results,
    }
    (out / "latest.json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"\nresults: {out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
