"""Enterprise list page (filtered, paginated) with 100,000 enterprises: p50 / p95 server time.

Each database runs in its own process (Django binds to one database per process):
SQLite in a fresh temporary file, PostgreSQL in a fresh database next to DATABASE_URL's
(or postgres://postgres@127.0.0.1:5432/test) when a server answers. Baselines measured
in the same run: the same page's rows read by one raw SQL query, and a minimal Django
view (`/healthz`), so the figures can be compared across machines.

    python -m bench.list_bench [--enterprises N] [--requests N] [--db sqlite|postgresql]
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _populate(n: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password

    from liangpai.accounts.models import Membership, Role, User
    from liangpai.enterprises.models import Enterprise, Industry
    from liangpai.regions.models import City, District, Town
    from liangpai.rules.credit_code import ALPHABET, check_character

    rng = random.Random(100_000)
    city = City.objects.create(name="基准市", division_code="330482")
    towns = Town.objects.bulk_create(
        Town(city=city, name=f"基准{i}镇", short_name=f"基{i}", sort_order=i) for i in range(9)
    )
    districts = District.objects.bulk_create(District(town=t, name=f"{t.name}{j}片") for t in towns for j in range(5))
    industries = list(Industry.objects.exclude(parent=None).filter(parent__code="C"))
    words = ["宏达", "精工", "华美", "兴业", "恒丰", "永安", "金盛", "新材", "通达", "瑞丰", "嘉禾", "远航"]
    trades = ["机械", "纺织", "箱包", "电子", "塑业", "化工", "服饰", "五金", "包装", "光电"]
    batch: list[Enterprise] = []
    for i in range(n):
        d = districts[rng.randrange(len(districts))]
        body = "91330482" + "".join(rng.choice(ALPHABET) for _ in range(9))
        name = f"平澜{rng.choice(words)}{rng.choice(trades)}{i}有限公司"
        batch.append(
            Enterprise(
                name=name,
                name_initials="pl" + str(i),
                credit_code=body + check_character(body),
                town_id=d.town_id,
                district=d,
                industry=rng.choice(industries),
                scale=rng.choice(["above", "below"]),
                headcount=rng.randint(5, 800),
                has_union=rng.random() < 0.7,
                safety_contact_phone="139" + f"{rng.randrange(10**8):08d}",
            )
        )
        if len(batch) == 5000:
            Enterprise.objects.bulk_create(batch)
            batch = []
    Enterprise.objects.bulk_create(batch)
    password = make_password("bench-password-2026")
    users = {
        "city_admin": User.objects.create(username="bench_city", password=password),
        "town_union": User.objects.create(username="bench_town", password=password),
    }
    Membership.objects.create(user=users["city_admin"], role=Role.CITY_ADMIN)
    Membership.objects.create(user=users["town_union"], role=Role.TOWN_UNION, town=towns[0])
    return {"towns": [t.pk for t in towns], "users": users}


def _measure_one_database(label: str, n: int, requests: int) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    data = _populate(n)
    populate_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps: visibility map set

    rng = random.Random(7)
    town = data["towns"][0]
    scenarios = {
        "全市第1页 city, page 1": ("city_admin", dict),
        "按镇筛选 town filter": ("city_admin", lambda: {"town": rng.choice(data["towns"])}),
        "镇+规模+翻页 town+scale+page": (
            "city_admin",
            lambda: {"town": town, "scale": "above", "page": rng.randint(1, 20)},
        ),
        "名称搜索 name search": ("city_admin", lambda: {"q": rng.choice(["宏达", "精工机械", "光电", "兴业箱包"])}),
        "拼音/代码搜索 initials/code": ("city_admin", lambda: {"q": rng.choice(["pl12", "91330482"])}),
        "镇工会视角 town union": ("town_union", lambda: {"page": rng.randint(1, 10)}),
    }
    rows: list[dict[str, Any]] = []

    def timed(client: Client, path: str, params: dict[str, Any]) -> float:
        t0 = time.perf_counter()
        response = client.get(path, params)
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.status_code
        return elapsed * 1000

    clients = {}
    for role, user in data["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)

    # Baseline 1: a minimal Django view.
    base_client = Client()
    for _ in range(20):
        timed(base_client, "/healthz", {})
    health = [timed(base_client, "/healthz", {}) for _ in range(requests)]
    # Baseline 2: the first page's 50 rows and the total, by raw SQL (no ORM, no template).
    sql_samples = []
    for _ in range(requests):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM enterprises_enterprise WHERE town_id = %s", [town])
            cursor.fetchone()
            cursor.execute(
                "SELECT e.id, e.name, e.credit_code, t.name, d.name, i.code, i.name FROM enterprises_enterprise e "
                "JOIN regions_town t ON t.id = e.town_id JOIN regions_district d ON d.id = e.district_id "
                "JOIN enterprises_industry i ON i.id = e.industry_id WHERE e.town_id = %s "
                "ORDER BY e.name_initials, e.name, e.id LIMIT 50",
                [town],
            )
            cursor.fetchall()
        sql_samples.append((time.perf_counter() - t0) * 1000)
    sql_p50, sql_p95 = _percentiles(sql_samples)
    h50, h95 = _percentiles(health)
    rows.append({"db": label, "scenario": "基线: 原始SQL同一页 raw SQL page", "p50_ms": sql_p50, "p95_ms": sql_p95})
    rows.append({"db": label, "scenario": "基线: 最小视图 /healthz", "p50_ms": h50, "p95_ms": h95})

    all_samples: list[float] = []
    for name, (role, params) in scenarios.items():
        client = clients[role]
        for _ in range(5):
            timed(client, "/enterprises/", params())
        samples = [timed(client, "/enterprises/", params()) for _ in range(requests)]
        all_samples += samples
        p50, p95 = _percentiles(samples)
        rows.append({"db": label, "scenario": name, "p50_ms": p50, "p95_ms": p95, "x_sql_p50": p50 / sql_p50})
    p50, p95 = _percentiles(all_samples)
    rows.append(
        {
            "db": label,
            "scenario": "全部列表请求 all list requests",
            "p50_ms": p50,
            "p95_ms": p95,
            "x_sql_p50": p50 / sql_p50,
            "target": "p95 < 100 ms",
            "met": p95 < 100,
            "enterprises": n,
            "populate_s": populate_s,
        }
    )
    return rows


def _pg_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3):
            return True
    except Exception:
        return False


def _child(db: str, n: int, requests: int) -> list[dict[str, Any]]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="lp-bench-static-")
    env["ALLOWED_HOSTS"] = "testserver"
    cleanup = None
    if db == "sqlite":
        tmp = tempfile.mkdtemp(prefix="lp-bench-")
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        import psycopg

        base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
        if not base.startswith("postgres"):
            base = DEFAULT_PG
        if not _pg_reachable(base):
            return [
                {
                    "db": "postgresql",
                    "scenario": "未运行：PostgreSQL 无法连接 / not run: no server",
                    "p50_ms": None,
                    "p95_ms": None,
                }
            ]
        dbname = "liangpai_bench_list"
        with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {dbname}")
            conn.execute(f"CREATE DATABASE {dbname}")
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + dbname

        def cleanup() -> None:
            with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {dbname}")

    try:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.list_bench",
                "--child",
                db,
                "--enterprises",
                str(n),
                "--requests",
                str(requests),
            ],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            sys.stderr.write(out.stderr)
            raise SystemExit(f"list benchmark on {db} failed (exit {out.returncode})")
    finally:
        if cleanup is not None:
            cleanup()
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(enterprises: int = 100_000, requests: int = 60) -> list[dict[str, Any]]:
    rows = []
    for db in ("sqlite", "postgresql"):
        rows += _child(db, enterprises, requests)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--db", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure_one_database(args.child, args.enterprises, args.requests)))
        return
    dbs = [args.db] if args.db else ["sqlite", "postgresql"]
    for db in dbs:
        for row in _child(db, args.enterprises, args.requests):
            print(row)


if __name__ == "__main__":
    main()
