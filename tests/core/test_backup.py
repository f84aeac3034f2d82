"""`manage.py backup` / `restore` (SECURITY.md T14): a restored copy has the same rows, checksums and files.

The demo city (small) plus uploaded files is backed up, the database and file roots are
emptied, and the archive restored; the copy is compared table by table, row by row through
the ORM, and file by file. Tampered archives and occupied targets are refused with the
exit codes INTERFACES.md gives (0 identical; 1 mismatch; 2 refused).
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from liangpai.assessments.models import AssessmentAnswer, EvidencePhoto
from liangpai.checklists.loading import load_default_templates
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core.audit import verify_chain
from liangpai.core.backup import (
    MANIFEST,
    MIGRATION_FILLED,
    CanonicalTable,
    backed_up_models,
    model_label,
    table_digest,
    walk_files,
)
from liangpai.core.models import AuditEvent
from liangpai.core.restore import data_in_target
from liangpai.demo.seed import seed_demo_city
from liangpai.enterprises.models import Enterprise
from liangpai.interviews.models import interview_storage
from liangpai.lights.models import QuarterLight
from tests.factories import EnterpriseFactory

#: Each test starts from the database as migrate left it (reference data included), as a restore target would be.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENTERPRISES = 60
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return {"media": settings.MEDIA_ROOT, "private": settings.PRIVATE_ROOT}


@pytest.fixture
def city(roots):
    """The demo city, an evidence photo, a signed interview scan, an import spreadsheet and a public file."""
    if not ChecklistTemplate.objects.exists():  # a transactional test without serialized rollback emptied them
        load_default_templates(ChecklistTemplate, ChecklistCategory, ChecklistItem)
    seed_demo_city(enterprises=ENTERPRISES, seed=7, today=TODAY)
    answer = AssessmentAnswer.objects.order_by("pk").first()
    assert answer is not None, "the demo city's 2026 assessments give the photo an answer"
    photo = EvidencePhoto(
        answer=answer, content_type="image/jpeg", sha256="0" * 64, width=4, height=3, size=5, uploaded_by=None
    )
    photo.file.save("photo.jpg", ContentFile(b"\xff\xd8photo\xff\xd9"), save=False)
    photo.save()
    interview_storage().save("2026/11/scan.pdf", ContentFile(b"%PDF-1.7 signed scan"))
    imports = Path(roots["private"]) / "imports" / "imports" / "2026" / "11"
    imports.mkdir(parents=True)
    (imports / "企业名单.xlsx").write_bytes(os.urandom(3000))
    (Path(roots["media"]) / "logo.png").parent.mkdir(parents=True)
    (Path(roots["media"]) / "logo.png").write_bytes(b"\x89PNG public")
    return photo


def _state():
    """Every table's (rows, checksum) and every file's hash: what T14 requires to be identical."""
    tables = {model_label(m): tuple(table_digest(CanonicalTable(m))) for m in backed_up_models()}
    files = {(f.root, f.path): hashlib.sha256(f.absolute.read_bytes()).hexdigest() for f in walk_files(_roots())}
    return tables, files


def _roots():
    return {"media": Path(django_settings.MEDIA_ROOT), "private": Path(django_settings.PRIVATE_ROOT)}


def _orm_view():
    """The same data seen through the ORM, independently of the checksum code."""
    return {
        "enterprises": list(Enterprise.objects.order_by("pk").values()),
        "lights": list(QuarterLight.objects.order_by("pk").values_list("pk", "enterprise_id", "light", "facts")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", "at", "prev_hash", "hash", "before")),
        "content_types": list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model")),
    }


def _empty_target(roots):
    call_command("flush", interactive=False, verbosity=0)
    for root in roots.values():
        for path in sorted(Path(root).rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()


def _backup(tmp_path, name="city.tar"):
    out = io.StringIO()
    call_command("backup", str(tmp_path / name), stdout=out, stderr=io.StringIO())
    return tmp_path / name, out.getvalue()


def _restore(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("restore", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + err.getvalue() + str(exc)
    return 0, out.getvalue() + err.getvalue()


def _rewrite(source, target, *, replace=None, drop=(), manifest=None):
    """A copy of the archive with members replaced or dropped and the manifest edited."""
    replace = replace or {}
    with tarfile.open(source) as old, tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as new:
        for member in old.getmembers():
            if member.name in drop:
                continue
            data = old.extractfile(member).read()
            if member.name in replace:
                data = replace[member.name](data)
            if member.name == MANIFEST and manifest is not None:
                edited = json.loads(data)
                manifest(edited)
                data = json.dumps(edited).encode()
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


def _members(path):
    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}


# --- the round trip ------------------------------------------------------------------------------------


@transactional
def test_a_restored_copy_has_the_same_rows_checksums_files_and_audit_chain(city, roots, tmp_path):
    tables_before, files_before = _state()
    orm_before = _orm_view()
    assert tables_before["enterprises.enterprise"][0] == ENTERPRISES
    assert tables_before["core.auditevent"][0] > 0
    assert len(files_before) == 4
    archive, printed = _backup(tmp_path)
    assert "备份完成 / backup written" in printed
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    _empty_target(roots)
    assert Enterprise.objects.count() == 0
    assert not list(walk_files(_roots()))
    code, printed = _restore(archive)

    assert code == 0, printed
    assert "restored and identical to the backup" in printed
    assert _state() == (tables_before, files_before)
    assert _orm_view() == orm_before
    assert verify_chain() is None
    city.refresh_from_db()
    assert city.file.read() == b"\xff\xd8photo\xff\xd9"
    # Sequences run on past the restored ids: the next row does not collide.
    assert EnterpriseFactory().pk > max(row["id"] for row in orm_before["enterprises"])


@transactional
def test_a_directory_gets_a_dated_archive_listing_every_table_file_and_migration(city, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    call_command("backup", str(folder), stdout=io.StringIO())
    (archive,) = folder.iterdir()
    assert archive.name.startswith("liangpai-backup-")
    assert archive.suffix == ".tar"

    manifest = json.loads(_members(archive)[MANIFEST])
    tables = {t["model"]: t for t in manifest["tables"]}
    assert set(tables) == {model_label(m) for m in backed_up_models()}
    assert "sessions.session" not in tables
    assert tables["enterprises.enterprise"]["rows"] == ENTERPRISES
    assert {(f["root"], f["path"]) for f in manifest["files"]} == {
        ("media", "logo.png"),
        ("private", f"evidence/{city.file.name}"),
        ("private", "interviews/2026/11/scan.pdf"),
        ("private", "imports/imports/2026/11/企业名单.xlsx"),
    }
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["enterprises"]
    assert manifest["missing_files"] == []
    # The order loads every table after the ones it refers to.
    order = [t["model"] for t in manifest["tables"]]
    assert order.index("regions.town") < order.index("enterprises.enterprise") < order.index("ratings.quarterlight")

    with pytest.raises(CommandError, match="不会覆盖") as refused:
        call_command("backup", str(archive), stdout=io.StringIO())
    assert refused.value.returncode == 1


@transactional
def test_a_file_the_database_names_but_storage_lacks_is_warned_of(city, tmp_path):
    Path(city.file.path).unlink()
    err = io.StringIO()
    call_command("backup", str(tmp_path / "a.tar"), stdout=io.StringIO(), stderr=err)
    assert f"assessments.evidencephoto #{city.pk}" in err.getvalue()
    assert json.loads(_members(tmp_path / "a.tar")[MANIFEST])["missing_files"][0]["name"] == city.file.name


# --- refusals ------------------------------------------------------------------------------------------


@transactional
def test_restoring_over_data_or_files_is_refused_without_force_and_force_replaces_them(city, roots, tmp_path):
    archive, _ = _backup(tmp_path)
    before = _state()
    EnterpriseFactory(name="备份之后新建的企业")
    (Path(roots["media"]) / "left-over.txt").write_text("x")
    changed = _state()

    code, printed = _restore(archive)

    assert code == 2
    assert "--force" in printed
    assert "enterprises_enterprise" in printed
    assert "5 个文件 files" in printed
    assert _state() == changed  # nothing touched
    code, printed = _restore(archive, "--force")
    assert code == 0, printed
    assert _state() == before
    assert not Enterprise.objects.filter(name="备份之后新建的企业").exists()
    assert not (Path(roots["media"]) / "left-over.txt").exists()


@pytest.mark.django_db
def test_a_freshly_migrated_database_holds_rows_only_in_the_tables_restore_replaces():
    """Runs before the transactional tests (pytest-django orders them so): the database is as migrate left it.

    Fails when a migration starts writing reference data elsewhere: add its table to MIGRATION_FILLED.
    """
    assert data_in_target() == []
    filled = {model_label(m) for m in backed_up_models() if m._base_manager.exists()}
    assert filled == MIGRATION_FILLED


@transactional
def test_an_archive_of_other_migrations_is_refused(city, roots, tmp_path):
    archive, _ = _backup(tmp_path)

    def newer(manifest):
        manifest["migrations"]["enterprises"].append("9999_from_the_future")

    other = _rewrite(archive, tmp_path / "other.tar", manifest=newer)
    _empty_target(roots)
    code, printed = _restore(other)
    assert code == 2
    assert "enterprises.9999_from_the_future" in printed
    assert Enterprise.objects.count() == 0


# --- tampered archives ---------------------------------------------------------------------------------


def _without_first_line(data):
    return gzip.compress(b"".join(gzip.decompress(data).splitlines(keepends=True)[1:]), mtime=0)


def _flip(data):
    """One bit of the last byte changed."""
    return data[:-1] + bytes([data[-1] ^ 1])


def _first_row_renamed(data):
    lines = gzip.decompress(data).splitlines(keepends=True)
    row = json.loads(lines[0])
    row[CanonicalTable(Enterprise).columns.index("name")] = "篡改后的企业名称"
    lines[0] = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    return gzip.compress(b"".join(lines), mtime=0)


@transactional
def test_tampered_archives_are_refused_with_the_mismatch_named(city, roots, tmp_path):
    archive, _ = _backup(tmp_path)
    photo_member = f"files/private/evidence/{city.file.name}"
    enterprises = "data/enterprises.enterprise.jsonl.gz"
    towns = "data/regions.town.jsonl.gz"

    def rehash(manifest):
        """Whoever changed the rows also fixed the member's checksum: the table checksum still tells."""
        entry = next(t for t in manifest["tables"] if t["member"] == enterprises)
        data = _first_row_renamed(_members(archive)[enterprises])
        entry["member_size"], entry["member_sha256"] = len(data), hashlib.sha256(data).hexdigest()

    def without_first_town(manifest):
        """A consistent archive (every checksum fits) whose enterprises name a town it lacks."""
        entry = next(t for t in manifest["tables"] if t["member"] == towns)
        lines = gzip.decompress(_members(archive)[towns]).splitlines(keepends=True)[1:]
        data = _without_first_line(_members(archive)[towns])
        entry["rows"], entry["sha256"] = len(lines), hashlib.sha256(b"".join(lines)).hexdigest()
        entry["member_size"], entry["member_sha256"] = len(data), hashlib.sha256(data).hexdigest()

    cases = {
        "file byte": (_rewrite(archive, tmp_path / "1.tar", replace={photo_member: _flip}), photo_member),
        "row": (_rewrite(archive, tmp_path / "2.tar", replace={enterprises: _first_row_renamed}), enterprises),
        "missing file": (_rewrite(archive, tmp_path / "3.tar", drop={photo_member}), f"{photo_member} is missing"),
        "row, member rehashed": (
            _rewrite(archive, tmp_path / "4.tar", replace={enterprises: _first_row_renamed}, manifest=rehash),
            "table enterprises_enterprise: content checksum differs",
        ),
        "dangling reference": (
            _rewrite(archive, tmp_path / "5.tar", replace={towns: _without_first_line}, manifest=without_first_town),
            "foreign keys do not match",
        ),
    }
    _empty_target(roots)
    for case, (tampered, named) in cases.items():
        code, printed = _restore(tampered)
        assert code == 1, case
        assert named in printed, case
        assert Enterprise.objects.count() == 0, case  # nothing restored
        assert not list(walk_files(_roots())), case
    assert _restore(archive)[0] == 0  # the untouched archive still restores


