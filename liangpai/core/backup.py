"""Backups (SECURITY.md T14, 等保 8.1.4.9): the database and the uploaded files in one archive.

An archive is an uncompressed tar file (docs/backup.md) holding

  data/<app_label>.<model_name>.jsonl.gz   one member per table, in load order: the table's
                                           rows in primary-key order, one canonical JSON array
                                           per line (`CanonicalTable`), gzip-compressed;
  files/media/…, files/private/…           every file under MEDIA_ROOT and PRIVATE_ROOT, as is;
  manifest.json                            last: per table its columns, row count and the
                                           sha256 of its canonical lines; per member its size
                                           and sha256; per file its size and sha256; the
                                           migrations applied, the code's version, the
                                           database vendor and the time of the backup.

The canonical form does not depend on the database: datetimes in UTC ISO form, decimals
with their field's places, JSON values with sorted keys, rows ordered by primary key (text
keys by code point on every vendor). So the checksum computed on SQLite is the one a
PostgreSQL copy gives, and `restore` proves a copy identical by recomputing it.

Everything streams: rows are read in chunks inside one read snapshot and written through
gzip to a temporary file, files are hashed while they are copied, so memory does not grow
with the city. Only `manifest.json` (a few hundred bytes per table and per file) is held.

`liangpai.core.restore` reads the archives this module writes.
"""

import base64
import datetime
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import F, Field, Model
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.dateparse import parse_datetime, parse_duration
from django.utils.duration import duration_string

FORMAT = "liangpai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data"
FILES_DIR = "files"
CHUNK_ROWS = 2000
COPY_BYTES = 1024 * 1024

#: Tables left out of every backup, with the reason the manifest gives.
EXCLUDED = {
    "sessions.session": "会话不备份：恢复后所有人需重新登录。/ Sessions are not backed up: after a restore everyone signs in again.",
}

#: Tables `migrate` itself fills (content types and permissions after each migration, and the data
#: migrations' reference data). A freshly migrated database holds rows only here; `restore`
#: replaces them with the archive's and counts any other row as data it would overwrite.
#: tests/core/test_backup.py fails when a migration starts filling another table.
MIGRATION_FILLED = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "enterprises.industry",  # enterprises 0002_industries
        "checklists.checklisttemplate",  # checklists 0002_default_templates
        "checklists.checklistcategory",
        "checklists.checklistitem",
        "ratings.rulesetversion",  # ratings 0002_default_ruleset_2026
    }
)


class Message(NamedTuple):
    """A sentence for the operator, in Chinese and in English."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


class BackupError(Exception):
    """The backup cannot be made (nothing is left behind)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


# --- which tables, in which order -------------------------------------------------------------


def backed_up_models() -> list[type[Model]]:
    """Every table of the installed apps except `EXCLUDED`, each after the tables it refers to.

    Many-to-many tables are included (they are models Django creates). Foreign keys are
    checked at commit on both vendors, so the order is a courtesy to other loaders; where
    references form a cycle, the order breaks it by label.
    """
    candidates = {
        model._meta.label_lower: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.label_lower not in EXCLUDED
    }
    ordered: list[type[Model]] = []
    placed: set[str] = set()

    def place(label: str, path: set[str]) -> None:
        if label in placed or label in path:
            return
        model = candidates[label]
        for field in model._meta.local_concrete_fields:
            target = field.related_model
            if field.is_relation and isinstance(target, type):
                target_label = (target._meta.concrete_model or target)._meta.label_lower
                if target_label in candidates and target_label != label:
                    place(target_label, path | {label})
        placed.add(label)
        ordered.append(model)

    for label in sorted(candidates):
        place(label, set())
    return ordered


def model_label(model: type[Model]) -> str:
    return model._meta.label_lower


def columns_of(model: type[Model]) -> list[Field[Any, Any]]:
    """The table's own columns (a child table of multi-table inheritance has only its own)."""
    return list(model._meta.local_concrete_fields)


# --- the canonical form of a row -------------------------------------------------------------


def _kind(field: Field[Any, Any]) -> str:
    """The internal type of the value a column holds (a foreign key holds its target's)."""
    while field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field  # type: ignore[attr-defined]
    return field.get_internal_type()


