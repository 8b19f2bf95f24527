"""The search benchmarks' measuring process: run in the project with Django set up, prints JSON.

    python bench/search_workload.py CONFIG_JSON

Started by ``bench_search_elasticsearch.py`` and ``bench_search_database.py`` with the settings
module, the database and the Elasticsearch address in its environment. It loads the corpus of
``feedback_corpus`` into the configured engine through the engine's public methods (``rebuild``:
no Feedback rows, no database of comments), checks the engine's answers against what the
corpus holds, then times ``engine.search()`` on the query mix, interleaved with the baseline
queries, and (Elasticsearch) the bulk rounds. Progress goes to stderr, the figures to stdout as
one JSON object; any wrong answer exits non-zero with the reason on stderr.

CONFIG_JSON keys: ``mode`` ("elasticsearch" or "database"), ``size``, ``warmup``, ``rounds``,
``per_round``, ``deadline_s`` (seconds this process may take), ``work_dir`` (where the
Elasticsearch corpus's counts are kept beside its kept index), and for Elasticsearch
``bulk_docs``, ``bulk_rounds``.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import hashlib
import http.client
import json
import logging
import os
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:0] = [str(ROOT), str(BENCH_DIR)]

import feedback_corpus as corpus_module  # noqa: E402
from feedback_corpus import (  # noqa: E402
    INDEX,
    PUBLIC_SCOPE,
    SINGLE_VALUED,
    Corpus,
    drafter_scope,
    expected_planted,
    query_mix,
)

# Elasticsearch indexes of these benchmarks all start with this: what a run may delete.
ES_NAMESPACE = "bench-search-"
DATABASE_PREFIX = "bench-search"
MIN_ROUND = 20  # queries: a round cut shorter than this by the deadline is dropped


class WrongAnswer(Exception):
    """The engine answered a query wrongly: the measurement is void."""


def log(message: str) -> None:
    print(f"[search_workload +{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr)


STARTED = time.monotonic()


# The engine and the index ------------------------------------------------------------------


def engine_with_prefix(prefix: str) -> Any:
    """The configured engine class (settings.SEARCH_ENGINE), with index names of its own."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    config = dict(settings.SEARCH_ENGINE)
    engine_class = import_string(config.pop("ENGINE"))
    options = {key.lower(): value for key, value in config.items()}
    return engine_class(**options | {"index_prefix": prefix})


def mapping_of(index: Any) -> dict[str, Any]:
    """The index's Elasticsearch declaration (settings, analysis, mappings), as engines use it."""
    # A copy: elasticsearch-dsl hands out the Document's own settings dict.
    body = copy.deepcopy(index.document._index.to_dict())
    body.pop("aliases", None)
    return dict(body)


def check_fields(index: Any, sample: Mapping[str, Any]) -> None:
    """The corpus must fill exactly the fields the registered index declares."""
    # "id" is the document's _id, and may be a field of the mapping too.
    properties = set(index.document._doc_type.mapping.to_dict()["properties"]) - {"id"}
    produced = set(sample) - {"id"}
    problems = []
    if properties != produced:
        problems.append(
            f"document fields differ from the mapping: missing {sorted(properties - produced)}, "
            f"unknown {sorted(produced - properties)}"
        )
    if not set(index.keyword_fields) <= set(corpus_module.KEYWORD_FIELDS):
        problems.append(
            f"keyword fields the corpus does not fill: "
            f"{sorted(set(index.keyword_fields) - set(corpus_module.KEYWORD_FIELDS))}"
        )
    if set(index.text_fields) != set(corpus_module.TEXT_FIELDS):
        problems.append(f"text fields {sorted(index.text_fields)} != the corpus's")
    if index.date_field != corpus_module.DATE_FIELD:
        problems.append(f"date field {index.date_field!r} != {corpus_module.DATE_FIELD!r}")
    if index.sort_fields.get("supported") != corpus_module.SORT_FIELD:
        problems.append(f"sort fields {dict(index.sort_fields)} lack supported -> support_count")
    if problems:
        raise WrongAnswer(
            "the corpus no longer matches feedback/documents.py (update bench/feedback_corpus.py "
            "and its GENERATOR_VERSION): " + "; ".join(problems)
        )


def _scope(name: str) -> tuple[Mapping[str, tuple[str, ...]], ...]:
    if name == "public":
        return PUBLIC_SCOPE
    return drafter_scope(name.removeprefix("body:"))


