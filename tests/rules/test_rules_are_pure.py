"""The rules package is pure Python: it imports neither Django nor any other liangpai package."""

import ast
from pathlib import Path

import liangpai.rules

RULES_DIR = Path(liangpai.rules.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_rules_module_imports_django_or_the_application():
    offenders = {
        f"{path.name}: {module}"
        for path in RULES_DIR.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in {"django", "config"}
        or (module.startswith("liangpai.") and not module.startswith("liangpai.rules"))
    }
    assert offenders == set()


def test_the_walk_finds_the_rules_modules():
    assert {"credit_code.py", "text.py"} <= {p.name for p in RULES_DIR.rglob("*.py")}


def test_the_credit_code_validator_survives_an_object_that_cannot_be_printed():
    from liangpai.rules.credit_code import validate

    class Hostile:
        def __str__(self) -> str:
            raise ValueError("no")

    assert validate(Hostile()) is not None
