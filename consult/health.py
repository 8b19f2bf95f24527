"""Liveness of the parts the site depends on: database, search engine, task backend.

/healthz is public: a failure is reported by its exception class only; the message, which may name
internal hosts, goes to the log.
"""

import logging
from dataclasses import asdict, dataclass

import django_rq
from django.db import DatabaseError, connection
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_rq.backend import RQBackend
from redis.exceptions import RedisError

from search.engines import get_search_engine

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    backend: str
    detail: str = ""


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database unreachable: %s", exc)
        return Check(ok=False, backend=connection.vendor, detail=type(exc).__name__)
    return Check(ok=True, backend=connection.vendor)


def check_search() -> Check:
    health = get_search_engine().health()
    return Check(ok=health.ok, backend=health.engine, detail=health.detail)


def check_tasks() -> Check:
    backend = task_backends["default"]
    name = type(backend).__name__
    try:
        if isinstance(backend, RQBackend):
            queue = django_rq.get_queue(min(backend.queues))
            queue.connection.ping()
            return Check(ok=True, backend=name, detail=f"{len(queue)} queued")
        if isinstance(backend, DatabaseBackend):
            queued = DBTaskResult.objects.ready().count()
            return Check(ok=True, backend=name, detail=f"{queued} queued")
    except (RedisError, DatabaseError) as exc:
        logger.warning("Health check: task backend %s unreachable: %s", name, exc)
        return Check(ok=False, backend=name, detail=type(exc).__name__)
    # In-process backends (immediate, dummy) have nothing that can be down.
    return Check(ok=True, backend=name)


CHECKS = {"database": check_database, "search": check_search, "tasks": check_tasks}


def run_checks() -> tuple[bool, dict[str, dict[str, object]]]:
    results = {name: check() for name, check in CHECKS.items()}
    return all(result.ok for result in results.values()), {
        name: asdict(result) for name, result in results.items()
    }
