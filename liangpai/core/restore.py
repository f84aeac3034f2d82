"""Restoring a backup archive (`liangpai.core.backup`) and proving the copy identical (SECURITY.md T14).

The steps, each of which can stop the restore:

1. The archive: its manifest is read, then every member is hashed and compared with the
   manifest (size, sha256; nothing missing, nothing extra). A mismatch stops here, before
   anything is touched.
2. The code: the archive's migrations must be the ones this code has, and each table's
   columns the ones its model has (an archive is restored by the release that made it;
   docs/backup.md says how to move on to a newer one).
3. The target: its database must hold no data besides what `migrate` writes
   (`MIGRATION_FILLED`), and MEDIA_ROOT and PRIVATE_ROOT no files, unless `force` says to
   replace them. An unmigrated database is migrated first.
4. The database, in one transaction: every table emptied, the archive's rows inserted with
   their ids, foreign keys checked, PostgreSQL sequences moved past the ids, then every
   table's row count and canonical checksum recomputed from the database and the audit
   chain verified. Any difference rolls the whole load back.
5. The files, written under their roots, then every file under the roots hashed again and
   compared with the manifest.

The result lists every difference found; an empty list is the only success.
"""

import gzip
import hashlib
import json
import shutil
import tarfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model

from liangpai.core.audit import verify_chain
from liangpai.core.backup import (
    CHUNK_ROWS,
    COPY_BYTES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MIGRATION_FILLED,
    CanonicalTable,
    Message,
    backed_up_models,
    file_roots,
    hash_file,
    hash_stream,
    member_name,
    migration_state,
    model_label,
    safe_relative,
    table_digest,
    unapplied_migrations,
    walk_files,
)

_MAX_LISTED = 50  # rows named in a refusal


