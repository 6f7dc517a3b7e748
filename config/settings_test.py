"""Settings for the test suite: the real settings with faster hashing and inline Celery by default.

PostgreSQL and Redis are used for real whenever DATABASE_URL / REDIS_URL are set (CI sets both); the
Celery worker test runs a real worker against Redis regardless of CELERY_TASK_ALWAYS_EAGER.
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("CACHE_KEY_PREFIX", f"prm-test-{os.getpid()}")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="prm-test-media-"))  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# A fixed signing key (receipts/signing.py): tests never write var/signing-keys.json.
SIGNING_KEYS = ["test-1:ySENu_ZtzJe_JE25u6_mxEYfJkURRH8rKz3EDAscgY0"]
SIGNING_KEY_FILE = str(Path(tempfile.mkdtemp(prefix="prm-test-keys-")) / "signing-keys.json")  # noqa: F405
