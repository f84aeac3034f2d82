"""The signed scan of a warning interview: a PDF, JPEG or PNG, recognised by its content (SECURITY.md T4).

The name is never trusted: the bytes must be a complete file of the kind its extension
says — a PDF with its end marker and no active content (scripts, launch actions,
embedded files), a JPEG ending at its end-of-image marker, a PNG from its IHDR to its
IEND chunk — so polyglots, truncated files and renamed files are refused. Scans are
stored under PRIVATE_ROOT and only ever served as downloads to those who may see the
interview.
"""

import re
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from liangpai.core.errors import Refused

MAX_SCAN_BYTES = 10 * 1024 * 1024

CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
_EXTENSIONS = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xae\x42\x60\x82"
# Names of PDF actions and objects that run or carry something; written with #xx escapes too.
_PDF_ACTIVE = re.compile(rb"/(?:J(?:#53|S)|JavaScript|Launch|EmbeddedFiles?|RichMedia|OpenAction|AA|XFA|SubmitForm)\b")
_PDF_ESCAPED_NAME = re.compile(rb"/[A-Za-z]*#[0-9A-Fa-f]{2}")


class ScanRejected(Refused):
    """The file is not an acceptable signed scan."""


def kind_by_start(head: bytes) -> str | None:
    """The kind a stored scan's first bytes say (the whole file was checked on upload)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(_PNG_SIGNATURE):
        return "png"
    return None


def kind_of(data: bytes) -> str | None:
    """ "pdf", "jpeg" or "png" when `data` is a complete file of that kind, else None."""
    if data.startswith(b"%PDF-"):
        tail = data[-2048:].rstrip(b"\r\n\t \x00")
        return "pdf" if tail.endswith(b"%%EOF") else None
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg" if data.rstrip(b"\x00").endswith(b"\xff\xd9") else None
    if data.startswith(_PNG_SIGNATURE):
        return "png" if data[12:16] == b"IHDR" and data.endswith(_PNG_END) else None
    return None


def check_signed_scan(upload: UploadedFile) -> str:
    """The scan's kind ("pdf", "jpeg" or "png"), or ScanRejected saying what is wrong."""
    size = upload.size or 0
    if size == 0:
        raise ScanRejected(_("文件是空的。"))
    if size > MAX_SCAN_BYTES:
        raise ScanRejected(_("文件太大，签字扫描件不能超过 10 MB。"))
    expected = _EXTENSIONS.get(PurePath(upload.name or "").suffix.lower())
    if expected is None:
        raise ScanRejected(_("签字扫描件只能是 PDF、JPEG 或 PNG 文件。"))
    upload.seek(0)
    data = upload.read(MAX_SCAN_BYTES + 1)
    upload.seek(0)
    kind = kind_of(data)
    if kind is None:
        raise ScanRejected(_("文件内容不是完整的 PDF、JPEG 或 PNG 文件，可能已损坏或被改过扩展名。"))
    if kind != expected:
        raise ScanRejected(_("文件内容与扩展名不符，请上传原始的扫描件。"))
    if kind == "pdf" and (_PDF_ACTIVE.search(data) or _PDF_ESCAPED_NAME.search(data)):
        raise ScanRejected(
            _("PDF 文件含有脚本、附件或自动动作，不能作为签字扫描件。请用扫描仪或“打印为 PDF”重新生成。")
        )
    return kind