@transactional
def test_verify_only_checks_every_member_and_table_and_changes_nothing(city, tmp_path):
    archive, _ = _backup(tmp_path)
    enterprises = "data/enterprises.enterprise.jsonl.gz"

    def rehash(manifest):
        entry = next(t for t in manifest["tables"] if t["member"] == enterprises)
        data = _first_row_renamed(_members(archive)[enterprises])
        entry["member_size"], entry["member_sha256"] = len(data), hashlib.sha256(data).hexdigest()

    rows_changed = _rewrite(archive, tmp_path / "t.tar", replace={enterprises: _first_row_renamed}, manifest=rehash)
    before = _state()

    assert _restore(archive, "--verify-only")[0] == 0
    code, printed = _restore(rows_changed, "--verify-only")

    assert code == 1
    assert "table enterprises_enterprise: content checksum differs from the manifest (in the archive)" in printed
    assert _state() == before


def test_the_command_line_exits_1_on_a_mismatch_and_2_when_refused(tmp_path):
    """The exit codes operators script against, from real processes (no database needed for these two)."""
    broken = tmp_path / "broken.tar"
    manifest = {"format": "liangpai-backup", "format_version": 1, "migrations": {}, "tables": [], "files": []}
    with tarfile.open(broken, "w") as archive:
        for name, content in {MANIFEST: json.dumps(manifest).encode(), "stray.txt": b"x"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("not a backup")
    env = {**os.environ, "DEBUG": "1"}
    running = [
        subprocess.Popen(
            [sys.executable, "manage.py", "restore", str(path), "--verify-only", "--skip-checks"],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (broken, not_an_archive)
    ]
    mismatch_err, refused_err = (p.communicate(timeout=120)[1] for p in running)
    assert [p.returncode for p in running] == [1, 2], mismatch_err + refused_err
    assert "stray.txt is in the archive but not in the manifest" in mismatch_err
    assert "cannot open the backup archive" in refused_err
