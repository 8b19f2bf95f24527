"""Elasticsearch stops while citizens comment: every comment is accepted, waits in the outbox,
and is searchable once Elasticsearch is back and the outbox is drained (issue 5, done-when).

This stops the real Elasticsearch process that scripts/services.sh started and starts it again
with the same script (root, as that script needs); whatever happens, Elasticsearch is running
again when the test ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from feedback.documents import feedback_index
from feedback.models import Feedback
from search import indexing
from search.engines import get_search_engine
from search.engines.elasticsearch import ElasticsearchEngine
from search.models import IndexingOutbox
from search.query import Query
from tests.conftest import require, require_service_url
from tests.drafts.conftest import open_draft  # noqa: F401  (fixture)
from tests.feedback.conftest import _private_media, draft_index, respondent_create  # noqa: F401

# Where scripts/services.sh keeps its services (its SERVICES_DIR), to find Elasticsearch's pid.
SERVICES_DIR = Path(os.environ.get("SERVICES_DIR", "/var/tmp/consult-services"))  # noqa: S108

SERVICES = Path(__file__).resolve().parents[2] / "scripts" / "services.sh"
ES_PIDFILE = SERVICES_DIR / "es-logs" / "elasticsearch.pid"
# Different comments (not a form letter that duplicate grouping would join), each on the theme.
COMMENTS = [
    "Đề nghị quy định rõ thời hạn giải phóng mặt bằng khi thu hồi đất.",
    "Giải phóng mặt bằng chậm làm dự án đường ven biển đội vốn.",
    "Cần công khai phương án bồi thường trước khi giải phóng mặt bằng.",
    "Hộ dân phải được tái định cư tại chỗ nếu giải phóng mặt bằng lấy hết đất ở.",
    "Kinh phí giải phóng mặt bằng nên tách thành dự án riêng.",
    "Chính quyền xã phải đối thoại với người dân trước khi giải phóng mặt bằng.",
    "Tôi đề nghị tính giá đất bồi thường sát thị trường khi giải phóng mặt bằng.",
]


def elasticsearch_pid() -> int | None:
    """The Elasticsearch process scripts/services.sh started, if it is running."""
    try:
        pid = int(ES_PIDFILE.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"org.elasticsearch" in cmdline else None


def stop_elasticsearch(pid: int) -> None:
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    if Path(f"/proc/{pid}").exists():
        os.kill(pid, signal.SIGKILL)


def start_elasticsearch() -> None:
    """scripts/services.sh start: leaves the running PostgreSQL and Redis alone, starts
    Elasticsearch and returns once its cluster answers."""
    subprocess.run([str(SERVICES), "start"], check=True, capture_output=True, timeout=300)


@pytest.fixture
def engine(settings) -> Iterator[ElasticsearchEngine]:
    """The configured engine is Elasticsearch, on an index of this test's own."""
    settings.SEARCH_ENGINE = {
        "ENGINE": "search.engines.elasticsearch.ElasticsearchEngine",
        "URL": require_service_url("ELASTICSEARCH_URL", "Elasticsearch"),
        "INDEX_PREFIX": f"outage-test-{uuid.uuid4().hex[:8]}",
        "TIMEOUT": 2.0,
    }
    get_search_engine.cache_clear()
    engine = get_search_engine()
    assert isinstance(engine, ElasticsearchEngine)
    yield engine
    if engine.health().ok:
        engine.drop(feedback_index)
    get_search_engine.cache_clear()


def post_comment(client, draft, n: int):
    return client.post(
        reverse("feedback:new", args=[draft.pk]),
        {
            "phien-ban": "1",
            "dieu": "art_2__para_1",
            "stance": "amend",
            "body": COMMENTS[n],
            "idempotency_key": str(uuid.uuid4()),
        },
    )


def found(engine: ElasticsearchEngine, draft) -> set[int]:
    results = engine.search(
        Query(
            index=feedback_index.name,
            text="giai phong mat bang",  # typed without diacritics
            filters={"draft": (str(draft.pk),), "provision": ("art_2",)},
            per_page=100,
        )
    )
    return {int(hit.id) for hit in results.hits}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_comments_sent_while_elasticsearch_is_down_are_searchable_when_it_returns(
    client,
    engine,
    open_draft,  # noqa: F811
):
    require(
        "The Elasticsearch of scripts/services.sh (root)",
        elasticsearch_pid() is not None and os.geteuid() == 0,
        "run scripts/services.sh start as root",
    )
    citizens = [respondent_create(email=f"citizen{n}@example.com") for n in range(3)]
    # Elasticsearch up: a comment is indexed as soon as it commits.
    client.force_login(citizens[0])
    assert post_comment(client, open_draft, 0).status_code == 302
    first = Feedback.objects.get()
    assert found(engine, open_draft) == {first.pk}
    assert not IndexingOutbox.objects.exists()

    pid = elasticsearch_pid()
    assert pid is not None
    try:
        stop_elasticsearch(pid)
        assert not engine.health().ok

        for n, citizen in enumerate(citizens * 2, start=1):
            client.force_login(citizen)
            response = post_comment(client, open_draft, n)
            assert response.status_code == 302  # accepted, whatever search is doing

        taken = set(Feedback.objects.exclude(pk=first.pk).values_list("pk", flat=True))
        assert len(taken) == 6
        waiting = IndexingOutbox.objects.filter(index=feedback_index.name)
        assert {int(i) for i in waiting.values_list("object_id", flat=True)} >= taken
        assert all(row.attempts >= 1 for row in waiting)  # each one's task tried, and kept it
    finally:
        start_elasticsearch()

    assert engine.health().ok
    call_command("search_index", "drain", verbosity=0)  # the periodic retry

    assert not IndexingOutbox.objects.exists()
    assert found(engine, open_draft) == taken | {first.pk}
    assert indexing.reconcile(index=feedback_index).in_step