class Refused(Exception):
    """The restore was not attempted: wrong archive for this code, or a target that holds data."""

    def __init__(self, message: Message, details: list[str] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.details = details or []


@dataclass
class RestoreResult:
    problems: list[Message] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0
    seconds: float = 0.0
    restored: bool = False  # whether the database was replaced (it is not when a check failed first)


class Archive:
    """An open backup archive and its manifest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.tar = tarfile.open(path, mode="r:")  # noqa: SIM115 -- closed by close()
        except (OSError, tarfile.TarError) as exc:
            raise Refused(
                Message(f"无法打开备份文件 {path}：{exc}", f"cannot open the backup archive {path}: {exc}")
            ) from exc
        self.members: dict[str, tarfile.TarInfo] = {}
        self.duplicates: list[str] = []
        for member in self.tar.getmembers():
            if member.name in self.members:
                self.duplicates.append(member.name)
            self.members[member.name] = member
        self.manifest = self._manifest()

    def _manifest(self) -> dict[str, Any]:
        info = self.members.get(MANIFEST)
        handle = self.tar.extractfile(info) if info is not None and info.isreg() else None
        try:
            manifest = json.loads(handle.read()) if handle is not None else None
        except ValueError:
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            self.close()
            raise Refused(
                Message(
                    f"{self.path} 不是亮牌系统的备份文件（缺少或无法读取 {MANIFEST}）",
                    f"{self.path} is not a liangpai backup ({MANIFEST} missing or unreadable)",
                )
            )
        if manifest.get("format_version") == FORMAT_VERSION and not _well_formed(manifest):
            self.close()
            raise Refused(
                Message(f"{self.path} 的清单不完整或已损坏", f"the manifest of {self.path} is incomplete or damaged")
            )
        if manifest.get("format_version") != FORMAT_VERSION:
            self.close()
            raise Refused(
                Message(
                    f"备份格式版本 {manifest.get('format_version')} 与本程序（{FORMAT_VERSION}）不符",
                    f"backup format version {manifest.get('format_version')}; this code reads {FORMAT_VERSION}",
                )
            )
        return manifest

    @property
    def tables(self) -> list[dict[str, Any]]:
        return list(self.manifest.get("tables", []))

    @property
    def files(self) -> list[dict[str, Any]]:
        return list(self.manifest.get("files", []))

    def open_member(self, name: str) -> IO[bytes]:
        handle = self.tar.extractfile(self.members[name])
        assert handle is not None
        return handle

    def close(self) -> None:
        self.tar.close()


_TABLE_KEYS = {"model": str, "table": str, "columns": list, "rows": int, "sha256": str, "member": str}
_TABLE_KEYS |= {"member_size": int, "member_sha256": str}
_FILE_KEYS = {"root": str, "path": str, "size": int, "sha256": str}


def _well_formed(manifest: dict[str, Any]) -> bool:
    """Whether the manifest has every entry the restore reads, of the right type."""
    tables, files, migrations = manifest.get("tables"), manifest.get("files"), manifest.get("migrations")
    if not isinstance(tables, list) or not isinstance(files, list) or not isinstance(migrations, dict):
        return False
    for entries, keys in ((tables, _TABLE_KEYS), (files, _FILE_KEYS)):
        for entry in entries:
            if not isinstance(entry, dict) or any(not isinstance(entry.get(k), t) for k, t in keys.items()):
                return False
    return all(isinstance(names, list) and all(isinstance(n, str) for n in names) for names in migrations.values())


# --- step 1: the archive -------------------------------------------------------------------------


def check_archive(archive: Archive, *, deep: bool = False) -> list[Message]:
    """Compare every member with the manifest; `deep` also unpacks each table to check its rows and checksum."""
    problems = [
        Message(f"备份中 {name} 出现多次", f"{name} appears more than once in the archive")
        for name in archive.duplicates
    ]
    expected: dict[str, tuple[int, str]] = {}
    for table in archive.tables:
        expected[table["member"]] = (table["member_size"], table["member_sha256"])
    for stored in archive.files:
        if not safe_relative(stored["path"]) or stored["root"] not in file_roots():
            problems.append(
                Message(
                    f"清单中的文件路径不安全：{stored['path']}", f"unsafe file path in the manifest: {stored['path']}"
                )
            )
            continue
        expected[member_name(stored["root"], stored["path"])] = (stored["size"], stored["sha256"])
    for name, info in archive.members.items():
        if name == MANIFEST:
            continue
        if name not in expected:
            problems.append(
                Message(f"备份中有清单未列出的 {name}", f"{name} is in the archive but not in the manifest")
            )
        elif not info.isreg():
            problems.append(Message(f"{name} 不是普通文件", f"{name} is not a regular file"))
    for name, (size, sha256) in expected.items():
        found = archive.members.get(name)
        if found is None:
            problems.append(Message(f"备份中缺少 {name}", f"{name} is missing from the archive"))
            continue
        if not found.isreg():
            continue
        actual_size, actual_sha256 = hash_stream(archive.open_member(name))
        if actual_size != size or actual_sha256 != sha256:
            problems.append(
                Message(
                    f"{name} 的校验值与清单不符（{actual_size} 字节，清单记 {size} 字节）",
                    f"{name} does not match its checksum in the manifest ({actual_size} bytes, manifest {size})",
                )
            )
    if deep and not problems:
        for table in archive.tables:
            rows, digest = 0, hashlib.sha256()
            try:
                for line in _table_lines(archive, table["member"]):
                    digest.update(line)
                    rows += 1
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                problems.append(
                    Message(f"{table['member']} 无法解压：{exc}", f"{table['member']} cannot be unpacked: {exc}")
                )
                continue
            problems.extend(_compare_table(table, rows, digest.hexdigest(), where=IN_ARCHIVE))
    return problems


def _table_lines(archive: Archive, member: str) -> Iterator[bytes]:
    with gzip.GzipFile(fileobj=archive.open_member(member), mode="rb") as unpacked:
        yield from unpacked


IN_ARCHIVE = Message("备份中", "in the archive")
AFTER_RESTORE = Message("恢复后", "after the restore")


def _compare_table(table: dict[str, Any], rows: int, sha256: str, *, where: Message) -> list[Message]:
    name = table["table"]
    if rows != table["rows"]:
        return [
            Message(
                f"表 {name}：{rows} 行，清单记 {table['rows']} 行（{where.zh}）",
                f"table {name}: {rows} rows, manifest says {table['rows']} ({where.en})",
            )
        ]
    if sha256 != table["sha256"]:
        return [
            Message(
                f"表 {name}：内容校验值与清单不符（{where.zh}）",
                f"table {name}: content checksum differs from the manifest ({where.en})",
            )
        ]
    return []


# --- step 2: the code ----------------------------------------------------------------------------


def check_code(archive: Archive) -> None:
    """Refuse an archive made by other code: other migrations, other tables or other columns."""
    recorded = {(app, name) for app, names in archive.manifest.get("migrations", {}).items() for name in names}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = sorted(recorded - set(loader.disk_migrations))
    not_in_backup = sorted(set(loader.graph.leaf_nodes()) - recorded)
    commit = (archive.manifest.get("code") or {}).get("git_commit") or "?"
    if unknown or not_in_backup:
        details = [f"  备份有、本程序没有 / in the backup only: {a}.{n}" for a, n in unknown[:_MAX_LISTED]]
        details += [f"  本程序有、备份没有 / in this code only: {a}.{n}" for a, n in not_in_backup[:_MAX_LISTED]]
        raise Refused(
            Message(
                f"备份的数据库结构（迁移）与本程序不同：请用做备份的版本（git {commit}）恢复，再升级并运行 migrate",
                f"the backup's migrations differ from this code's: restore with the release that made it"
                f" (git {commit}), then upgrade and run migrate",
            ),
            details,
        )
    models = {model_label(model): model for model in backed_up_models()}
    in_archive = {table["model"]: table for table in archive.tables}
    details = []
    for label in sorted(models.keys() - in_archive.keys()):
        details.append(f"  备份中没有表 / not in the backup: {label}")
    for label in sorted(in_archive.keys() - models.keys()):
        details.append(f"  本程序没有表 / unknown to this code: {label}")
    for label in sorted(models.keys() & in_archive.keys()):
        if in_archive[label]["columns"] != CanonicalTable(models[label]).columns:
            details.append(f"  列不同 / other columns: {label}")
    if details:
        raise Refused(
            Message(
                f"备份中的表与本程序的不同：请用做备份的版本（git {commit}）恢复",
                f"the backup's tables differ from this code's: restore with the release that made it (git {commit})",
            ),
            details,
        )


# --- step 3: the target ----------------------------------------------------------------------------


def data_in_target() -> list[tuple[str, int]]:
    """(table, rows) of every table holding rows that a restore would replace: all but what migrate writes."""
    existing = set(connection.introspection.table_names())
    occupied = []
    for model in backed_up_models():
        table = model._meta.db_table
        if model_label(model) in MIGRATION_FILLED or table not in existing:
            continue
        if rows := model._base_manager.count():
            occupied.append((table, rows))
    return occupied


def files_in_target() -> int:
    return sum(1 for _ in walk_files(file_roots()))


def _check_target() -> None:
    occupied = data_in_target()
    files = files_in_target()
    if not occupied and not files:
        return
    details = [f"  {table}: {rows} 行 rows" for table, rows in occupied[:_MAX_LISTED]]
    if files:
        details.append(f"  MEDIA_ROOT / PRIVATE_ROOT: {files} 个文件 files")
    raise Refused(
        Message(
            "目标数据库或文件目录中已有数据，恢复会覆盖它们。确认要清空并以备份替换，请加 --force",
            "the target database or file directories already hold data that a restore would replace;"
            " add --force to erase them and restore the backup in their place",
        ),
        details,
    )


def _check_roots_are_safe() -> None:
    """--force empties the file roots: never a root that holds the code or a whole file system."""
    base = Path(settings.BASE_DIR).resolve()
    for name, root in file_roots().items():
        resolved = root.resolve()
        if resolved == Path(resolved.anchor) or base.is_relative_to(resolved) or resolved == Path.home():
            raise Refused(
                Message(
                    f"{name} 目录 {resolved} 包含程序或整个文件系统，不能清空；请检查 MEDIA_ROOT / PRIVATE_ROOT",
                    f"the {name} directory {resolved} holds the code or a whole file system and is not emptied;"
                    " check MEDIA_ROOT / PRIVATE_ROOT",
                )
            )


def _migrate(archive: Archive, log: Callable[[str], None]) -> None:
    if unapplied_migrations():
        log("执行数据库迁移 / running migrations")
        call_command("migrate", interactive=False, verbosity=0)
    recorded = archive.manifest.get("migrations", {})
    current = migration_state()
    differing = sorted(app for app in recorded.keys() | current.keys() if recorded.get(app) != current.get(app))
    if differing:
        raise Refused(
            Message(
                f"目标数据库已执行的迁移与备份不同（{', '.join(differing)}）",
                f"the target database's applied migrations differ from the backup's ({', '.join(differing)})",
            )
        )


# --- step 4: the database ----------------------------------------------------------------------------


class _RolledBack(Exception):
    pass


def _load_database(archive: Archive, log: Callable[[str], None]) -> tuple[list[Message], int]:
    """Replace every table with the archive's rows and check the result; roll back on any difference."""
    models = {model_label(model): model for model in backed_up_models()}
    problems: list[Message] = []
    rows = 0
    try:
        with transaction.atomic():
            _flush_all()
            for table in archive.tables:
                canonical = CanonicalTable(models[table["model"]])
                loaded, sha256 = _load_table(archive, table, canonical)
                rows += loaded
                problems += _compare_table(table, loaded, sha256, where=IN_ARCHIVE)
            log(f"已载入 {rows} 行，检查外键 / {rows} rows loaded; checking foreign keys")
            try:
                connection.check_constraints()
            except IntegrityError as exc:
                problems.append(Message(f"外键不一致：{exc}", f"foreign keys do not match: {exc}"))
                raise _RolledBack from exc
            _reset_sequences(list(models.values()))
            log("重新计算各表校验值，校验审计链 / recomputing table checksums, verifying the audit chain")
            for table in archive.tables:
                digest = table_digest(CanonicalTable(models[table["model"]]))
                problems += _compare_table(table, digest.rows, digest.sha256, where=AFTER_RESTORE)
            if (broken := verify_chain()) is not None:
                problems.append(
                    Message(
                        f"审计记录第 {broken.pk} 条与哈希链不符",
                        f"audit event #{broken.pk} does not fit the hash chain",
                    )
                )
            if problems:
                raise _RolledBack
    except _RolledBack:
        problems.append(Message("数据库已回滚，未作任何改动", "the database was rolled back; nothing was changed"))
    except (DatabaseError, ValueError, TypeError, KeyError, ArithmeticError, OSError, EOFError) as exc:
        problems.append(Message(f"载入失败，数据库已回滚：{exc}", f"loading failed and was rolled back: {exc}"))
    ContentType.objects.clear_cache()
    return problems, rows


def _flush_all() -> None:
    """Empty every model table, sessions included (no one stays signed in to a replaced database)."""
    existing = set(connection.introspection.table_names())
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing
        }
    )
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=False):
            cursor.execute(statement)


