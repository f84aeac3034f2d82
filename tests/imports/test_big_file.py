"""20,000 rows: all imported in one go, every one audited; the check stays within a small multiple of parsing.

The precise figures (and peak memory) come from `python -m bench --only import`; the bound
here is loose on purpose, so a busy machine does not fail the suite.
"""

import time
from pathlib import Path

from python_calamine import CalamineWorkbook

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.imports.services import IMPORT_COMMAND, check_import, run_import


def test_twenty_thousand_rows_import_in_one_transaction(world: object, big_file: Path) -> None:
    data = big_file.read_bytes()
    started = time.perf_counter()
    CalamineWorkbook.from_path(str(big_file)).get_sheet_by_index(0).to_python()
    parse = time.perf_counter() - started

    started = time.perf_counter()
    checked = check_import(by=IMPORT_COMMAND, data=data, filename=big_file.name)
    dry_run = time.perf_counter() - started
    assert (checked.errors, checked.plan.create_count) == ([], 20_000)
    assert dry_run < 12 * parse + 1, (dry_run, parse)

    before = Enterprise.objects.count()
    outcome = run_import(by=IMPORT_COMMAND, data=data, filename=big_file.name)

    assert (outcome.errors, outcome.created) == ([], 20_000)
    assert Enterprise.objects.count() == before + 20_000
    assert AuditEvent.objects.filter(action="enterprise.create").count() == 20_000
    assert not Enterprise.objects.filter(name_initials="").exists()