# Checks -----------------------------------------------------------------------------------


def check_results(spec: Mapping[str, Any], results: Any) -> None:
    """What every answer must satisfy, whatever the data: page size, facet sums, scope, order."""
    query = results.query
    kind = spec["kind"]
    hits = results.hits
    expected_hits = max(0, min(query.per_page, min(results.total, 10_000) - query.offset))
    if len(hits) != expected_hits:
        raise WrongAnswer(f"{kind}: {len(hits)} hits on a page, {expected_hits} expected")
    filters = query.filters
    for name, values in results.facets.items():
        counts = [value.count for value in values]
        if counts != sorted(counts, reverse=True) or any(count <= 0 for count in counts):
            raise WrongAnswer(f"{kind}: facet {name} counts not positive and descending: {counts}")
        if name not in SINGLE_VALUED:
            if name in filters:
                # Multi-valued (a provision and its ancestors): a filtered value, when listed,
                # counts exactly the matching documents.
                for value in values:
                    single = len(filters[name]) == 1 and value.value in filters[name]
                    if single and value.count != results.total:
                        raise WrongAnswer(
                            f"{kind}: facet {name}={value.value} counts {value.count}, "
                            f"total {results.total}"
                        )
            continue
        complete = len(values) < query.facet_size
        if name in filters:
            listed = {value.value for value in values}
            if complete or set(filters[name]) <= listed:
                chosen = sum(value.count for value in values if value.value in filters[name])
                if chosen != results.total:
                    raise WrongAnswer(
                        f"{kind}: facet {name} counts {chosen} for the chosen values "
                        f"{filters[name]}, total {results.total}"
                    )
        elif complete and sum(counts) != results.total:
            raise WrongAnswer(
                f"{kind}: facet {name} sums to {sum(counts)}, total {results.total} "
                f"(every document has exactly one {name})"
            )
    for hit in hits:
        fields = hit.fields
        if "draft" in filters and str(fields.get("draft")) not in filters["draft"]:
            raise WrongAnswer(f"{kind}: hit {hit.id} of draft {fields.get('draft')}")
        if query.scope == PUBLIC_SCOPE and fields.get("status") != "published":
            raise WrongAnswer(f"{kind}: the public found hit {hit.id} ({fields.get('status')})")
    if query.sort == "supported":
        supports = [hit.fields.get("support_count") for hit in hits]
        if supports != sorted(supports, reverse=True):
            raise WrongAnswer(f"{kind}: not sorted by supports: {supports}")
    if query.sort == "newest":
        created = [str(hit.fields.get("created")) for hit in hits]
        if created != sorted(created, reverse=True):
            raise WrongAnswer(f"{kind}: not sorted newest first: {created}")


def check_truth(engine: Any, corpus: Corpus, truth: Mapping[str, Any]) -> dict[str, Any]:
    """Whole-corpus counts and the planted documents, against what the corpus holds."""
    from search.query import Query

    checked: dict[str, Any] = {}
    fields = [name for name in SINGLE_VALUED if name in truth["values"]]
    everything = engine.search(
        Query(index=INDEX, facets=tuple(fields), facet_size=100, sort="newest", highlight=False)
    )
    if everything.total != truth["total"]:
        raise WrongAnswer(f"{everything.total} documents found, {truth['total']} indexed")
    for name in fields:
        found = {value.value: value.count for value in everything.facets[name]}
        if found != truth["values"][name]:
            raise WrongAnswer(f"facet {name}: {found} found, {truth['values'][name]} indexed")
    checked["facets_equal_corpus"] = fields
    # A provision filter: an article finds the comments on it and on its clauses and points.
    hot = corpus.drafts[0]
    article = hot.articles[0]
    answer = engine.search(
        Query(
            index=INDEX,
            filters={"draft": (hot.pk,), "provision": (article,)},
            facets=("stance",),
            highlight=False,
        )
    )
    expected = truth["provisions"][hot.pk][article]
    if answer.total != expected:
        raise WrongAnswer(f"provision {article}: {answer.total} found, {expected} indexed")
    checked["provision_filter"] = {"draft": hot.pk, "provision": article, "total": expected}
    planted = expected_planted(corpus.size)
    ranks = {}
    for text, scope, ids in planted["queries"]:
        found = engine.search(Query(index=INDEX, text=text, scope=_scope(scope), per_page=20))
        got = sorted(hit.id for hit in found.hits)
        if got != ids or found.total != len(ids):
            raise WrongAnswer(
                f"planted: {text!r} ({scope}) found {got} (total {found.total}), expected {ids}"
            )
        order = [hit.id for hit in found.hits]
        if planted["exact"] in order and planted["folded"] in order:
            ranks[f"{text} ({scope})"] = {
                "exact": order.index(planted["exact"]) + 1,
                "without_diacritics": order.index(planted["folded"]) + 1,
            }
    checked["planted_queries"] = len(planted["queries"])
    checked["planted_ranks"] = ranks
    return checked