def _load_table(archive: Archive, table: dict[str, Any], canonical: CanonicalTable) -> tuple[int, str]:
    """Insert the member's rows; return how many, and the sha256 of their canonical lines as read."""
    quote = connection.ops.quote_name
    name = quote(canonical.model._meta.db_table)
    columns = ", ".join(quote(column) for column in canonical.columns)
    sha256 = hashlib.sha256()
    loaded = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal loaded
        for line in _table_lines(archive, table["member"]):
            sha256.update(line)
            loaded += 1
            yield canonical.parse(line)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY through the driver's own cursor, as liangpai.core.audit does for bulk events.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(canonical.columns))
            sql = f"INSERT INTO {name} ({columns}) VALUES ({values})"  # noqa: S608 -- names from model meta
            batch: list[list[Any]] = []
            for row in rows():
                batch.append(row)
                if len(batch) >= CHUNK_ROWS:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
    return loaded, sha256.hexdigest()


def _reset_sequences(models: list[type[Model]]) -> None:
    """Move PostgreSQL's id sequences past the restored ids (SQLite follows the largest id by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# --- step 5: the files ----------------------------------------------------------------------------


def _empty_roots() -> None:
    for root in file_roots().values():
        if not root.is_dir():
            continue
        for child in root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def _restore_files(archive: Archive) -> list[Message]:
    roots = file_roots()
    problems = []
    for stored in archive.files:
        root = roots[stored["root"]]
        target = root / stored["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".restore-{uuid.uuid4().hex}")
        digest = hashlib.sha256()
        with archive.open_member(member_name(stored["root"], stored["path"])) as source, scratch.open("wb") as out:
            while chunk := source.read(COPY_BYTES):
                digest.update(chunk)
                out.write(chunk)
        if settings.FILE_UPLOAD_PERMISSIONS is not None:
            scratch.chmod(settings.FILE_UPLOAD_PERMISSIONS)
        scratch.replace(target)
        if digest.hexdigest() != stored["sha256"]:
            problems.append(
                Message(
                    f"文件 {stored['root']}/{stored['path']} 写入时校验不符",
                    f"file {stored['root']}/{stored['path']} changed while written",
                )
            )
    return problems


def compare_files(expected: list[dict[str, Any]]) -> list[Message]:
    """Hash every file under the roots and compare with the manifest's list."""
    wanted = {(f["root"], f["path"]): (f["size"], f["sha256"]) for f in expected}
    problems = []
    seen = set()
    for stored in walk_files(file_roots()):
        key = (stored.root, stored.path)
        seen.add(key)
        label = f"{stored.root}/{stored.path}"
        if key not in wanted:
            problems.append(Message(f"多出文件 {label}（备份中没有）", f"extra file {label} (not in the backup)"))
        elif hash_file(stored.absolute) != wanted[key]:
            problems.append(Message(f"文件 {label} 与备份不符", f"file {label} differs from the backup"))
    for root, path in sorted(wanted.keys() - seen):
        problems.append(Message(f"缺少文件 {root}/{path}", f"file {root}/{path} is missing"))
    return problems


