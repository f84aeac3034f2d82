"""An upload handler that stops storing a file once it passes a limit (IMPORT_MAX_BYTES by default).

Without it Django would write a multi-gigabyte upload to a temporary file before the
view could say no. It must be installed before the request body is read, hence the
csrf_exempt / csrf_protect pair around the upload view (Django's documented pattern).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.received = 0
        self.limit = limit  # bytes per file; None: IMPORT_MAX_BYTES

    def new_file(self, *args: object, **kwargs: object) -> None:
        super().new_file(*args, **kwargs)  # type: ignore[arg-type]
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > (self.limit if self.limit is not None else int(settings.IMPORT_MAX_BYTES)):
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _stop(self) -> None:
        if self.request is not None:
            self.request.upload_too_large = True  # type: ignore[attr-defined]
        # Raised while reading the file (where Django expects it): the rest of the body is
        # read and discarded, the fields before the file (the CSRF token) are kept.
        raise StopUpload(connection_reset=False)


def install(request: HttpRequest, limit: int | None = None) -> None:
    """Refuse any file of the request above `limit` bytes (IMPORT_MAX_BYTES when None)."""
    request.upload_handlers.insert(0, LimitedUploadHandler(request, limit))


def too_large(request: HttpRequest) -> bool:
    return bool(getattr(request, "upload_too_large", False))
