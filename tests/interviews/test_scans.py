"""Signed scans are recognised by their content (SECURITY.md T4): a corpus of good and hostile files."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liangpai.interviews.scans import MAX_SCAN_BYTES, ScanRejected, check_signed_scan


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = _png()
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
ZIP = b"PK\x03\x04" + b"\x00" * 26 + b"PK\x05\x06" + b"\x00" * 18


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("签字.pdf", PDF, "pdf"),
        ("scan.PDF", PDF, "pdf"),
        ("photo.jpg", JPEG, "jpeg"),
        ("photo.jpeg", JPEG + b"\x00\x00", "jpeg"),
        ("scan.png", PNG, "png"),
    ],
)
def test_good_scans_are_accepted(name, data, kind):
    assert check_signed_scan(SimpleUploadedFile(name, data)) == kind


HOSTILE = {
    "empty": ("scan.pdf", b""),
    "html named pdf": ("scan.pdf", b"<!doctype html><script>alert(1)</script>"),
    "svg named png": ("scan.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "svg extension": ("scan.svg", b"<svg/>"),
    "exe extension": ("scan.exe", b"MZ\x90\x00"),
    "no extension": ("scan", PDF),
    "html extension": ("scan.html", PDF),
    "truncated jpeg": ("scan.jpg", JPEG[:-2]),
    "jpeg with a zip appended": ("scan.jpg", JPEG + ZIP),
    "jpeg with a pdf appended": ("scan.jpg", JPEG + PDF),
    "png without its end": ("scan.png", PNG[:-12]),
    "png with data after its end": ("scan.png", PNG + b"<script>"),
    "png without ihdr": ("scan.png", b"\x89PNG\r\n\x1a\n" + PNG[33:]),
    "gif named png": ("scan.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    "truncated pdf": ("scan.pdf", PDF[:-7]),
    "pdf with javascript": (
        "scan.pdf",
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
    ),
    "pdf with a launch action": (
        "scan.pdf",
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /AA << /O << /S /Launch /F (calc.exe) >> >>"),
    ),
    "pdf with an escaped name": ("scan.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /J#61vaScript (x)")),
    "pdf with an embedded file": (
        "scan.pdf",
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /Names << /EmbeddedFiles 3 0 R >>"),
    ),
    "pdf with a form submit": ("scan.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /XFA 4 0 R")),
    "png named jpg": ("scan.jpg", PNG),
    "pdf named png": ("scan.png", PDF),
    "jpeg named pdf": ("scan.pdf", JPEG),
    "zip named pdf": ("scan.pdf", ZIP),
    "pdf polyglot with an html head": ("scan.pdf", b"<html>" + PDF),
    "double extension": ("scan.pdf.html", PDF),
    "too big": ("scan.pdf", b"%PDF-1.4\n" + b"0" * MAX_SCAN_BYTES + b"\n%%EOF"),
    "nul bytes only": ("scan.jpg", b"\x00" * 100),
    "text named jpeg": ("scan.jpeg", b"just text"),
    "jpeg start only": ("scan.jpg", b"\xff\xd8\xff"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused(case):
    name, data = HOSTILE[case]
    with pytest.raises(ScanRejected):
        check_signed_scan(SimpleUploadedFile(name, data))


def test_the_corpus_has_thirty_hostile_files():
    assert len(HOSTILE) >= 30
