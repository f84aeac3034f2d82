"""Test-run environment (loaded with `-p config.pytest_plugin`, before Django starts): a throwaway
secret key; the database comes from DATABASE_URL as usual."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Files the tests upload never land in the working tree.
_scratch = os.path.join(tempfile.gettempdir(), f"liangpai-test-files-{os.getpid()}")
os.environ.setdefault("PRIVATE_ROOT", os.path.join(_scratch, "private"))
os.environ.setdefault("MEDIA_ROOT", os.path.join(_scratch, "media"))
if not os.environ.get("DATABASE_URL", "sqlite").startswith("postgres"):
    # A file, not memory: threads in concurrency tests then share the test database as app servers would.
    os.makedirs(_scratch, exist_ok=True)
    os.environ.setdefault("DATABASE_TEST_NAME", os.path.join(_scratch, "test.sqlite3"))
if os.environ["PRIVATE_ROOT"].startswith(_scratch):
    atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
