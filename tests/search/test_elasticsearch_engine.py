"""What the Elasticsearch engine does beyond the contract: aliases, rebuilds without downtime,
an index deleted under it, a cluster that does not answer, and a user's text kept out of
query syntax. Runs against the real Elasticsearch (make test-services)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch.helpers import BulkIndexError

from feedback.documents import feedback_index
from search.analysis import INDEX_SETTINGS
from search.engines.base import EngineUnavailable
from search.engines.elasticsearch import ElasticsearchEngine
from search.query import Query
from tests.conftest import require_service_url
from tests.consult.test_health import closed_port
from tests.search.conftest import CONTRACT, DOCUMENTS


@pytest.fixture
def es() -> Iterator[ElasticsearchEngine]:
    url = require_service_url("ELASTICSEARCH_URL", "Elasticsearch")
    engine = ElasticsearchEngine(url=url, index_prefix=f"es-test-{uuid.uuid4().hex[:8]}")
    yield engine
    engine.drop(CONTRACT)
    engine.drop(feedback_index)


def total(engine: ElasticsearchEngine, text: str = "") -> int:
    return engine.search(Query(index=CONTRACT.name, text=text)).total


def concrete(engine: ElasticsearchEngine) -> set[str]:
    """The concrete indexes the contract index's alias points at."""
    return set(engine.client.indices.get_alias(name=engine.index_name(CONTRACT.name)).body)


@pytest.mark.services
def test_the_index_name_is_an_alias_over_one_concrete_index(es):
    es.index_documents(CONTRACT, DOCUMENTS)

    alias = es.index_name(CONTRACT.name)
    (name,) = concrete(es)
    assert name.startswith(f"{alias}-v")
    mapping = es.client.indices.get_mapping(index=name)[name]["mappings"]["properties"]
    # Every text field as written and folded; the body also as word n-grams for themes.
    assert set(mapping["title"]["fields"]) == {"folded"}
    assert set(mapping["body"]["fields"]) == {"folded", "themes"}
    assert mapping["body"]["analyzer"] == "vi_exact"
    assert mapping["body"]["fields"]["folded"]["analyzer"] == "vi_folded"


@pytest.mark.services
def test_two_processes_creating_the_index_at_once_make_one(es):
    other = ElasticsearchEngine(url=es.url, index_prefix=es.index_prefix)

    es.setup(CONTRACT)
    other.setup(CONTRACT)
    other.index_documents(CONTRACT, DOCUMENTS[:2])

    assert len(concrete(es)) == 1
    assert total(es) == 2


@pytest.mark.services
def test_a_rebuild_answers_from_the_old_index_until_it_switches(es):
    es.index_documents(CONTRACT, DOCUMENTS)
    before = concrete(es)
    during: list[tuple[int, set[str]]] = []

    def documents() -> Iterator[dict[str, object]]:
        for number, document in enumerate(DOCUMENTS[:3]):
            if number == 1:  # the new index exists and is loading
                during.append((total(es), concrete(es)))
            yield document

    written = es.rebuild(CONTRACT, documents())

    assert written == 3
    assert during == [(14, before)]  # searches still answered, from the old index
    after = concrete(es)
    assert len(after) == 1 and not after & before
    assert total(es) == 3
    assert not es.client.indices.exists(index=",".join(before), allow_no_indices=False)
    # The load's settings (no refresh, no replicas) are not left on the live index.
    (name,) = after
    live = es.client.indices.get_settings(index=name)[name]["settings"]["index"]
    assert live.get("refresh_interval") != "-1"
    assert live.get("number_of_replicas") != "0"


@pytest.mark.services
def test_a_rebuild_leaves_the_declared_settings_as_they_were(es):
    declared = dict(INDEX_SETTINGS)

    es.rebuild(feedback_index, iter([]))
    es.setup(CONTRACT)  # an index created afterwards, on first use

    assert declared == INDEX_SETTINGS
    for name in (*concrete(es), *es.client.indices.get_alias(name=es.index_name("feedback"))):
        live = es.client.indices.get_settings(index=name)[name]["settings"]["index"]
        assert live.get("refresh_interval") != "-1"
        assert live.get("number_of_replicas") != "0"
    (name,) = es.client.indices.get_alias(name=es.index_name("feedback"))
    assert (
        es.client.indices.get_settings(index=name)[name]["settings"]["index"]["number_of_shards"]
        == "1"
    )


@pytest.mark.services
def test_an_index_deleted_under_a_running_process_is_made_again_with_its_mapping(es):
    es.index_documents(CONTRACT, DOCUMENTS[:2])
    es.client.indices.delete(index=",".join(concrete(es)))

    es.index_documents(CONTRACT, DOCUMENTS[2:5])

    (name,) = concrete(es)  # an alias again, not an index auto-created in its place
    mapping = es.client.indices.get_mapping(index=name)[name]["mappings"]["properties"]
    assert "folded" in mapping["body"]["fields"]
    assert total(es, "dat dai") == 1  # "Y kien ve dat dai", found folded


@pytest.mark.services
def test_a_search_after_the_index_was_deleted_answers_empty(es):
    es.index_documents(CONTRACT, DOCUMENTS[:2])
    es.client.indices.delete(index=",".join(concrete(es)))

    assert total(es, "đất") == 0
    assert len(concrete(es)) == 1


@pytest.mark.services
def test_a_document_with_a_field_the_mapping_lacks_is_refused(es):
    """The feedback mapping is strict: a personal field slipped into build() fails loudly."""
    with pytest.raises(BulkIndexError) as error:
        es.index_documents(feedback_index, [{"id": "1", "body": "Ý kiến", "email": "a@b.vn"}])

    assert "strict_dynamic_mapping_exception" in str(error.value.errors)


@pytest.mark.services
def test_a_users_text_never_becomes_query_syntax(es):
    es.index_documents(CONTRACT, DOCUMENTS)

    # Lucene syntax in the text is only separators between words, not operators.
    assert total(es, "đất (đai)") == total(es, "đất đai") == 3
    assert total(es, "title:đất AND body:đai OR [a TO z]") == 0  # "title", "and"... are words
    assert total(es, "\\ ~2 ^3 {x} / ! &&") == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda engine: engine.search(Query(index=CONTRACT.name, text="đất")),
        lambda engine: engine.significant_terms(Query(index=CONTRACT.name)),
        lambda engine: engine.index_documents(CONTRACT, DOCUMENTS[:1]),
        lambda engine: engine.delete_documents(CONTRACT, ["01"]),
        lambda engine: list(engine.stored_stamps(CONTRACT)),
        lambda engine: engine.rebuild(CONTRACT, iter(DOCUMENTS)),
    ],
    ids=["search", "themes", "index", "delete", "stamps", "rebuild"],
)
def test_an_unreachable_cluster_raises_engine_unavailable(call):
    engine = ElasticsearchEngine(url=f"http://127.0.0.1:{closed_port()}", timeout=1.0)

    with pytest.raises(EngineUnavailable):
        call(engine)
    assert engine.health().ok is False
