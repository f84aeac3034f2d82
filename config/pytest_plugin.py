"""Test-run environment (loaded with `-p config.pytest_plugin`, before Django starts): a throwaway
secret key; the database comes from DATABASE_URL as usual."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
