"""`manage.py close_quarter YYYYQn`: every enterprise's light for the quarter, and the warning interviews of red lights.

Exit 0 with the counts; 2 for a period that is not a quarter or has not started; 1 when
the quarter is published or no ruleset applies.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from liangpai.core.commands import parse_quarter_argument
from liangpai.core.errors import PeriodError, ServiceError
from liangpai.lights.models import LightChoice
from liangpai.periods.closing import close_quarter


class Command(BaseCommand):
    help = (
        "结算季度亮灯：按事实计算每家在营企业本季度的灯色，为红灯企业创建警示约谈；可重复运行，结果不变。"
        " / Close a quarter: compute every active enterprise's light from its facts and create the warning"
        " interviews of red lights; running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("quarter", help="季度，如 2026Q3 / the quarter, e.g. 2026Q3")

    def handle(self, *args: Any, **options: Any) -> None:
        quarter = parse_quarter_argument(options["quarter"])
        try:
            outcome = close_quarter(quarter=quarter)
        except PeriodError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        counts = "，".join(f"{choice.label} {outcome.lights.get(choice.value, 0)}" for choice in LightChoice)
        self.stdout.write(
            _("%(quarter)s 季度亮灯（规则集 %(version)s）：共 %(total)s 家。")
            % {
                "quarter": outcome.quarter,
                "version": outcome.ruleset_version,
                "total": outcome.total,
            }
        )
        self.stdout.write(counts)
        self.stdout.write(
            _("新增 %(created)s 条，更新 %(updated)s 条，无变化 %(unchanged)s 条，保留人工调整或历史导入 %(kept)s 条。")
            % {
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "kept": outcome.kept,
            }
        )
        self.stdout.write(self.style.SUCCESS(_("新建警示约谈 %(count)s 次。") % {"count": outcome.interviews_created}))