# --- all steps ----------------------------------------------------------------------------------------


def restore_backup(
    path: Path, *, force: bool = False, log: Callable[[str], None] = lambda _line: None
) -> RestoreResult:
    """Restore the archive at `path` into the database and file roots; see the module docstring.

    Raises `Refused` when the restore is not attempted (wrong code, data in the target);
    returns the differences found otherwise, an empty list when the copy is identical.
    """
    started = time.monotonic()

    def log_at(line: str) -> None:
        log(f"[{time.monotonic() - started:6.1f} s] {line}")

    archive = Archive(path)
    result = RestoreResult(tables=len(archive.tables), files=len(archive.files))
    try:
        log_at(f"校验备份文件 / checking the archive: {len(archive.tables)} 表 tables, {len(archive.files)} 文件 files")
        result.problems = check_archive(archive)
        if result.problems:
            return result
        check_code(archive)
        if force:
            _check_roots_are_safe()
        else:
            _check_target()
        _migrate(archive, log_at)
        log_at("载入数据库 / loading the database")
        result.problems, result.rows = _load_database(archive, log_at)
        if result.problems:
            return result
        result.restored = True
        log_at("恢复文件 / restoring files")
        if force:
            _empty_roots()
        result.problems = _restore_files(archive)
        log_at("核对文件 / checking the files")
        result.problems += compare_files(archive.files)
    finally:
        archive.close()
        result.seconds = time.monotonic() - started
    return result