# Timing -----------------------------------------------------------------------------------


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def to_query(spec: Mapping[str, Any]) -> Any:
    from search.query import Query

    return Query(index=INDEX, **{key: value for key, value in spec.items() if key != "kind"})


def stripped(spec: Mapping[str, Any]) -> Any:
    """The same filters, scope, dates and sort without text and facets (text sort: newest)."""
    from search.query import Query

    return Query(
        index=INDEX,
        filters=spec["filters"],
        scope=spec["scope"],
        date_from=spec.get("date_from"),
        date_to=spec.get("date_to"),
        sort="newest" if spec["sort"] == "relevance" else spec["sort"],
        page=spec.get("page", 1),
        highlight=False,
    )


def measure_queries(
    engine: Any, corpus: Corpus, config: Mapping[str, Any], baseline: Callable[[Any], Any]
) -> dict[str, Any]:
    """Warm-up, then rounds of the mix: each query, its baseline, its stripped form (A B C)."""
    deadline = STARTED + config["deadline_s"]
    # The warm-up may take a sixth of the time left; the rounds stop when the next one would
    # not fit (a slow engine gets fewer rounds, never an overrun).
    warm_until = time.monotonic() + (deadline - time.monotonic()) / 6
    warm = query_mix(corpus, config["warmup"], seed=corpus.seed + 1)
    warmed = 0
    for spec in warm:
        check_results(spec, engine.search(to_query(spec)))
        baseline(spec)
        engine.search(stripped(spec))
        warmed += 1
        if time.monotonic() > warm_until:
            break
    log(f"warm-up: {warmed} queries")
    mix = query_mix(corpus, config["rounds"] * config["per_round"])
    rounds: list[dict[str, Any]] = []
    round_started = time.monotonic()
    gc.collect()
    gc.disable()  # a collection inside one timed call would be charged to that query
    try:
        for number in range(config["rounds"]):
            chunk = mix[number * config["per_round"] : (number + 1) * config["per_round"]]
            if rounds:
                spent = time.monotonic() - round_started
                if time.monotonic() + spent * 1.2 > deadline:
                    log(f"time budget: stopping after {number} of {config['rounds']} rounds")
                    break
            round_started = time.monotonic()
            query_ms: list[float] = []
            base_ms: list[float] = []
            stripped_ms: list[float] = []
            took_ms: list[float] = []
            totals: list[int] = []
            kinds: list[str] = []
            for spec in chunk:
                if time.monotonic() > deadline:
                    break
                query = to_query(spec)
                ms, results = timed(partial(engine.search, query))
                check_results(spec, results)
                query_ms.append(round(ms, 3))
                took_ms.append(results.took_ms)
                totals.append(results.total)
                ms, _ = timed(partial(baseline, spec))
                base_ms.append(round(ms, 3))
                ms, _ = timed(partial(engine.search, stripped(spec)))
                stripped_ms.append(round(ms, 3))
                kinds.append(spec["kind"])
            gc.collect()
            if len(query_ms) < len(chunk):
                # Out of time inside a round: a short tail says little about a p95.
                log(f"time budget: round {number + 1} cut after {len(query_ms)} queries")
                if not query_ms or (rounds and len(query_ms) < MIN_ROUND):
                    break
            rounds.append(
                {
                    "query_ms": query_ms,
                    "baseline_ms": base_ms,
                    "stripped_ms": stripped_ms,
                    "took_ms": took_ms,
                    "totals": totals,
                    "kinds": kinds,
                }
            )
            if len(query_ms) < len(chunk):
                break
            ordered = sorted(query_ms)
            log(
                f"round {number + 1}/{config['rounds']}: p50 {ordered[len(ordered) // 2]:.1f} ms,"
                f" p95 {ordered[int(0.95 * len(ordered))]:.1f} ms over {len(query_ms)} queries"
            )
    finally:
        gc.enable()
    return {"warmup": warmed, "rounds": rounds}


