"""`manage.py seed_demo`: load the demo city into an empty database (see liangpai.demo)."""

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangpai.demo.accounts import DEMO_PASSWORD
from liangpai.demo.seed import DEFAULT_ENTERPRISES, DEFAULT_SEED, SeedResult, seed_demo_city, why_not_empty


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class Command(BaseCommand):
    help = (
        "载入示范城市：9 个镇/街道、片区、企业、代表小组、专家和各角色的示范账号。只能载入空数据库。"
        " / Load the demo city (towns, districts, enterprises, groups, experts, one user per role)"
        " into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises", type=_positive, default=DEFAULT_ENTERPRISES, help="企业数 / number of enterprises"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="随机种子 / random seed (same seed, same data)"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库已有数据时什么也不做 / do nothing (and succeed) when the database already has data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if reason := why_not_empty():
            if options["if_empty"]:
                self.stdout.write(f"未载入示范数据：{reason.zh}。/ Demo data not loaded: {reason.en}.")
                return
            raise CommandError(
                f"拒绝载入示范数据：{reason.zh}，示范数据只能载入空数据库。"
                f" / Refusing to load demo data: {reason.en}; it only goes into an empty database."
            )
        started = time.monotonic()
        result = seed_demo_city(enterprises=options["enterprises"], seed=options["seed"])
        self._report(result, time.monotonic() - started, options["seed"])

    def _report(self, r: SeedResult, seconds: float, seed: int) -> None:
        share = r.above_scale / r.enterprises
        lines = [
            f"示范城市 {r.city.name}（种子 {seed}，用时 {seconds:.1f} 秒 / seed {seed}, {seconds:.1f} s）",
            f"  镇/街道 towns       {r.towns}",
            f"  片区 districts      {r.districts}",
            f"  企业 enterprises    {r.enterprises}（规上 {r.above_scale}，{share:.0%}；停业/迁出 {r.not_active}）",
            f"  工会/应急机构 bodies {r.bodies}",
            f"  代表小组 groups     {r.groups}（成员 {r.group_members}）",
            f"  专家 experts        {r.experts}",
            f"  历史 history        {r.history.years[0]}–{r.history.quarters[-1]}：年度等级 {r.history.grades}，"
            f"季度亮灯 {r.history.lights}（已公布 / published）",
            f"  年度评估 assessments {r.assessments}（本年度，第一个镇/街道 / this year, first town）",
            "",
            f"示范账号 / demo accounts — 密码 password: {DEMO_PASSWORD}",
        ]
        width = max(len(a.username) for a in r.accounts)
        for account in r.accounts:
            note = "" if account.created else "  （用户名已存在，未改动 / username taken, left as it was）"
            lines.append(f"  {account.username:<{width}}  {account.role_label}  ·  {account.scope}{note}")
        self.stdout.write("\n".join(lines))
