"""Checks on a spreadsheet before any parser sees it (SECURITY.md T5).

A parser is only as safe as what it is fed. An .xlsx is a zip of XML: it can be a zip
bomb, carry thousands of members, declare XML entities, or place one cell at XFD1048576
so that the reader allocates the whole sheet (python-calamine builds a dense grid: a
5 KB file aborts the process). An .xls is an OLE2 compound file whose cell records can
do the same. These checks read the container with the standard library only, bounded
in time and memory, and raise `FileRejected` with a message for the user.
"""

import re
import struct
import sys
import zipfile
import zlib
from array import array
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _


class FileRejected(Exception):
    """The file cannot be imported at all; `message` tells the user why, in their language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_members: int = 200
    max_uncompressed: int = 100 * 1024 * 1024
    max_ratio: int = 200
    ratio_floor: int = 2 * 1024 * 1024  # small members may compress absurdly well; only big ones are judged


#: The largest sheet a file may span: row 59,999 and column 100 (CV). Fixed, because the
#: .xlsx check below is a regular expression that encodes exactly these numbers.
SHEET_MAX_ROWS = 59_999
SHEET_MAX_COLUMNS = 100


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024
# What reading a damaged zip can raise (found by fuzzing: zlib.error is not an OSError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    OSError,
    ValueError,
    EOFError,
    RuntimeError,
    NotImplementedError,
)
_OVERLAP = 256
_MAX_TAIL = 64 * 1024

_DECLARATION = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)

# A cell reference beyond SHEET_MAX_ROWS / SHEET_MAX_COLUMNS: row 60000 or more, or column
# CW (101) or more. calamine accepts lower case, leading zeros, single quotes and spaces
# around "=", so the thorough pattern allows all of them; the fast one is used on windows
# where none of those occur (checked with plain substring searches, which are much faster).
_FAR = rb"(?:[A-Za-z]{0,3}(?:0*[1-9]\d{5,}|0*[6-9]\d{4})|(?:[A-Za-z]{3,}|[D-Zd-z][A-Za-z]|[Cc][W-Zw-z])\d)"
_FAR_REF_FAST = re.compile(rb'r="' + _FAR)
_FAR_REF = re.compile(rb"\sr\s*=\s*[\"']\s*" + _FAR)
# A cell element without an (unprefixed) r attribute: the reader places it after the previous one.
_CELL_WITHOUT_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])(?![^>]*\sr\s*=)")
# Anything the fast path does not handle: spaces before "=", bare or prefixed cells.
# The shared-string count the reader reserves room for up front (a forged one aborts it).
_UNIQUE_COUNT = re.compile(rb"uniqueCount\s*=\s*[\"']\s*(\d+)")
# (Checked after tabs and line breaks have become spaces.)
_SLOW_PATH_MARKERS = (b" =", b"<c>", b"<c/>", b":c")
_WHITESPACE_TO_SPACE = bytes.maketrans(b"\t\n\r", b"   ")


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Reject a hostile or broken .xlsx before it is parsed."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (*_ZIP_ERRORS, zipfile.LargeZipFile) as exc:
        raise FileRejected(_("文件已损坏或不是有效的 .xlsx 工作簿。")) from exc
    if len(members) > limits.max_members:
        raise FileRejected(
            _("文件包含的内部文件过多（%(count)s 个，上限 %(limit)s 个），疑似恶意文件，已拒绝。")
            % {"count": len(members), "limit": limits.max_members}
        )
    names = {m.filename.lower() for m in members}
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRejected(
            _("文件不是有效的 .xlsx 工作簿（缺少工作簿结构）。请用 Excel 或 WPS 另存为 .xlsx 后再上传。")
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise FileRejected(_("文件已加密，请取消密码后再上传。"))
    declared = sum(m.file_size for m in members)
    if declared > limits.max_uncompressed:
        raise _bomb()
    total = 0
    for member in members:
        total = _scan_member(archive, member, limits, total)


def _bomb() -> FileRejected:
    return FileRejected(_("文件解压后体积异常（疑似“压缩炸弹”），已拒绝。"))


def _scan_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits, total: int) -> int:
    size = 0
    tail = b""
    is_xml: bool | None = None  # decided from the first bytes: a relationship may point anywhere
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                total += len(chunk)
                if total > limits.max_uncompressed:
                    raise _bomb()
                if size > limits.ratio_floor and size > limits.max_ratio * max(member.compress_size, 1):
                    raise _bomb()
                if is_xml is None:
                    is_xml = _looks_like_xml(chunk)
                if is_xml:
                    # Scan up to the last complete tag; the unfinished one starts the next window.
                    window = tail + chunk
                    cut = window.rfind(b">") + 1
                    _check_xml_window(window[:cut], member.file_size)
                    tail = window[cut:]
                    if len(tail) > _MAX_TAIL:  # no tag is this long: text; keep enough for a split pattern
                        _check_xml_window(tail, member.file_size)
                        tail = tail[-_OVERLAP:]
            if tail:
                _check_xml_window(tail, member.file_size)
    except FileRejected:
        raise
    except _ZIP_ERRORS as exc:
        # Bad CRC, corrupt deflate stream, unsupported compression, encrypted member, truncated data …
        raise FileRejected(_("文件已损坏或不是有效的 .xlsx 工作簿。")) from exc
    return total


def _looks_like_xml(head: bytes) -> bool:
    stripped = head[:64].removeprefix(b"\xef\xbb\xbf").lstrip()
    return stripped.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _check_xml_window(window: bytes, member_size: int) -> None:
    if b"\x00" in window:
        # XML never contains NUL; UTF-16 text would hide every pattern below.
        raise FileRejected(_("文件中的 XML 不是 UTF-8 编码，无法安全读取。请用 Excel 或 WPS 另存为 .xlsx 再上传。"))
    if _DECLARATION.search(window):
        raise FileRejected(_("文件中含有 XML 实体或文档类型声明（DOCTYPE/ENTITY），可能是恶意文件，已拒绝。"))
    if b"uniqueCount" in window:
        # Each shared string takes at least "<si/>": more than that fits in the member is forged.
        for found in _UNIQUE_COUNT.finditer(window):
            if len(found.group(1)) > 12 or int(found.group(1)) > member_size // 5 + 16:
                raise FileRejected(_("文件中的共享字符串数量与内容不符，疑似恶意文件，已拒绝。"))
    flat = window.translate(_WHITESPACE_TO_SPACE)
    fast = (
        flat.count(b"=") == flat.count(b'="')  # every attribute double-quoted, nothing after "="
        and flat.count(b"<c ") == flat.count(b'<c r="')  # every cell starts with its position
        and not any(m in flat for m in _SLOW_PATH_MARKERS)
    )
    if _FAR_REF_FAST.search(flat) if fast else _FAR_REF.search(window):
        raise _too_large_sheet()
    if not fast and _CELL_WITHOUT_REF.search(window):
        raise FileRejected(_("工作表的单元格缺少位置标记，无法安全读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"))


def _too_large_sheet() -> FileRejected:
    return FileRejected(
        _("工作表的范围过大（超过 %(rows)s 行或 %(columns)s 列）。请删除多余的行列，或分成几个文件导入。")
        % {"rows": SHEET_MAX_ROWS, "columns": SHEET_MAX_COLUMNS}
    )


# --- .xls: an OLE2 compound file holding a BIFF "Workbook" stream ------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_MAXREGSECT = 0xFFFFFFFA
# BIFF records that place one cell: FORMULA, LABELSST, NUMBER, LABEL, BOOLERR, RK, BLANK, RSTRING.
_CELL_RECORDS = frozenset({0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x0201, 0x00D6})
_MULTI_CELL_RECORDS = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first column, …, last column
_DIMENSIONS = 0x0200  # the used range: the reader reserves (last row - first row) x (last col - first col) cells


def check_xls(data: bytes) -> None:
    """Reject an .xls whose cells lie beyond the limits (the reader would allocate the whole grid)."""
    try:
        stream = _workbook_stream(data)
        max_row, max_col = _biff_extent(stream)
    except FileRejected:
        raise
    except (struct.error, IndexError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise FileRejected(_("文件已损坏或不是有效的 .xls 工作簿。")) from exc
    if max_row >= SHEET_MAX_ROWS or max_col >= SHEET_MAX_COLUMNS:  # 0-based indexes
        raise _too_large_sheet()


def _workbook_stream(data: bytes) -> bytes:
    if len(data) < 512 or data[:8] != OLE_MAGIC:
        raise FileRejected(_("文件已损坏或不是有效的 .xls 工作簿。"))
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise ValueError("unsupported sector size")
    size = 1 << sector_shift
    n_sectors = (len(data) - size) // size
    _n_fat, dir_start, _reserved, mini_cutoff, minifat_start, _n_minifat, difat_start, _n_difat = struct.unpack_from(
        "<8I", data, 44
    )

    def sector(index: int) -> bytes:
        if index >= n_sectors:
            raise ValueError("sector out of range")
        offset = (index + 1) * size
        return data[offset : offset + size]

    fat_ids = [i for i in struct.unpack_from("<109I", data, 76) if i < _MAXREGSECT]
    seen: set[int] = set()
    current = difat_start
    while current < _MAXREGSECT:
        if current in seen or len(seen) > n_sectors:
            raise ValueError("DIFAT loop")
        seen.add(current)
        ids = _u32s(sector(current))
        fat_ids.extend(i for i in ids[:-1] if i < _MAXREGSECT)
        current = ids[-1]
    if len(fat_ids) > n_sectors:
        raise ValueError("FAT larger than the file")
    fat = _u32s(b"".join(sector(i) for i in fat_ids))

    def chain(start: int, table: array[int], limit: int) -> list[int]:
        out: list[int] = []
        current = start
        while current != _ENDOFCHAIN:
            if current >= len(table) or len(out) > limit:
                raise ValueError("broken chain")
            out.append(current)
            current = table[current]
        return out

    directory = b"".join(sector(i) for i in chain(dir_start, fat, n_sectors))
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        name_length = min(struct.unpack_from("<H", directory, offset + 64)[0], 64)
        name = directory[offset : offset + max(name_length - 2, 0)].decode("utf-16-le", "replace")
        kind = directory[offset + 66]
        start, length = struct.unpack_from("<II", directory, offset + 116)
        entries.append((name, kind, start, length))
    if not entries:
        raise ValueError("no directory")
    names = {name.lower() for name, kind, *_rest in entries if kind == 2}
    if "encryptedpackage" in names:
        raise FileRejected(_("文件已加密，请取消密码后再上传。"))
    workbook = next(
        (e for e in entries if e[1] == 2 and e[0].lower() in ("workbook", "book")),
        None,
    )
    if workbook is None:
        raise FileRejected(_("文件不是有效的 .xls 工作簿（没有工作簿数据）。"))
    _name, _kind, start, length = workbook
    length = min(length, len(data))
    if length >= mini_cutoff:
        return b"".join(sector(i) for i in chain(start, fat, n_sectors))[:length]
    root_start = entries[0][2]
    mini_stream = b"".join(sector(i) for i in chain(root_start, fat, n_sectors))
    minifat = _u32s(b"".join(sector(i) for i in chain(minifat_start, fat, n_sectors)))
    pieces = [mini_stream[i * 64 : (i + 1) * 64] for i in chain(start, minifat, len(mini_stream) // 64 + 1)]
    return b"".join(pieces)[:length]


def _u32s(raw: bytes) -> array[int]:
    table = array("I")
    table.frombytes(raw[: len(raw) - len(raw) % 4])
    if sys.byteorder == "big":
        table.byteswap()
    return table


def _biff_extent(stream: bytes) -> tuple[int, int]:
    """The largest row and column index any cell record or used-range record of any sheet names."""
    max_row = max_col = -1
    position = 0
    end = len(stream)
    while position + 4 <= end:
        record, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        position = body + length
        if record == _DIMENSIONS and body + length <= end and length in (10, 14):
            if length == 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, body)
            else:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, body)
            if first_row > last_row or first_col > last_col:
                raise ValueError("inverted DIMENSIONS")
            row, col = last_row - 1, last_col - 1  # "last" is one past the end
        elif record in _CELL_RECORDS and length >= 4 and body + 4 <= end:
            row, col = struct.unpack_from("<HH", stream, body)
        elif record in _MULTI_CELL_RECORDS and length >= 6 and body + length <= end:
            row, first = struct.unpack_from("<HH", stream, body)
            (last,) = struct.unpack_from("<H", stream, body + length - 2)
            col = max(first, last)
        else:
            continue
        max_row = max(max_row, row)
        max_col = max(max_col, col)
    return max_row, max_col
