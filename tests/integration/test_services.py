"""The production services, for real: PostgreSQL, Redis (cache and RQ tasks), Elasticsearch.

They skip on a laptop without the services and fail in CI (CI=true). `make test-services` sets
DATABASE_URL, REDIS_URL and ELASTICSEARCH_URL.
"""

import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django_tasks import TaskResultStatus

from search.engines.elasticsearch import ElasticsearchEngine
from tests.conftest import require_service_url
from tests.integration.tasks import add_and_describe

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_postgresql_is_the_database_with_unaccent():
    require_service_url("DATABASE_URL", "PostgreSQL")

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), unaccent('Đà Nẵng giải phóng mặt bằng')")
        version, folded = cursor.fetchone()

    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL")
    assert folded == "Da Nang giai phong mat bang"


def test_redis_backs_the_cache():
    require_service_url("REDIS_URL", "Redis")
    cache = caches["default"]
    key = f"probe-{uuid.uuid4()}"

    cache.set(key, "Hải Phòng", timeout=30)

    assert type(cache).__name__ == "RedisCache"
    assert cache.get(key) == "Hải Phòng"
    cache.delete(key)


@pytest.mark.django_db(transaction=True)
def test_rq_worker_on_redis_runs_an_enqueued_task(settings):
    redis_url = require_service_url("REDIS_URL", "Redis")
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue_name]}},
        # django-tasks-rq looks results up through the "default" queue's connection.
        RQ_QUEUES={"default": {"URL": redis_url}, queue_name: {"URL": redis_url}},
    ):
        try:
            result = add_and_describe.using(queue_name=queue_name).enqueue(20, 6)
            queue = django_rq.get_queue(queue_name)
            assert queue.count == 1

            SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)

            result.refresh()
            assert result.status == TaskResultStatus.SUCCESSFUL
            assert result.return_value == "20 + 6 = 26"
        finally:
            django_rq.get_queue(queue_name).empty()


def test_elasticsearch_folds_vietnamese_diacritics():
    url = require_service_url("ELASTICSEARCH_URL", "Elasticsearch")
    engine = ElasticsearchEngine(url=url, index_prefix="consult-test")
    index = engine.index_name(f"probe-{uuid.uuid4().hex[:8]}")
    client = engine.client

    assert engine.health().ok
    client.indices.create(
        index=index,
        settings={
            "analysis": {
                "filter": {"folding": {"type": "asciifolding", "preserve_original": True}},
                "analyzer": {
                    "vi_folded": {"tokenizer": "standard", "filter": ["lowercase", "folding"]}
                },
            }
        },
        mappings={"properties": {"body": {"type": "text", "analyzer": "vi_folded"}}},
    )
    try:
        client.index(
            index=index, document={"body": "Giải phóng mặt bằng, thu hồi đất"}, refresh=True
        )

        hits = client.search(index=index, query={"match": {"body": "giai phong mat bang"}})

        assert hits["hits"]["total"]["value"] == 1
    finally:
        client.indices.delete(index=index)
