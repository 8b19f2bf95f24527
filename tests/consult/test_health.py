"""The /healthz endpoint reports database, search and task backends."""

import socket

import pytest
from django.test import override_settings

from search.engines import get_search_engine


@pytest.fixture
def fresh_engine():
    get_search_engine.cache_clear()
    yield
    get_search_engine.cache_clear()


def closed_port() -> int:
    """A loopback port nothing listens on: bind, read the number, close."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthz_reports_every_backend_and_answers_200(client, fresh_engine):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "search", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_answers_503_when_elasticsearch_is_unreachable(client, settings, fresh_engine):
    settings.SEARCH_ENGINE = {
        "ENGINE": "search.engines.elasticsearch.ElasticsearchEngine",
        "URL": f"http://127.0.0.1:{closed_port()}",
        "INDEX_PREFIX": "consult-test",
        "TIMEOUT": 1.0,
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["search"] == {
        "ok": False,
        "backend": "elasticsearch",
        "detail": body["checks"]["search"]["detail"],
    }
    assert body["checks"]["search"]["detail"] == "ConnectionError"  # no internal address leaks
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_503_when_the_task_queue_is_unreachable(client, fresh_engine):
    unreachable = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": unreachable}},
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["ok"] is False
    assert response.json()["checks"]["tasks"]["backend"] == "RQBackend"
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_counts_the_database_queue(client, fresh_engine):
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    ):
        response = client.get("/healthz")

    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is True
    assert tasks["backend"] == "DatabaseBackend"
    assert tasks["detail"].endswith("queued")


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
