"""Test runs: fast hashing, an in-memory mailbox, tasks run in-process.

The services (DATABASE_URL, REDIS_URL, ELASTICSEARCH_URL) come from the environment exactly as in
production, so `make test-services` runs this same file against the real ones.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SEARCH_ENGINE["INDEX_PREFIX"] = env.str("SEARCH_INDEX_PREFIX", default="consult-test")
if "INDEX_PREFIX" in WAGTAILSEARCH_BACKENDS["default"]:  # Wagtail's Elasticsearch backend
    WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"] = f"{SEARCH_ENGINE['INDEX_PREFIX']}-wagtail-"
ACCOUNT_RATE_LIMITS = False
# Tests that exercise the feedback rate limits set their own.
FEEDBACK_RATE_LIMITS = {
    scope: {"window": 600, "hold": 10_000, "refuse": 100_000} for scope in ("user", "ip")
}
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
}
