"""Settings for the test suite: fixed throw-away keys and the database named by
PUBCREDIT_TEST_DATABASE_URL (SQLite in var/ when unset)."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("PUBCREDIT_SM4_KEY", "00112233445566778899aabbccddeeff")
os.environ.setdefault("PUBCREDIT_INDEX_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
os.environ.setdefault("PUBCREDIT_POLICY", "xian")
# Every test client searches from 127.0.0.1; the limiter's own tests set a small limit.
os.environ.setdefault("PUBCREDIT_SEARCH_RATE", "1000000")
os.environ["PUBCREDIT_ENV_FILE"] = "/nonexistent"
os.environ["DATABASE_URL"] = os.environ.get("PUBCREDIT_TEST_DATABASE_URL", "sqlite:///var/test.sqlite3")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses argon2
# Files the code under test stores land in a directory of this run, never in the checkout;
# tests that look at stored files set their own MEDIA_ROOT.
MEDIA_ROOT = tempfile.mkdtemp(prefix="pubcredit-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Batch screening keeps its name index in memory only: no index files under var/ from tests.
PUBCREDIT_SCREENING_INDEX_DIR = ""
