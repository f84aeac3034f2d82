"""`manage.py explain_grade CREDIT_CODE YYYY`: the grade, then one line per reason (exit 0; 1 if unknown)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from liangpai.core.commands import parse_year_argument
from liangpai.enterprises.models import Enterprise
from liangpai.grades.explanations import explain_grade
from liangpai.rules.text import clean_code


class Command(BaseCommand):
    help = (
        "说明一家企业的年度等级：先列等级及一句话说明，再逐条列出原因（分数段、否决项、导致降级的每次亮灯）。"
        " / Explain an enterprise's annual grade: the grade with its one-line explanation, then one line per"
        " reason (score band, veto, each light that triggered a downgrade)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("credit_code", help="统一社会信用代码 / the unified social credit code")
        parser.add_argument("year", help="年度，如 2026 / the year, e.g. 2026")

    def handle(self, *args: Any, **options: Any) -> None:
        year = parse_year_argument(options["year"], returncode=1)
        code = clean_code(options["credit_code"])
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            raise CommandError(_("没有统一社会信用代码为“%(code)s”的企业。") % {"code": code}, returncode=1)
        explanation = explain_grade(enterprise, year.value)
        if explanation is None:
            raise CommandError(
                _("%(name)s 没有 %(year)s 年度的等级（请先运行 compute_grades %(year)s）。")
                % {"name": enterprise.name, "year": year},
                returncode=1,
            )
        self.stdout.write(explanation.headline)
        for rule, text in explanation.reasons:
            self.stdout.write(f"- {text}（{rule}）")
