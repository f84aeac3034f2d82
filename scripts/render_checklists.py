#!/usr/bin/env python3
"""Renders the default assessment checklists to docs/checklists.md, for union officials to review.

    python scripts/render_checklists.py           # rewrite docs/checklists.md
    python scripts/render_checklists.py --check   # exit 1 if docs/checklists.md is out of date

The data lives in liangpai/checklists/default_templates.py; never edit the Markdown by hand.
"""

import argparse
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "checklists.md"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from liangpai.checklists.default_templates import (  # noqa: E402 -- needs the repository root on the path
    DEFAULT_TEMPLATES,
    TemplateSpec,
)


def _score(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _template(template: TemplateSpec) -> list[str]:
    scored = [item for item in template.items if not item.is_veto]
    lines = [
        f"## {template.name}",
        "",
        f"模板编号 `{template.code}`，适用年度 {template.version_year}；"
        f"{len(template.categories)} 类 {len(template.items)} 项（计分项 {len(scored)} 项，"
        f"否决项 {len(template.veto_items)} 项），满分 {_score(template.max_score)} 分。",
        "",
        "| 类别 | 项目数 | 分值 |",
        "|---|---:|---:|",
    ]
    lines += [f"| {c.name} | {len(c.items)} | {_score(c.max_score)} |" for c in template.categories]
    lines += [
        f"| **合计** | **{len(template.items)}** | **{_score(template.max_score)}** |",
        "",
        "### 评价项目一览",
        "",
        "| 类别 | 编号 | 评价内容 | 分值 | 否决项 |",
        "|---|---|---|---:|:---:|",
    ]
    for category in template.categories:
        for item in category.items:
            veto = "是" if item.is_veto else ""
            lines.append(f"| {category.name} | {item.code} | {_cell(item.text)} | {_score(item.max_score)} | {veto} |")
    lines += ["", "### 评分标准与评价方法", ""]
    for category in template.categories:
        lines += [
            f"#### {category.code} {category.name}（{_score(category.max_score)} 分）",
            "",
            "| 编号 | 评分标准 | 评价方法（查阅资料/现场查看） |",
            "|---|---|---|",
        ]
        lines += [f"| {item.code} | {_cell(item.guidance)} | {_cell(item.evidence)} |" for item in category.items]
        lines.append("")
    return lines


def render() -> str:
    lines = [
        "# 默认评估标准 Default assessment checklists",
        "",
        "<!-- 本文件由 scripts/render_checklists.py 根据 liangpai/checklists/default_templates.py 生成，"
        "请勿手工修改。Generated file: edit the data and re-run the script. -->",
        "",
        "安全生产劳动保护评估分级亮牌年度评估的默认评价标准（MISSION.md R2）。"
        "系统首次使用时载入；市总工会可按年度复制模板并修改条目、分值和评分标准，往年模板保持不变。",
        "",
        "- **计分**：各计分项分值合计 100 分；评分标准中的扣分在本项分值内扣完为止；"
        "评估人员标记为“不适用”的项目不计入，得分按适用项目折算为百分制。",
        "- **否决项**：每个模板均含三项否决项——拒绝、阻挠工会劳动保护监督检查；重大事故隐患逾期未整改；"
        "发生生产安全死亡事故（或瞒报、谎报事故）。否决项不计分、不得标记为不适用，"
        "只判定通过或不通过；任一项不通过，年度评估直接评定为 D 级（MISSION.md R3）。",
        "- **评级**：默认 A ≥ 90 分，B 80–89.x 分，C 60–79.x 分，D < 60 分；季度亮灯的降级规则另见规则说明。",
        "",
    ]
    for template in DEFAULT_TEMPLATES:
        lines += _template(template)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/checklists.md is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(
                f"{OUTPUT.relative_to(ROOT)} is out of date: run python scripts/render_checklists.py", file=sys.stderr
            )
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
