"""Importing enterprises from a spreadsheet: check it (dry run), import it, or do both through a batch.

An import is all or nothing: the plan is made again inside the transaction that writes
(the database may have changed since the check), and a single invalid row means
nothing is written. Callers: the `import_enterprises` command (as the system actor
`IMPORT_COMMAND`) and the upload pages (as the signed-in user, within their scope).
"""

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangpai.core.access import Action, check, system_actor, user_or_none
from liangpai.enterprises.bulk import save_enterprises
from liangpai.imports.analysis import ImportPlan, analyse, locate_header
from liangpai.imports.columns import Header
from liangpai.imports.guards import FileRejected
from liangpai.imports.models import ImportBatch
from liangpai.imports.rows import Issue
from liangpai.imports.spreadsheet import Table, read_tables

#: Who imports when the `import_enterprises` command runs: the system, for the whole city.
IMPORT_COMMAND = system_actor("import_enterprises", Action.ENTERPRISE_IMPORT)


@dataclass
class ImportOutcome:
    plan: ImportPlan
    applied: bool = False
    created: int = 0
    updated: int = 0
    errors: list[Issue] = field(init=False)

    def __post_init__(self) -> None:
        self.errors = self.plan.errors


def read_sheet(*, data: bytes, filename: str) -> tuple[Table, Header] | list[Issue]:
    """The sheet to import and its header, or file-level errors. Raises FileRejected for unreadable files."""
    return locate_header(read_tables(data=data, filename=filename))


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while an import reads, checks and writes its rows.

    An import builds a few hundred thousand objects (cells, values, rows to insert, audit
    entries) that live until it ends and hold no reference cycles; the collector walked
    them — and every other object of the process — over and over: 0.4 s of a 20,000-row
    import. Reference counting frees memory as usual meanwhile; the collector resumes
    when the import ends (as Mercurial's `util.nogc` does for its big structures).
    """
    if not gc.isenabled():  # already paused (by a caller, or another import in this process)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@_cycle_collection_paused()
def check_import(*, by: Any, data: bytes, filename: str) -> ImportOutcome:
    """What importing the file would do, writing nothing (a dry run)."""
    _check_access(by)
    sheet = read_sheet(data=data, filename=filename)
    if isinstance(sheet, list):
        return ImportOutcome(ImportPlan(errors=sheet))
    table, header = sheet
    return ImportOutcome(analyse(table=table, header=header, by=by))


@_cycle_collection_paused()
def run_import(*, by: Any, data: bytes, filename: str, reason: str = "") -> ImportOutcome:
    """Import the whole file, or nothing when any row is invalid."""
    _check_access(by)
    sheet = read_sheet(data=data, filename=filename)
    if isinstance(sheet, list):
        return ImportOutcome(ImportPlan(errors=sheet))
    return _apply(by=by, sheet=sheet, reason=reason or _("批量导入：%(file)s") % {"file": PurePath(filename).name})


def _apply(*, by: Any, sheet: tuple[Table, Header], reason: str) -> ImportOutcome:
    table, header = sheet
    try:
        with transaction.atomic():
            plan = analyse(table=table, header=header, by=by, lock=True, build=True)
            if not plan.ok:
                return ImportOutcome(plan)
            created, updated = save_enterprises(by=by, creates=plan.creates, changes=plan.changes, reason=reason)
    except IntegrityError:
        # Someone saved one of these credit codes between our check and our insert.
        return ImportOutcome(
            ImportPlan(errors=[Issue(None, "", _("导入时有人同时修改了企业数据，未导入任何数据，请重试。"))])
        )
    return ImportOutcome(plan, applied=True, created=created, updated=updated)


def _check_access(by: Any) -> None:
    check(by, Action.ENTERPRISE_IMPORT)


# --- batches (the upload pages) -------------------------------------------------------


def create_batch(*, by: Any, data: bytes, filename: str) -> ImportBatch:
    """Check an uploaded file and keep it with the result, for the user to confirm. Raises FileRejected."""
    outcome = check_import(by=by, data=data, filename=filename)
    batch = ImportBatch(
        uploaded_by=user_or_none(by),
        original_name=PurePath(filename).name[:255],
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    _store_outcome(batch, outcome)
    batch.file.save(PurePath(filename).name, ContentFile(data), save=False)
    batch.save()
    return batch


class BatchNotReady(Exception):
    """The batch was already imported, or has errors."""


@_cycle_collection_paused()
def confirm_batch(*, by: Any, batch: ImportBatch) -> ImportOutcome:
    """Import a checked batch: checked again from the stored file, applied at most once."""
    if batch.uploaded_by_id != getattr(by, "pk", None):
        raise PermissionDenied
    _check_access(by)
    if batch.status != ImportBatch.Status.READY:
        raise BatchNotReady
    with batch.file.open("rb") as stored:
        data = stored.read()
    try:
        sheet = read_sheet(data=data, filename=batch.original_name)
    except FileRejected as exc:
        sheet = [Issue(None, "", exc.message)]
    if isinstance(sheet, list):
        return _reject(batch, ImportOutcome(ImportPlan(errors=sheet)))
    reason = _("批量导入：%(file)s（批次 #%(batch)s）") % {"file": batch.original_name, "batch": batch.pk}
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READY).update(
            status=ImportBatch.Status.APPLIED, applied_at=timezone.now()
        )
        if not claimed:
            raise BatchNotReady
        outcome = _apply(by=by, sheet=sheet, reason=reason)
        if not outcome.applied:
            transaction.set_rollback(True)
    if not outcome.applied:
        return _reject(batch, outcome)
    batch.refresh_from_db()
    _store_outcome(batch, outcome)
    batch.status = ImportBatch.Status.APPLIED
    batch.save()
    return outcome


def _reject(batch: ImportBatch, outcome: ImportOutcome) -> ImportOutcome:
    _store_outcome(batch, outcome)
    batch.status = ImportBatch.Status.INVALID
    batch.save()
    return outcome


def _store_outcome(batch: ImportBatch, outcome: ImportOutcome) -> None:
    plan = outcome.plan
    batch.status = ImportBatch.Status.READY if plan.ok else ImportBatch.Status.INVALID
    batch.row_count = plan.rows
    batch.create_count = outcome.created if outcome.applied else plan.create_count
    batch.update_count = outcome.updated if outcome.applied else plan.update_count
    batch.unchanged_count = plan.unchanged_count
    batch.error_count = len(plan.errors)
    batch.errors = [issue.as_dict() for issue in plan.errors]
    batch.notes = [issue.as_dict() for issue in plan.notes]
    batch.preview = plan.preview
