"""manage.py search_index: setup, rebuild, reconcile [--repair] and drain, on the test index of
test_indexing (the database engine, and Elasticsearch under make test-services)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import translation

from search.engines import get_search_engine
from search.engines.elasticsearch import ElasticsearchEngine
from search.models import IndexingOutbox
from search.registry import all_indexes
from tests.consult.test_health import closed_port
from tests.search.test_indexing import GROUPS, MARK, engine, found, group_create  # noqa: F401


def run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("search_index", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_drain_indexes_what_the_outbox_holds_and_says_so(engine):  # noqa: F811
    groups = [group_create(f"Ban {n}") for n in range(3)]

    assert run("drain") == "3 documents indexed, 0 deleted.\n"
    assert found(engine) == {str(g.pk) for g in groups}
    assert run("drain") == ""  # nothing to do: silent, for cron


def test_drain_while_the_engine_is_down_fails_and_keeps_the_outbox(engine, settings):  # noqa: F811
    group_create("Ban chờ")
    settings.SEARCH_ENGINE = {
        "ENGINE": "search.engines.elasticsearch.ElasticsearchEngine",
        "URL": f"http://127.0.0.1:{closed_port()}",
        "TIMEOUT": 1.0,
    }
    get_search_engine.cache_clear()

    with pytest.raises(CommandError, match="unavailable: the outbox is kept"):
        run("drain")
    assert IndexingOutbox.objects.get().attempts == 1


def test_reconcile_reports_the_differences_and_repair_enqueues_them(engine):  # noqa: F811
    kept, stale = group_create("Ban giữ"), group_create("Ban cũ")
    run("drain")
    Group.objects.filter(pk=stale.pk).update(name=f"{MARK}Ban mới")
    missing = Group.objects.create(name=f"{MARK}Ban thiếu")

    report = run("reconcile", "--index", GROUPS.name)

    assert report == (
        f"{GROUPS.name}: 3 in the database; 1 missing, 0 extra, 1 stale in the index.\n"
        f"  missing: {missing.pk}\n"
        f"  stale: {stale.pk}\n"
    )
    assert not IndexingOutbox.objects.exists()

    repaired = run("reconcile", "--index", GROUPS.name, "--repair")

    assert repaired.endswith("  2 documents enqueued for indexing.\n")
    assert sorted(IndexingOutbox.objects.values_list("object_id", flat=True)) == sorted(
        [str(missing.pk), str(stale.pk)]
    )
    run("drain")
    assert run("reconcile", "--index", GROUPS.name).startswith(
        f"{GROUPS.name}: 3 in the database; 0 missing, 0 extra, 0 stale"
    )
    assert found(engine) == {str(kept.pk), str(stale.pk), str(missing.pk)}


def test_rebuild_writes_the_index_anew(engine):  # noqa: F811
    groups = [group_create(f"Tổ {n}") for n in range(3)]
    IndexingOutbox.objects.all().delete()

    output = run("rebuild", "--index", GROUPS.name)

    assert output.startswith(f"{GROUPS.name}: 3 documents written, alias switched.\n")
    assert "0 missing, 0 extra, 0 stale" in output
    assert found(engine) == {str(g.pk) for g in groups}


def test_setup_makes_every_registered_index_ready(engine):  # noqa: F811
    try:
        output = run("setup")

        assert output.splitlines() == [f"{index.name}: ready." for index in all_indexes()]
        assert found(engine) == set()
    finally:
        if isinstance(engine, ElasticsearchEngine):
            for index in all_indexes():
                engine.drop(index)


def test_an_unknown_index_is_named_with_the_known_ones(db):
    with pytest.raises(CommandError, match=r"No search index named nope \(known: .*feedback"):
        run("reconcile", "--index", "nope")
