"""Where private uploads (evidence photos, signed scans) are stored: never served by the web server."""

import os
import uuid
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages
from django.db import models
from django.utils import timezone


class PrivateFileStorage(FileSystemStorage):
    """Files under PRIVATE_ROOT/<subdirectory>, never served by the web server.

    The root is read from the settings at each use, so a deployment (or a test) that
    moves PRIVATE_ROOT moves these files with it.
    """

    def __init__(self, subdirectory: str) -> None:
        super().__init__()
        self.subdirectory = subdirectory

    @property
    def base_location(self) -> str:
        return str(Path(settings.PRIVATE_ROOT) / self.subdirectory)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage(alias: str) -> Storage:
    """STORAGES[alias] when configured (object storage, a shared mount), else PRIVATE_ROOT/<alias>."""
    try:
        return storages[alias]
    except InvalidStorageError:
        return PrivateFileStorage(alias)


def random_file_name(instance: models.Model, filename: str) -> str:
    """An upload's stored name: year/month and a random name, keeping only the extension (never the user's name)."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"