# Elasticsearch ------------------------------------------------------------------------------


def _es_request(
    conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None
) -> dict[str, Any]:
    headers = {
        "Content-Type": "application/x-ndjson" if path.endswith("_bulk") else "application/json"
    }
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise WrongAnswer(f"{method} {path}: {response.status} {data[:300]!r}")
    return dict(json.loads(data)) if data else {}


def _es_connection(url: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise WrongAnswer(f"the raw _bulk rounds only talk to a local Elasticsearch, not {url}")
    return http.client.HTTPConnection(parts.hostname, parts.port or 9200, timeout=120)


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def raw_bulk_chunks(documents: list[dict[str, Any]], batch: int, *, keep_id: bool) -> list[bytes]:
    """The NDJSON bodies of the _bulk requests for these documents, ``batch`` per request
    (sent to /<index>/_bulk, so they serve every round's index); the sources as the engine
    sends them (``id`` in them when the mapping has the field)."""
    chunks = []
    for start in range(0, len(documents), batch):
        lines = []
        for document in documents[start : start + batch]:
            source = {key: value for key, value in document.items() if keep_id or key != "id"}
            action = {"index": {"_id": document["id"]}}
            lines.append(json.dumps(action))
            lines.append(json.dumps(source, default=_json_default, ensure_ascii=False))
        chunks.append(("\n".join(lines) + "\n").encode())
    return chunks


def raw_bulk(url: str, name: str, body: dict[str, Any], chunks: list[bytes], count: int) -> None:
    """What Elasticsearch itself does with the documents: create the index as the engine does
    for a rebuild, POST the prepared _bulk bodies one after another, restore its settings,
    refresh."""
    conn = _es_connection(url)
    try:
        loading = json.loads(json.dumps(body))
        loading.setdefault("settings", {}).update(refresh_interval="-1", number_of_replicas=0)
        _es_request(conn, "PUT", f"/{name}", json.dumps(loading).encode())
        for chunk in chunks:
            answer = _es_request(conn, "POST", f"/{name}/_bulk", chunk)
            if answer.get("errors"):
                raise WrongAnswer(f"raw _bulk into {name} reported errors")
        restore = {
            "index": {
                "refresh_interval": body.get("settings", {}).get("refresh_interval"),
                "number_of_replicas": body.get("settings", {}).get("number_of_replicas"),
            }
        }
        _es_request(conn, "PUT", f"/{name}/_settings", json.dumps(restore).encode())
        _es_request(conn, "POST", f"/{name}/_refresh")
        found = _es_request(conn, "GET", f"/{name}/_count").get("count")
        if found != count:
            raise WrongAnswer(f"raw _bulk: {found} documents in {name}, {count} sent")
    finally:
        conn.close()


def _es_delete(client: Any, pattern: str) -> None:
    """Delete the indexes matching ``pattern``, by name (Elasticsearch 8 refuses wildcard
    deletes by default: action.destructive_requires_name)."""
    names = client.indices.get(index=pattern, ignore_unavailable=True, allow_no_indices=True)
    for name in names.body:
        client.indices.delete(index=name, ignore_unavailable=True)


def measure_bulk(
    engine: Any, index: Any, corpus: Corpus, config: Mapping[str, Any]
) -> dict[str, Any]:
    """Pairs of rounds into fresh indexes, the engine's rebuild and raw _bulk, alternating which
    goes first (A B, B A, ...) so that neither always follows the other's clean-up."""
    from django.conf import settings

    url = settings.SEARCH_ENGINE["URL"]
    client = engine.client
    size = config["bulk_docs"]
    documents = list(corpus.documents(stop=size))
    body = mapping_of(index)
    namespace = f"{ES_NAMESPACE}bulk-"
    _es_delete(client, f"{namespace}*")
    keep_id = "id" in body["mappings"]["properties"]
    chunks = raw_bulk_chunks(documents, index.batch_size, keep_id=keep_id)
    ours_s: list[float] = []
    raw_s: list[float] = []
    mappings_equal = None

    def rebuild(number: int) -> tuple[float, str]:
        ours = engine_with_prefix(f"{namespace}ours-{number}")
        gc.collect()
        started = time.perf_counter()
        written = ours.rebuild(index, iter(documents))
        seconds = time.perf_counter() - started
        alias = ours.index_name(index.name)
        found = client.count(index=alias)["count"]
        if written != size or found != size:
            raise WrongAnswer(f"rebuild wrote {written}, {found} searchable, {size} sent")
        return seconds, alias

    def raw(number: int) -> tuple[float, str]:
        name = f"{namespace}raw-{number}"
        gc.collect()
        started = time.perf_counter()
        raw_bulk(url, name, body, chunks, size)
        return time.perf_counter() - started, name

    try:
        for number in range(config["bulk_rounds"] + 1):  # pair 0 is a warm-up, not counted
            if number % 2 == 0:
                (ours_time, alias), (raw_time, raw_name) = rebuild(number), raw(number)
            else:
                (raw_time, raw_name), (ours_time, alias) = raw(number), rebuild(number)
            if number == 0:
                ours_mapping = next(iter(client.indices.get_mapping(index=alias).body.values()))
                raw_mapping = client.indices.get_mapping(index=raw_name).body[raw_name]
                mappings_equal = ours_mapping == raw_mapping
                if not mappings_equal:
                    raise WrongAnswer("the raw _bulk index's mapping differs from the engine's")
            else:
                ours_s.append(ours_time)
                raw_s.append(raw_time)
            _es_delete(client, f"{alias}*")
            _es_delete(client, raw_name)
            log(
                f"bulk pair {number}{' (warm-up)' if number == 0 else ''}: rebuild "
                f"{size / ours_time:,.0f} docs/s, raw _bulk {size / raw_time:,.0f} docs/s"
            )
    finally:
        _es_delete(client, f"{namespace}*")
    return {
        "documents": size,
        "batch_size": index.batch_size,
        "bytes": sum(
            len(d["body"]) + len(d["quote"]) + len(d["suggested_text"]) for d in documents
        ),
        "rebuild_s": [round(x, 3) for x in ours_s],
        "raw_s": [round(x, 3) for x in raw_s],
        "mappings_equal": mappings_equal,
    }


def elasticsearch(config: Mapping[str, Any]) -> dict[str, Any]:
    from search.registry import get_index

    index = get_index(INDEX)
    corpus = Corpus(config["size"])
    sample = next(corpus.documents(stop=1))
    check_fields(index, sample)
    declaration = json.dumps(mapping_of(index), sort_keys=True, default=str)
    mapping_hash = hashlib.sha256(declaration.encode()).hexdigest()[:10]
    tag = f"g{corpus_module.GENERATOR_VERSION}-{config['size']}-{mapping_hash}"
    prefix = f"{ES_NAMESPACE}{tag}"
    engine = engine_with_prefix(prefix)
    if engine.name != "elasticsearch":
        raise WrongAnswer(f"ELASTICSEARCH_URL set, but the configured engine is {engine.name}")
    client = engine.client
    alias = engine.index_name(INDEX)
    # Indexes of other generator versions or mappings are stale, and so is a concrete index of
    # ours that the alias does not point at (a build killed half-way): remove them. Indexes of
    # the other size (--quick or not) stay.
    ours = (
        set(client.indices.get_alias(name=alias).body)
        if client.indices.exists_alias(name=alias)
        else set()
    )
    kept_sizes = []
    for name in sorted(client.indices.get(index=f"{ES_NAMESPACE}g*").body):
        parts = name.removeprefix(ES_NAMESPACE).split("-")
        current = parts[0] == f"g{corpus_module.GENERATOR_VERSION}" and parts[2:3] == [mapping_hash]
        if not current or (name.startswith(f"{alias}-") and name not in ours):
            log(f"deleting stale index {name}")
            _es_delete(client, name)
        elif not name.startswith(prefix):
            kept_sizes.append(name)
    truth_file = Path(config["work_dir"]) / f"{prefix}.json"
    reused = False
    build: dict[str, Any] = {}
    if client.indices.exists_alias(name=alias) and truth_file.exists():
        count = client.count(index=alias)["count"]
        if count == config["size"]:
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
            reused = True
            build = json.loads(truth_file.read_text(encoding="utf-8")).get("build", {})
            log(f"reusing index {alias} ({count:,} documents, built {build.get('date')})")
    if not reused:
        log(f"building {alias}: {config['size']:,} documents")
        seconds, written = timed(lambda: engine.rebuild(index, corpus.documents()))
        if written != config["size"]:
            raise WrongAnswer(f"rebuild wrote {written} of {config['size']} documents")
        truth = corpus.truth.as_json()
        build = {
            "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "seconds": round(seconds / 1000, 1),
            "docs_per_s": round(written / (seconds / 1000), 1),
        }
        truth_file.parent.mkdir(parents=True, exist_ok=True)
        truth_file.write_text(json.dumps(truth | {"build": build}), encoding="utf-8")
        log(f"built in {seconds / 1000:.0f} s ({build['docs_per_s']:,.0f} docs/s)")
    concrete = sorted(client.indices.get_alias(name=alias).body)
    settings_of = client.indices.get_settings(index=alias).body
    stats = client.indices.stats(index=alias, metric="docs,store,segments,refresh,merge").body
    primaries = stats["_all"]["primaries"]
    state = {
        "alias": alias,
        "concrete": concrete,
        "reused": reused,
        "build": build,
        "docs": primaries["docs"]["count"],
        "store_bytes": primaries["store"]["size_in_bytes"],
        "segments": primaries["segments"]["count"],
        "refreshes": primaries["refresh"]["total"],
        "merges_current": primaries["merges"]["current"],
        "force_merged": primaries["segments"]["count"] == 1,
        "settings": {
            key: value
            for key, value in settings_of[concrete[0]]["settings"]["index"].items()
            if key in {"number_of_shards", "number_of_replicas", "refresh_interval"}
        },
        "other_sizes_kept": kept_sizes,
    }
    checked = check_truth(engine, corpus, truth)
    log("answers checked against the corpus: totals, facets, provision filter, planted documents")

    def match_all(spec: Mapping[str, Any]) -> Any:
        return client.search(index=alias, query={"match_all": {}}, size=20)

    # The bulk rounds first: their time is fixed, the query rounds fill what is left.
    bulk = measure_bulk(engine, index, corpus, config) if config.get("bulk_rounds") else {}
    queries = measure_queries(engine, corpus, config, match_all)
    return {"index": state, "checks": checked, "queries": queries, "bulk": bulk}


# The database engine --------------------------------------------------------------------------


def database(config: Mapping[str, Any]) -> dict[str, Any]:
    from django.db import connection

    from search.query import Query
    from search.registry import get_index

    index = get_index(INDEX)
    corpus = Corpus(config["size"])
    check_fields(index, next(corpus.documents(stop=1)))
    engine = engine_with_prefix(DATABASE_PREFIX)
    if engine.name != "database":
        raise WrongAnswer(f"the configured engine is {engine.name}, not the database engine")
    log(f"indexing {config['size']:,} documents into {connection.vendor}")
    seconds, written = timed(lambda: engine.rebuild(index, corpus.documents()))
    if written != config["size"]:
        raise WrongAnswer(f"rebuild wrote {written} of {config['size']} documents")
    log(f"indexed in {seconds / 1000:.0f} s ({written / (seconds / 1000):,.0f} docs/s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    truth = corpus.truth.as_json()
    checked = check_truth(engine, corpus, truth)
    log("answers checked against the corpus: totals, facets, provision filter, planted documents")
    trivial = Query(index=INDEX, sort="newest", highlight=False)

    def newest(spec: Mapping[str, Any]) -> Any:
        return engine.search(trivial)

    queries = measure_queries(engine, corpus, config, newest)
    return {
        "index": {
            "vendor": connection.vendor,
            "server_version": _server_version(connection),
            "build_seconds": round(seconds / 1000, 1),
            "docs_per_s": round(written / (seconds / 1000), 1),
        },
        "checks": checked,
        "queries": queries,
    }


def _server_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        row = cursor.fetchone()
    return str(row[0]) if row else "?"


def main(argv: Iterable[str]) -> int:
    (raw,) = list(argv)
    config = json.loads(raw)
    import django

    django.setup()
    # The production settings log every Elasticsearch request at INFO: 2,000 lines for a
    # rebuild, one per timed query. Only warnings here.
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    try:
        out = elasticsearch(config) if config["mode"] == "elasticsearch" else database(config)
    except WrongAnswer as exc:
        print(f"WRONG ANSWER: {exc}", file=sys.stderr)
        return 3
    out["settings_module"] = os.environ.get("DJANGO_SETTINGS_MODULE")
    out["seconds"] = round(time.monotonic() - STARTED, 1)
    print(json.dumps(out, default=_json_default, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
