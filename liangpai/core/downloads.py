"""Spreadsheet downloads: the one way a written .xlsx is handed to the browser."""

import tempfile
from collections.abc import Callable
from typing import IO

from django.http import FileResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(write: Callable[[IO[bytes]], object], name: str) -> FileResponse:
    """Write the workbook into a temporary file and stream it as `<name>-YYYYMMDD-HHMM.xlsx`.

    The workbook goes to disk, not memory (a city-wide list is large); FileResponse closes the
    file, which then disappears, once the download has been sent.
    """
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it after streaming
    write(out)
    out.seek(0)
    filename = name + timezone.localtime().strftime("-%Y%m%d-%H%M") + ".xlsx"
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)
