"""Production settings: refuse a weak secret key, pass the deploy check with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k3Jx9-vQ2mZr8TnB5wLp0YhC7dFs4GaE1uKoXi6NjMbVcRtWqP-zS_yUlHeAgDf"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    unset = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(DJANGO_SETTINGS_MODULE="consult.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret_key",
    ["", "short", "django-insecure-" + "x1y2z3" * 10, "a" * 60],
    ids=["missing", "short", "django-insecure", "repetitive"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = manage("check", SECRET_KEY=secret_key, ALLOWED_HOSTS="consult.example.vn")

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value" in result.stderr


def test_production_passes_the_deploy_check_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=REAL_KEY,
        ALLOWED_HOSTS="gopy.example.vn",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_come_from_the_environment():
    probe = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE']);"
        "print(settings.SEARCH_ENGINE['ENGINE']);"
        "print(settings.TASKS['default']['BACKEND']);"
        "print(settings.CACHES['default']['BACKEND']);"
        "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)"
    )
    env = {
        "SECRET_KEY": REAL_KEY,
        "ALLOWED_HOSTS": "gopy.example.vn",
        "DATABASE_URL": "postgres://u:p@db.internal:5432/consult",
        "ELASTICSEARCH_URL": "http://search.internal:9200",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.vn:587",
    }
    result = manage("shell", "-v", "0", "-c", probe, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:5] == [
        "django.db.backends.postgresql",
        "search.engines.elasticsearch.ElasticsearchEngine",
        "django_tasks_rq.RQBackend",
        "django.core.cache.backends.redis.RedisCache",
        "django.core.mail.backends.smtp.EmailBackend mail.example.vn 587",
    ]


def test_embedded_defaults_need_no_service():
    probe = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE']);"
        "print(settings.SEARCH_ENGINE['ENGINE']);"
        "print(settings.TASKS['default']['BACKEND'])"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "ELASTICSEARCH_URL", "REDIS_URL"}
    }
    clean["DJANGO_SETTINGS_MODULE"] = "consult.settings.dev"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", probe],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "django.db.backends.sqlite3",
        "search.engines.database.DatabaseEngine",
        "django_tasks_db.DatabaseBackend",
    ]
