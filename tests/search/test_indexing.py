"""The indexing outbox: rows commit with the write, the task drains them after commit, an
outage keeps them, and reconcile and rebuild bring an index back in step with the database.

The index here is a small test one built from django.contrib.auth groups (a table the test can
change freely); it runs on the database engine, and on Elasticsearch under make test-services.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator, Sequence

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import QuerySet
from elasticsearch_dsl import Date, Document, Keyword

from search import indexing
from search.analysis import vietnamese_text
from search.engines import get_search_engine
from search.engines.base import SearchEngine
from search.engines.elasticsearch import ElasticsearchEngine
from search.models import IndexingOutbox
from search.query import Query
from search.registry import SearchIndex, register
from tests.conftest import require_service_url
from tests.consult.test_health import closed_port

CREATED = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
# The test index holds the groups named with this mark (not a word: never searched), not the
# groups that migrations create.
MARK = "§ "
POISON = f"{MARK}Hỏng"  # a group with this name cannot be built: a bug in one document's build


def source() -> QuerySet[Group]:
    return Group.objects.filter(name__startswith=MARK)


class GroupDocument(Document):
    id = Keyword()
    name = vietnamese_text()
    created = Date()
    stamp = Keyword()


def _build(ids: Sequence[str]) -> Iterator[dict[str, object]]:
    for group in source().filter(pk__in=[int(i) for i in ids]).order_by("pk"):
        if group.name == POISON:
            raise ValueError("cannot build this group")
        yield {"id": str(group.pk), "name": group.name, "created": CREATED, "stamp": group.name}


GROUPS = register(
    SearchIndex(
        name="indexing-test-groups",
        document=GroupDocument,
        text_fields={"name": 1},
        keyword_fields=frozenset(),
        date_field="created",
        build=_build,
        all_ids=lambda: (str(pk) for pk in source().values_list("pk", flat=True)),
        stamps=lambda: ((str(pk), name) for pk, name in source().values_list("pk", "name")),
        stored_fields=("name",),
        batch_size=2,
    )
)


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.services)])
def engine(request: pytest.FixtureRequest, db: None, settings) -> Iterator[SearchEngine]:
    """The configured engine (what drain and the task use), with a prefix of its own."""
    prefix = f"indexing-test-{uuid.uuid4().hex[:8]}"
    if request.param == "database":
        settings.SEARCH_ENGINE = {
            "ENGINE": "search.engines.database.DatabaseEngine",
            "INDEX_PREFIX": prefix,
        }
    else:
        settings.SEARCH_ENGINE = {
            "ENGINE": "search.engines.elasticsearch.ElasticsearchEngine",
            "URL": require_service_url("ELASTICSEARCH_URL", "Elasticsearch"),
            "INDEX_PREFIX": prefix,
        }
    get_search_engine.cache_clear()
    engine = get_search_engine()
    yield engine
    if isinstance(engine, ElasticsearchEngine):
        engine.drop(GROUPS)
    get_search_engine.cache_clear()


def found(engine: SearchEngine, text: str = "") -> set[str]:
    results = engine.search(Query(index=GROUPS.name, text=text, per_page=100))
    return {hit.id for hit in results.hits}


def group_create(name: str) -> Group:
    """A group written the way every app writes: the change and its outbox row together."""
    with transaction.atomic():
        group = Group.objects.create(name=MARK + name)
        indexing.enqueue(GROUPS.name, [group.pk])
    return group


def unreachable() -> ElasticsearchEngine:
    return ElasticsearchEngine(url=f"http://127.0.0.1:{closed_port()}", timeout=1.0)


def test_the_row_commits_with_the_write_and_the_task_indexes_it_after(
    engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        group = Group.objects.create(name=f"{MARK}Ban soạn thảo Luật Đất đai")
        assert indexing.enqueue(GROUPS.name, [group.pk, group.pk]) == 1
        assert IndexingOutbox.objects.filter(object_id=str(group.pk)).count() == 1
        assert found(engine, "dat dai") == set()  # nothing indexed before the commit

    assert len(callbacks) == 1  # the task, enqueued (and run, immediately in tests) after commit
    assert not IndexingOutbox.objects.exists()
    assert found(engine, "dat dai") == {str(group.pk)}


def test_a_rolled_back_write_leaves_no_row_and_no_task(engine, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        group = Group.objects.create(name=f"{MARK}Ban soạn thảo")
        indexing.enqueue(GROUPS.name, [group.pk])
        raise RuntimeError("the write failed")

    assert callbacks == []
    assert not IndexingOutbox.objects.exists()


def test_an_unknown_index_name_fails_in_the_writer(db):
    with pytest.raises(ImproperlyConfigured):
        indexing.enqueue("no-such-index", [1])
    assert not IndexingOutbox.objects.exists()


def test_draining_deletes_the_documents_whose_source_is_gone(engine):
    kept, removed = group_create("Ban pháp chế"), group_create("Ban tuyên giáo")
    indexing.drain()
    assert found(engine) == {str(kept.pk), str(removed.pk)}

    with transaction.atomic():
        indexing.enqueue(GROUPS.name, [removed.pk])
        removed.delete()
    report = indexing.drain()

    assert (report.indexed, report.deleted) == (0, 1)
    assert found(engine) == {str(kept.pk)}


def test_a_limited_drain_takes_the_oldest_rows_and_leaves_the_rest(engine):
    first, second, third = (group_create(f"Ban số {n}") for n in (1, 2, 3))

    report = indexing.drain(limit=2)

    assert report.rows == 2
    assert found(engine) == {str(first.pk), str(second.pk)}
    assert list(IndexingOutbox.objects.values_list("object_id", flat=True)) == [str(third.pk)]


def test_while_the_engine_is_down_the_rows_wait_and_are_indexed_when_it_returns(engine):
    groups = [group_create(f"Tổ góp ý {n}") for n in range(3)]

    down = indexing.drain(engine=unreachable())

    assert down.unavailable and (down.indexed, down.deleted) == (0, 0)
    rows = IndexingOutbox.objects.order_by("pk")
    assert [row.object_id for row in rows] == [str(g.pk) for g in groups]
    assert {row.attempts for row in rows} == {1}

    back = indexing.drain()

    assert not back.unavailable and back.indexed == 3
    assert not IndexingOutbox.objects.exists()
    assert found(engine, "to gop y") == {str(g.pk) for g in groups}


def test_a_document_that_cannot_be_built_does_not_hold_up_the_others(engine, caplog):
    good, bad, other = group_create("Ban một"), group_create("Hỏng"), group_create("Ban hai")

    with caplog.at_level(logging.ERROR, logger="search.indexing"):
        report = indexing.drain()

    assert report.failed == [f"{GROUPS.name}:{bad.pk}"]
    assert found(engine) == {str(good.pk), str(other.pk)}
    assert not IndexingOutbox.objects.exists()  # dropped and logged; reconcile will list it
    assert f"Cannot index {GROUPS.name} document {bad.pk}" in caplog.text


def test_rows_of_an_index_no_longer_registered_are_dropped(engine, caplog):
    IndexingOutbox.objects.create(index="retired-index", object_id="7")
    group = group_create("Ban mới")

    with caplog.at_level(logging.ERROR, logger="search.indexing"):
        report = indexing.drain()

    assert report.failed == ["retired-index:7"]
    assert found(engine) == {str(group.pk)}
    assert not IndexingOutbox.objects.exists()
    assert "unknown search index 'retired-index'" in caplog.text


def test_reconcile_reports_missing_extra_and_stale_documents_and_repairs_them(engine):
    groups = [group_create(f"Nhóm {n}") for n in range(4)]
    indexing.drain()
    # Changes that reached the database but not the index (written without the outbox).
    Group.objects.filter(pk=groups[0].pk).update(name=f"{MARK}Nhóm đổi tên")
    missing = Group.objects.create(name=f"{MARK}Nhóm chưa đánh chỉ mục")
    Group.objects.filter(pk=groups[1].pk).delete()

    report = indexing.reconcile(index=GROUPS)

    assert (report.checked, report.missing, report.extra, report.stale) == (4, 1, 1, 1)
    assert report.missing_ids == [str(missing.pk)]
    assert report.extra_ids == [str(groups[1].pk)]
    assert report.stale_ids == [str(groups[0].pk)]
    assert report.enqueued == 0 and not IndexingOutbox.objects.exists()

    repaired = indexing.reconcile(index=GROUPS, repair=True)
    assert repaired.enqueued == 3
    indexing.drain()

    assert indexing.reconcile(index=GROUPS).in_step
    assert found(engine, "doi ten") == {str(groups[0].pk)}


def test_rebuild_writes_every_document_and_reconciles_after_the_switch(engine):
    groups = [group_create(f"Tổ {n}") for n in range(5)]
    IndexingOutbox.objects.all().delete()  # never drained: the index is empty

    report = indexing.rebuild(index=GROUPS)

    assert report.written == 5
    assert report.reconciled.in_step and report.reconciled.checked == 5
    assert found(engine) == {str(g.pk) for g in groups}