#: Kinds whose values JSON holds as they are on every vendor: nothing to convert either way.
_PLAIN = frozenset(
    {
        "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
        "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField",
        "NullBooleanField", "FloatField", "CharField", "TextField", "SlugField", "EmailField", "URLField",
        "FileField", "ImageField", "FilePathField", "GenericIPAddressField", "IPAddressField",
    }
)  # fmt: skip
_TEXT_KEYS = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField"})


def _encode_datetime(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = value.astimezone(datetime.UTC)
    return value.isoformat()


def _encoder(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a column's Python value becomes canonical JSON; None when it already is."""
    kind = _kind(field)
    if kind in _PLAIN or kind == "JSONField":
        return None
    if kind == "DateTimeField":
        return _encode_datetime
    if kind in ("DateField", "TimeField"):
        return lambda value: value.isoformat()
    if kind == "DecimalField":
        places = Decimal(1).scaleb(-(getattr(field, "decimal_places", None) or 0))
        return lambda value: format(value.quantize(places), "f")
    if kind == "UUIDField":
        return str
    if kind == "BinaryField":
        return lambda value: base64.b64encode(bytes(value)).decode("ascii")
    if kind == "DurationField":
        return duration_string
    raise BackupError(
        Message(
            f"字段 {field.model._meta.label}.{field.name} 的类型 {kind} 尚不支持备份",
            f"field {field.model._meta.label}.{field.name} of type {kind} is not supported by backups",
        )
    )


def _decoder(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """The inverse of `_encoder`, followed by the field's own preparation for this database."""
    kind = _kind(field)
    if kind in _PLAIN:
        return None
    parse: Callable[[Any], Any] = {
        "JSONField": lambda value: value,
        "DateTimeField": parse_datetime,
        "DateField": datetime.date.fromisoformat,
        "TimeField": datetime.time.fromisoformat,
        "DecimalField": Decimal,
        "UUIDField": uuid.UUID,
        "BinaryField": base64.b64decode,
        "DurationField": parse_duration,
    }[kind]
    prepare = field.get_db_prep_save

    def decode(value: Any) -> Any:
        return prepare(None if value is None else parse(value), connection)

    return decode


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


class CanonicalTable:
    """A table's rows as canonical lines (bytes, newline-terminated), and back."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = columns_of(model)
        self.columns = [str(field.column) for field in self.fields]
        self._encoders = [(i, fn) for i, field in enumerate(self.fields) if (fn := _encoder(field)) is not None]
        self._decoders = [(i, fn) for i, field in enumerate(self.fields) if (fn := _decoder(field)) is not None]

    def lines(self) -> Iterator[bytes]:
        """Every row from the database, in primary-key order (text keys by code point)."""
        pk = self.model._meta.pk
        assert pk is not None
        order: Any = "pk"
        if connection.vendor == "postgresql" and _kind(pk) in _TEXT_KEYS:
            order = Collate(F("pk"), "C")  # SQLite compares text by bytes: UTF-8 order is code point order
        rows = (
            self.model._base_manager.order_by(order)
            .values_list(*(field.attname for field in self.fields))
            .iterator(chunk_size=CHUNK_ROWS)
        )
        encoders = self._encoders
        for row in rows:
            values = list(row)
            for i, encode in encoders:
                if values[i] is not None:
                    values[i] = encode(values[i])
            yield _ENCODE(values).encode() + b"\n"

    def parse(self, line: bytes) -> list[Any]:
        """One canonical line as the values to insert into this database."""
        values = json.loads(line)
        if not isinstance(values, list) or len(values) != len(self.fields):
            raise ValueError(f"expected {len(self.fields)} values")
        for i, decode in self._decoders:
            values[i] = decode(values[i])
        return values


class Digest(NamedTuple):
    rows: int
    sha256: str


def table_digest(table: CanonicalTable) -> Digest:
    """The row count and sha256 of the table's canonical lines, read from the database."""
    digest = hashlib.sha256()
    rows = 0
    for line in table.lines():
        digest.update(line)
        rows += 1
    return Digest(rows, digest.hexdigest())


@contextmanager
def read_snapshot() -> Iterator[None]:
    """All reads inside see the database at one moment, without stopping writers.

    PostgreSQL: a read-only REPEATABLE READ transaction. SQLite: a deferred transaction,
    whose first read fixes the snapshot in WAL mode (Django's `atomic` would begin it
    IMMEDIATE here and hold the write lock for the whole backup).
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


# --- migrations and version ------------------------------------------------------------------


def migration_state() -> dict[str, list[str]]:
    """The migrations applied to the database, per installed app."""
    installed = {config.label for config in apps.get_app_configs()}
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        if app_label in installed:
            state.setdefault(app_label, []).append(name)
    return state


def unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def code_version() -> dict[str, str | None]:
    """The project's version and git commit when the source tree tells them (None otherwise)."""
    base = Path(settings.BASE_DIR)
    version = None
    try:
        with (base / "pyproject.toml").open("rb") as handle:
            version = tomllib.load(handle).get("project", {}).get("version")
    except (OSError, tomllib.TOMLDecodeError):
        pass
    commit = None
    git = shutil.which("git")
    if git and (base / ".git").exists():
        try:
            done = subprocess.run(  # noqa: S603 -- fixed arguments
                [git, "rev-parse", "HEAD"], cwd=base, capture_output=True, text=True, timeout=10, check=False
            )
            commit = (done.stdout.strip() or None) if done.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            commit = None
    return {"version": version, "git_commit": commit}


# --- files -----------------------------------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """The directories whose files a backup holds, by the name used in the archive."""
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_ROOT)}


class StoredFile(NamedTuple):
    root: str  # a key of file_roots()
    path: str  # relative, with "/" separators
    absolute: Path


def walk_files(roots: dict[str, Path]) -> Iterator[StoredFile]:
    """Every regular file under the roots, sorted; a root nested in another is walked once, as itself."""
    resolved = {name: root.resolve() for name, root in roots.items()}
    for name, root in sorted(resolved.items()):
        if not root.is_dir():
            continue
        others = {other for key, other in resolved.items() if key != name and other.is_relative_to(root)}
        for directory, dirnames, filenames in os.walk(root):
            here = Path(directory)
            dirnames[:] = sorted(d for d in dirnames if (here / d) not in others and not (here / d).is_symlink())
            for filename in sorted(filenames):
                absolute = here / filename
                if absolute.is_symlink() or not absolute.is_file():
                    continue
                yield StoredFile(name, absolute.relative_to(root).as_posix(), absolute)


def member_name(root: str, path: str) -> str:
    return f"{FILES_DIR}/{root}/{path}"


def safe_relative(path: str) -> bool:
    """Whether an archive's file path stays inside its root (no absolute path, no "..")."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in path and "\0" not in path


def hash_stream(handle: IO[bytes]) -> tuple[int, str]:
    """The size and sha256 of what is left to read from `handle`, read a chunk at a time."""
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(COPY_BYTES):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def hash_file(path: Path) -> tuple[int, str]:
    with path.open("rb") as handle:
        return hash_stream(handle)


def _referenced_but_missing(models: list[type[Model]], roots: dict[str, Path]) -> list[dict[str, Any]]:
    """Files the database names (FileFields) that are not under the backed-up roots."""
    resolved = [root.resolve() for root in roots.values()]
    missing: list[dict[str, Any]] = []
    for model in models:
        file_fields = [f for f in columns_of(model) if f.get_internal_type() in ("FileField", "ImageField")]
        for field in file_fields:
            storage = field.storage  # type: ignore[attr-defined]
            rows = model._base_manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
            for pk, name in rows.order_by("pk").values_list("pk", field.attname).iterator(chunk_size=CHUNK_ROWS):
                try:
                    where = Path(storage.path(name)).resolve()
                except NotImplementedError:
                    where = None
                if where is None or not where.is_file() or not any(where.is_relative_to(r) for r in resolved):
                    missing.append({"model": model_label(model), "pk": str(pk), "field": field.name, "name": name})
    return missing


# --- writing -----------------------------------------------------------------------------------


class _HashingWriter:
    """A binary file that hashes and counts what goes through it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:  # gzip hands over bytes and memoryviews
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()


class _HashingReader:
    """A binary file that hashes and counts what is read from it."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    file_bytes: int
    archive_bytes: int
    manifest_sha256: str
    missing_files: list[dict[str, Any]]
    seconds: float


def archive_path(destination: Path) -> Path:
    """The archive to write: `destination` itself, or a dated name inside it when it is a directory."""
    if destination.is_dir():
        return destination / f"liangpai-backup-{timezone.now():%Y%m%d-%H%M%S}.tar"
    return destination


def write_backup(destination: Path, *, log: Callable[[str], None] = lambda _line: None) -> BackupResult:
    """Write a backup archive of the database and the files under MEDIA_ROOT and PRIVATE_ROOT.

    The archive is written beside its final name and renamed once complete, so an
    interrupted backup never looks like one. It is created readable by its owner only: it
    holds everyone's personal data.
    """
    started = time.monotonic()
    if pending := unapplied_migrations():
        raise BackupError(
            Message(
                f"数据库还有 {len(pending)} 个迁移未执行（{pending[0]} …），请先运行 migrate",
                f"the database has {len(pending)} unapplied migrations ({pending[0]} …); run migrate first",
            )
        )
    path = archive_path(destination)
    if path.exists():
        raise BackupError(Message(f"文件已存在，不会覆盖：{path}", f"{path} exists; it is not overwritten"))
    if not path.parent.is_dir():
        raise BackupError(Message(f"目录不存在：{path.parent}", f"no such directory: {path.parent}"))
    partial = path.with_name(path.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise BackupError(
            Message(f"无法创建 {partial}：{exc.strerror}", f"cannot create {partial}: {exc.strerror}")
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            with tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT) as archive:
                manifest = _write_members(archive, path.parent, log)
                manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                _add_bytes(archive, MANIFEST, manifest_bytes)
            handle.flush()
            os.fsync(handle.fileno())
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=path,
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"]),
        files=len(manifest["files"]),
        file_bytes=sum(f["size"] for f in manifest["files"]),
        archive_bytes=path.stat().st_size,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        missing_files=manifest["missing_files"],
        seconds=time.monotonic() - started,
    )


def _write_members(archive: tarfile.TarFile, scratch_dir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    roots = file_roots()
    models = backed_up_models()
    tables = []
    with read_snapshot():
        created_at = timezone.now()
        for model in models:
            table = CanonicalTable(model)
            entry = _add_table(archive, table, scratch_dir)
            tables.append(entry)
            log(f"  {entry['table']:<40} {entry['rows']:>9} 行 rows")
        migrations = migration_state()
        missing = _referenced_but_missing(models, roots)
    files = []
    for stored in walk_files(roots):
        if (added := _add_file(archive, stored)) is not None:
            files.append(added)
    log(f"  {len(files)} 个文件 files")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.astimezone(datetime.UTC).isoformat(),
        "code": code_version(),
        "database": {"vendor": connection.vendor, "version": _database_version()},
        "migrations": migrations,
        "excluded_tables": dict(EXCLUDED),
        "tables": tables,
        "files": files,
        "missing_files": missing,
    }


def _database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SELECT version()")
        return str(cursor.fetchone()[0])


def _add_table(archive: tarfile.TarFile, table: CanonicalTable, scratch_dir: Path) -> dict[str, Any]:
    name = f"{DATA_DIR}/{model_label(table.model)}.jsonl.gz"
    canonical = hashlib.sha256()
    rows = 0
    with tempfile.TemporaryFile(dir=scratch_dir, prefix=".liangpai-backup-") as scratch:
        counted = _HashingWriter(scratch)
        # mtime=0 and no file name: the same rows always give the same member.
        with gzip.GzipFile(filename="", fileobj=counted, mode="wb", compresslevel=6, mtime=0) as packed:
            for line in table.lines():
                canonical.update(line)
                packed.write(line)
                rows += 1
        scratch.seek(0)
        info = _member_info(name, counted.size)
        archive.addfile(info, scratch)
    return {
        "model": model_label(table.model),
        "table": table.model._meta.db_table,
        "columns": table.columns,
        "rows": rows,
        "sha256": canonical.hexdigest(),
        "member": name,
        "member_size": counted.size,
        "member_sha256": counted.digest.hexdigest(),
    }


def _add_file(archive: tarfile.TarFile, stored: StoredFile) -> dict[str, Any] | None:
    """Add one file, hashing what is copied; None when it was deleted after the walk listed it."""
    name = member_name(stored.root, stored.path)
    try:
        handle = stored.absolute.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        reader = _HashingReader(handle)
        try:
            archive.addfile(_member_info(name, size), reader)
        except OSError as exc:  # tarfile: "unexpected end of data" when the file shrank while read
            raise BackupError(
                Message(
                    f"文件在备份时被改动：{stored.absolute}，请重新备份",
                    f"{stored.absolute} changed while it was backed up; run the backup again",
                )
            ) from exc
    return {"root": stored.root, "path": stored.path, "size": size, "sha256": reader.digest.hexdigest()}


def _member_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    return info


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    archive.addfile(_member_info(name, len(data)), io.BytesIO(data))
