"""Reading an uploaded spreadsheet (.xlsx, .xls or .csv) into rows of cell values.

Nothing here knows about enterprises: the file is size-checked, recognised by its
content (not its name), guarded (`guards`), and read. Cells keep the types the reader
gives (calamine returns whole numbers as floats); turning them into text is the job of
`cells`. Row numbers are the ones the user sees in the spreadsheet, title rows included.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from liangpai.imports.guards import OLE_MAGIC, ZIP_MAGIC, FileRejected, Limits, check_xls, check_xlsx

EXTENSIONS = (".xlsx", ".xls", ".csv")
_KIND_NAMES = {"xlsx": ".xlsx", "xls": ".xls", "csv": ".csv"}


@dataclass(frozen=True)
class Table:
    """One sheet's cells: `rows[i][j]` is the cell at sheet row `first_row + i` (1-based), column `first_column + j`."""

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_column: int = 0


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 50_000))


def read_tables(*, data: bytes, filename: str) -> Iterator[Table]:
    """The worksheets of the file, in order (a CSV file has one). Raises FileRejected."""
    extension = PurePath(filename).suffix.lower()
    if extension not in EXTENSIONS:
        raise FileRejected(_("只支持 .xlsx、.xls 和 .csv 文件。"))
    if len(data) > max_bytes():
        raise FileRejected(
            _("文件太大（%(size)s），上限为 %(limit)s。请分成几个文件导入。")
            % {"size": human_size(len(data)), "limit": human_size(max_bytes())}
        )
    if not data:
        raise FileRejected(_("文件是空的。"))
    kind = sniff(data)
    expected = extension.lstrip(".")
    if kind != expected:
        raise FileRejected(_mismatch_message(extension, kind))
    if kind == "csv":
        yield _read_csv(data)
        return
    if kind == "xlsx":
        check_xlsx(data, Limits())
    else:
        check_xls(data)
    yield from _read_workbook(data)


def sniff(data: bytes) -> str:
    """What the content is, whatever the name says: xlsx, xls, csv, html, pdf or binary."""
    head = data[:2048]
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    text_head = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if text_head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta", b"mime-version")):
        return "html"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        return "binary"
    return "csv"


def _mismatch_message(extension: str, kind: str) -> str:
    if kind in _KIND_NAMES:
        return _(
            "文件内容与扩展名不符：扩展名是 %(extension)s，内容却是 %(actual)s 格式。请改正扩展名，或用 Excel 或 WPS 另存后再上传。"
        ) % {"extension": extension, "actual": _KIND_NAMES[kind]}
    if kind == "html":
        return _(
            "文件扩展名是 %(extension)s，内容却是网页（HTML/XML）表格。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
        ) % {"extension": extension}
    return _("文件内容与扩展名 %(extension)s 不符，不是表格文件。") % {"extension": extension}


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{-(-size // 1024)} KB"


def _too_many_rows() -> FileRejected:
    return FileRejected(_("行数超过上限（%(limit)s 行），请分成几个文件导入。") % {"limit": max_rows()})


# --- workbooks ------------------------------------------------------------------------


def _read_workbook(data: bytes) -> Iterator[Table]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            (index, meta.name)
            for index, meta in enumerate(workbook.sheets_metadata)
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
        ]
    except BaseException as exc:  # calamine raises its own errors and, on a Rust panic, a BaseException
        _reraise_fatal(exc)
        raise FileRejected(_unreadable(exc)) from exc
    for index, name in sheets:
        try:
            sheet = workbook.get_sheet_by_index(index)
            start_row, start_column = sheet.start or (0, 0)
            if sheet.height > max_rows() + 20:
                raise _too_many_rows()
            rows = sheet.to_python(skip_empty_area=True)
        except FileRejected:
            raise
        except BaseException as exc:
            _reraise_fatal(exc)
            raise FileRejected(_unreadable(exc)) from exc
        yield Table(name=name, rows=rows, first_row=start_row + 1, first_column=start_column)


def _reraise_fatal(exc: BaseException) -> None:
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise exc


def _unreadable(exc: BaseException) -> str:
    if type(exc).__name__ == "PasswordError":
        return _("文件已加密，请取消密码后再上传。")
    return _("无法读取文件，文件可能已损坏。请用 Excel 或 WPS 打开后另存，再上传。")


# --- CSV ------------------------------------------------------------------------------


def _read_csv(data: bytes) -> Table:
    text = decode_text(data)
    first_lines = text[:8192].splitlines()[:10]
    delimiter = max((",", "\t", ";"), key=lambda d: sum(line.count(d) for line in first_lines))
    rows: list[list[Any]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
            rows.append(record)
            if len(rows) > max_rows() + 20:
                raise _too_many_rows()
    except csv.Error as exc:
        raise FileRejected(
            _("CSV 文件格式有误（第 %(row)s 行附近）：引号或分隔符不成对。") % {"row": len(rows) + 1}
        ) from exc
    return Table(name="CSV", rows=rows)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise FileRejected(_("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”或 GBK 编码后再上传。"))
