"""The rulebook (liangpai/rules/README.md) is the single source of the rules' example tables."""

import re
from pathlib import Path

import liangpai.rules

RULEBOOK = (Path(liangpai.rules.__file__).parent / "README.md").read_text(encoding="utf-8")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def rulebook_table(rule_id: str) -> list[dict[str, str]]:
    """The example table under `### {rule_id}` in the rulebook, keyed by the `names` in its header."""
    section = RULEBOOK.split(f"\n### {rule_id} ", 1)[1].split("\n#", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    keys = [re.search(r"`(\w+)`", cell).group(1) for cell in _cells(lines[0])]  # type: ignore[union-attr]
    return [dict(zip(keys, _cells(line), strict=True)) for line in lines[2:]]
