"""The Elasticsearch 8 engine: the apps' elasticsearch-dsl documents, each index behind an alias.

``index_name(index.name)`` is an alias pointing at one concrete index ``<alias>-v<timestamp>``;
``rebuild`` loads a new concrete index and swaps the alias in one atomic ``update_aliases``, so
searches answer throughout. A user's text reaches Elasticsearch only as the words
``search.query.parse_text`` found, each in a match query, never as query_string syntax.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from itertools import islice
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch import TransportError as ElasticsearchTransportError
from elasticsearch.helpers import BulkIndexError, bulk, scan, streaming_bulk
from elasticsearch_dsl import A, Q, Search
from elasticsearch_dsl.query import Query as DslQuery

from .. import themes
from ..analysis import FOLDED_SUBFIELD, THEMES_SUBFIELD
from ..query import FacetValue, Hit, ParsedText, Query, QueryError, Results, Term
from ..registry import Document, SearchIndex, get_index
from .base import EngineHealth, EngineUnavailable, SearchEngine

logger = logging.getLogger(__name__)

# Statuses that mean "the cluster cannot take this now" rather than "this request is wrong".
_UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})
# The names of the filter aggregations that group facets (no field name starts with "~").
_GROUP = "~group"


class ElasticsearchEngine(SearchEngine):
    """Elasticsearch 8 through elasticsearch-dsl (settings.SEARCH_ENGINE: URL, TIMEOUT).

    ``refresh`` is the bulk requests' refresh policy: "wait_for" (the default) returns once
    the documents are searchable, so a drained comment is found right after; a bulk loader
    that does not need that may pass False.
    """

    name = "elasticsearch"
    # Added to the score of a document that matches the words as written: "đất" finds "dat"
    # and "đạt" too, but every "đất" first (relevance scores stay far below this).
    exact_tier = 1000.0
    # A prefix ("chuyển*") expands to at most this many terms per field.
    prefix_expansions = 50
    fragment_size = 160
    fragments = 3
    # Themes: the best-matching documents significant_text reads (per shard).
    theme_sample = 500
    # Bulk requests a rebuild keeps in flight.
    rebuild_threads = 2
    # Seconds a rebuild waits for the new index to merge (about a minute per million comments).
    merge_timeout = 3600.0

    def __init__(
        self,
        *,
        url: str,
        timeout: float = 5.0,
        refresh: bool | str = "wait_for",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.url = url
        self.timeout = timeout
        self.refresh = refresh
        # One client per engine, not elasticsearch-dsl's global connection: an engine built
        # for another cluster (a test, a benchmark) must not redirect this one.
        self.client = Elasticsearch(
            url, request_timeout=timeout, max_retries=1, retry_on_timeout=False
        )
        self._ready: set[str] = set()

    # -- health and errors -------------------------------------------------------------

    def health(self) -> EngineHealth:
        try:
            health = self.client.cluster.health(timeout=f"{max(1, int(self.timeout))}s")
        except (ElasticsearchTransportError, ApiError) as exc:
            logger.warning("Elasticsearch unreachable at %s: %s", self.url, exc)
            return EngineHealth(ok=False, engine=self.name, detail=type(exc).__name__)
        status = health["status"]
        return EngineHealth(ok=status in {"green", "yellow"}, engine=self.name, detail=status)

    @contextmanager
    def _available(self, action: str) -> Iterator[None]:
        """Turn "the cluster is down, slow or overloaded" into EngineUnavailable."""
        try:
            yield
        except ElasticsearchTransportError as exc:  # connection refused, timeout
            raise EngineUnavailable(f"Elasticsearch {action}: {type(exc).__name__}") from exc
        except ApiError as exc:
            if exc.meta.status in _UNAVAILABLE_STATUSES:
                raise EngineUnavailable(f"Elasticsearch {action}: {exc.meta.status}") from exc
            raise
        except BulkIndexError as exc:
            statuses = {next(iter(item.values())).get("status") for item in exc.errors}
            if statuses <= _UNAVAILABLE_STATUSES:
                raise EngineUnavailable(f"Elasticsearch {action}: {sorted(statuses)}") from exc
            raise

    # -- indexes and aliases ---------------------------------------------------------

    def _body(self, index: SearchIndex, *, loading: bool = False) -> dict[str, Any]:
        """Settings, analysis and mappings of a new concrete index, from the app's Document."""
        # A copy: to_dict() hands out the Document's own settings, which must stay as declared.
        body = copy.deepcopy(index.document._index.to_dict())  # type: ignore[attr-defined]
        body.pop("aliases", None)
        index_settings = body.setdefault("settings", {})
        if loading:
            # A bulk load writes faster without refreshes and without copying to replicas.
            index_settings.update(refresh_interval="-1", number_of_replicas=0)
        return dict(body)

    def _create(self, index: SearchIndex, name: str, *, alias: str | None = None) -> None:
        body = self._body(index, loading=alias is None)
        if alias is not None:
            body["aliases"] = {alias: {}}
        self.client.indices.create(index=name, **body)

    def _targets(self, alias: str) -> list[str]:
        """The concrete indexes the alias points at (none when it does not exist)."""
        try:
            return sorted(self.client.indices.get_alias(name=alias).body)
        except NotFoundError:
            return []

    def _ensure(self, index: SearchIndex) -> str:
        """The index's alias, its first concrete index created on first use."""
        alias = self.index_name(index.name)
        if alias in self._ready:
            return alias
        with self._available("setup"):
            if not self.client.indices.exists_alias(name=alias):
                # One fixed name for the first index, so two processes creating it at once
                # end up with one index, not an alias over two.
                try:
                    self._create(index, f"{alias}-v0", alias=alias)
                except ApiError as exc:
                    if exc.error != "resource_already_exists_exception":
                        raise
        self._ready.add(alias)
        return alias

    def setup(self, index: SearchIndex) -> None:
        self._ensure(index)

    def drop(self, index: SearchIndex) -> None:
        """Delete the index and its alias (tests, and taking an index out of service)."""
        alias = self.index_name(index.name)
        with self._available("drop"):
            for name in self._targets(alias):
                self.client.indices.delete(index=name, ignore_unavailable=True)
        self._ready.discard(alias)

    # -- writing -----------------------------------------------------------------------

    @staticmethod
    def _actions(
        index: SearchIndex, documents: Iterable[Document], target: str
    ) -> Iterator[dict[str, Any]]:
        keep_id = _has_id_field(index)
        for document in documents:
            source = {k: v for k, v in document.items() if keep_id or k != "id"}
            yield {
                "_op_type": "index",
                "_index": target,
                "_id": str(document["id"]),
                "_source": source,
            }

    def _bulk(self, index: SearchIndex, actions: list[dict[str, Any]], **kwargs: Any) -> None:
        alias = self._ensure(index)
        for action in actions:
            action["_index"] = alias
        try:
            self._stream(index, actions, **kwargs)
        except BulkIndexError as exc:
            if not any(_alias_missing(item) for item in exc.errors):
                raise
            # The index was deleted under this process: make it again and write once more.
            self._ready.discard(alias)
            self._ensure(index)
            self._stream(index, actions, **kwargs)

    def _stream(self, index: SearchIndex, actions: list[dict[str, Any]], **kwargs: Any) -> None:
        # Only the last request waits for the refresh: the earlier ones become searchable in
        # the same refresh.
        last = len(actions) - (len(actions) - 1) % index.batch_size - 1
        for part, refresh in ((actions[:last], False), (actions[last:], self.refresh)):
            if not part:
                continue
            with self._available("bulk"):
                for _ok, _item in streaming_bulk(
                    self.client,
                    part,
                    chunk_size=index.batch_size,
                    max_retries=2,
                    initial_backoff=1,
                    refresh=refresh,
                    # Never let a write auto-create a concrete index with guessed mappings
                    # where the alias should be (an index deleted under a running process).
                    require_alias=True,
                    **kwargs,
                ):
                    pass

    def index_documents(self, index: SearchIndex, documents: Sequence[Document]) -> None:
        if documents:
            self._bulk(index, list(self._actions(index, documents, "")))

    def delete_documents(self, index: SearchIndex, ids: Sequence[str]) -> None:
        if ids:
            actions = [{"_op_type": "delete", "_index": "", "_id": str(i)} for i in ids]
            self._bulk(index, actions, ignore_status=(404,))

    def rebuild(self, index: SearchIndex, documents: Iterable[Document]) -> int:
        alias = self.index_name(index.name)
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        concrete = f"{alias}-v{stamp}"
        with self._available("rebuild"):
            self._create(index, concrete)
        written = 0
        try:
            with self._available("rebuild"):
                written = self._load(self._actions(index, documents, concrete), index.batch_size)
                # Back to the declared settings (None: the cluster's default).
                declared = self._body(index)["settings"]
                self.client.indices.put_settings(
                    index=concrete,
                    settings={
                        "refresh_interval": declared.get("refresh_interval"),
                        "number_of_replicas": declared.get("number_of_replicas"),
                    },
                )
                self.client.indices.refresh(index=concrete)
                # A freshly loaded index is many segments; merged, its facets read one set of
                # ordinals instead of mapping each segment's (15-20 % faster at 1,000,000
                # comments). Later writes add small segments that merge as usual.
                self.client.options(request_timeout=self.merge_timeout).indices.forcemerge(
                    index=concrete, max_num_segments=1
                )
                old = self._targets(alias)
                actions: list[dict[str, Any]] = [
                    {"remove": {"index": name, "alias": alias}} for name in old
                ]
                if not old and self.client.indices.exists(index=alias):
                    # A concrete index in the alias's place (made by hand): replace it.
                    actions.append({"remove_index": {"index": alias}})
                actions.append({"add": {"index": concrete, "alias": alias}})
                self.client.indices.update_aliases(actions=actions)
        except BaseException:
            # The half-built index goes (if the cluster answers); the alias never saw it.
            with suppress(ElasticsearchTransportError, ApiError):
                self.client.indices.delete(index=concrete, ignore_unavailable=True)
            raise
        for name in old:
            try:
                self.client.indices.delete(index=name, ignore_unavailable=True)
            except (ElasticsearchTransportError, ApiError):
                logger.warning("Could not delete the replaced index %s", name, exc_info=True)
        self._ready.add(alias)
        return written

    def _load(self, actions: Iterable[dict[str, Any]], batch_size: int) -> int:
        """Bulk requests of ``batch_size`` actions, ``rebuild_threads`` of them in flight, so
        that reading the next batch overlaps Elasticsearch indexing the last. The actions are
        read in this thread: they may come from the database, whose connections are per
        thread (which rules out helpers.parallel_bulk, which reads them in its own)."""
        written = 0
        actions = iter(actions)
        with ThreadPoolExecutor(self.rebuild_threads) as pool:
            pending: deque[Future[tuple[int, Any]]] = deque()
            while batch := list(islice(actions, batch_size)):
                if len(pending) == self.rebuild_threads:
                    written += pending.popleft().result()[0]
                pending.append(
                    pool.submit(bulk, self.client, batch, chunk_size=batch_size, max_retries=3)
                )
            while pending:
                written += pending.popleft().result()[0]
        return written

    def stored_stamps(self, index: SearchIndex) -> Iterator[tuple[str, str]]:
        alias = self._ensure(index)
        with self._available("scan"):
            for hit in scan(self.client, index=alias, query={"_source": ["stamp"]}, size=2000):
                yield hit["_id"], str(hit.get("_source", {}).get("stamp", ""))

    # -- reading -----------------------------------------------------------------------

    def _text_query(self, index: SearchIndex, parsed: ParsedText) -> _TextQuery:
        """Every word, phrase and prefix must match a text field folded; a document matching
        them all as written gets a tier of its own above the rest (the database engine ranks
        the same way), relevance orders within a tier."""
        folded = [f"{name}.{FOLDED_SUBFIELD}^{weight}" for name, weight in _fields(index)]
        exact = [f"{name}^{weight}" for name, weight in _fields(index)]
        units = [(text, "phrase") for text in (*parsed.terms, *parsed.phrases)]
        units += [(prefix, "phrase_prefix") for prefix in parsed.prefixes]
        excluded = [
            Q("multi_match", query=word, type="phrase", fields=folded) for word in parsed.excluded
        ]
        if not units:
            return _TextQuery(Q("match_all"), excluded, None)

        def each(fields: list[str]) -> list[Any]:
            return [
                Q("multi_match", query=text, type=kind, fields=fields, tie_breaker=0.3)
                if kind == "phrase"
                else Q(
                    "multi_match",
                    query=text,
                    type=kind,
                    fields=fields,
                    max_expansions=self.prefix_expansions,
                )
                for text, kind in units
            ]

        matches = each(folded)
        as_written = Q("constant_score", filter=Q("bool", must=each(exact)), boost=self.exact_tier)
        # The highlighter marks what matched folded (on the text as written, through
        # matched_fields); given only that, it does half the work of the whole query.
        return _TextQuery(
            Q("bool", must=matches, should=[as_written]), excluded, Q("bool", should=matches)
        )

    @staticmethod
    def _terms(mapping: Any, *, skip: str = "") -> list[Any]:
        return [
            Q("terms", **{name: list(values)}) for name, values in mapping.items() if name != skip
        ]

    def _base(self, index: SearchIndex, query: Query, text: _TextQuery) -> Search:
        """The query without its own filters: text, who may see what, dates."""
        filters: list[Any] = []
        if query.scope:
            alternatives = [Q("bool", filter=self._terms(scope)) for scope in query.scope]
            filters.append(Q("bool", should=alternatives, minimum_should_match=1))
        if query.date_from or query.date_to:
            bounds: dict[str, Any] = {"time_zone": settings.TIME_ZONE}
            if query.date_from:
                bounds["gte"] = query.date_from.isoformat()
            if query.date_to:
                bounds["lt"] = (query.date_to + dt.timedelta(days=1)).isoformat()
            filters.append(Q("range", **{index.date_field: bounds}))
        search = Search(using=self.client, index=self.index_name(index.name))
        return search.query(Q("bool", must=[text.positive], must_not=text.excluded, filter=filters))

    def _sort(self, index: SearchIndex, query: Query) -> list[Any]:
        newest: list[Any] = [{index.date_field: {"order": "desc"}}]
        if _has_id_field(index):
            # Ties in the newest order (same second) broken by id, as the database engine does.
            newest.append({"id": {"order": "desc"}})
        if query.sort == "newest":
            return newest
        if query.sort == "relevance":
            return ["_score", *newest]
        if query.sort not in index.sort_fields:
            raise QueryError(_("Unknown sort order."), code="sort")
        return [{index.sort_fields[query.sort]: {"order": "desc"}}, *newest]

    def _execute(self, index: SearchIndex, search: Search) -> Any:
        self._ensure(index)
        with self._available("search"):
            try:
                return search.execute()
            except NotFoundError:
                # The index was deleted under this process: make it again (empty) and retry.
                self._ready.discard(self.index_name(index.name))
                self._ensure(index)
                return search.execute()

    def search(self, query: Query) -> Results:
        index = get_index(query.index)
        parsed = query.validate(keyword_fields=index.keyword_fields)
        text = self._text_query(index, parsed)
        search = self._base(index, query, text)
        # A filter on a field that is no facet narrows the hits and every count alike: it goes
        # in the query, so the facets count only its documents. Filters on facet fields narrow
        # the hits (post_filter) and every facet's counts but their own.
        shared, faceted = query.shared_filters, query.faceted_filters
        if shared:
            search = search.filter(Q("bool", filter=self._terms(shared)))
        if faceted:
            search = search.post_filter(Q("bool", filter=self._terms(faceted)))
        for group, names in enumerate(_facet_groups(query.facets, faceted)):
            # The facets that leave out the same filter share one filter aggregation.
            others = self._terms(faceted, skip=names[0] if names[0] in faceted else "")
            parent = search.aggs
            if others:
                parent = search.aggs.bucket(
                    f"{_GROUP}{group}", "filter", filter=Q("bool", filter=others)
                )
            for name in names:
                parent.bucket(
                    name,
                    "terms",
                    field=name,
                    size=query.facet_size,
                    order=[{"_count": "desc"}, {"_key": "asc"}],
                )
        search = search.sort(*self._sort(index, query)).extra(
            from_=query.offset, size=query.per_page, track_total_hits=True
        )
        search = search.source(list(index.stored_fields) or False)
        if query.highlight and text.highlight is not None:
            search = search.highlight_options(
                highlight_query=text.highlight.to_dict(),
                type="unified",
                encoder="html",
                pre_tags=["<mark>"],
                post_tags=["</mark>"],
                fragment_size=self.fragment_size,
                number_of_fragments=self.fragments,
            )
            for name in index.text_fields:
                # Matches in the folded subfield are marked on the text as written.
                search = search.highlight(name, matched_fields=[name, f"{name}.{FOLDED_SUBFIELD}"])
        response = self._execute(index, search).to_dict()
        hits = tuple(_hit(index, raw) for raw in response["hits"]["hits"])
        facets = {
            name: tuple(
                FacetValue(value=str(bucket["key"]), count=bucket["doc_count"])
                for bucket in buckets
            )
            for name, buckets in _facet_buckets(response.get("aggregations", {})).items()
        }
        facets = {name: facets.get(name, ()) for name in query.facets}
        return Results(
            hits=hits,
            total=response["hits"]["total"]["value"],
            facets=facets,
            took_ms=float(response.get("took", 0)),
            query=query,
        )

    def significant_terms(self, query: Query, *, size: int = 20) -> tuple[Term, ...]:
        index = get_index(query.index)
        parsed = query.validate(keyword_fields=index.keyword_fields)
        source, field = _themes_field(index)
        text = self._text_query(index, parsed)
        search = self._base(index, query, text)
        if query.filters:
            search = search.filter(Q("bool", filter=self._terms(query.filters)))
        sample = A("sampler", shard_size=self.theme_sample)
        sample.bucket(
            "themes",
            "significant_text",
            field=field,
            # Room for the candidates dropped below (stopwords, phrases inside phrases).
            size=max(size * 5, 50),
            min_doc_count=themes.MIN_DOC_COUNT,
            filter_duplicate_text=True,  # a form letter sent 10,000 times is one voice
        )
        search.aggs.bucket("sample", sample)
        # The sample's texts, to spell each folded term the way its writers did.
        search = search.source([source]).extra(size=self.theme_sample, track_total_hits=False)
        response = self._execute(index, search).to_dict()
        buckets = response.get("aggregations", {}).get("sample", {}).get("themes", {})
        candidates = {
            bucket["key"]: (float(bucket["score"]), int(bucket["doc_count"]))
            for bucket in buckets.get("buckets", [])
        }
        spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for hit in response["hits"]["hits"]:
            # The words and phrases themes count (no stopwords, no run across punctuation),
            # folded -> as written: a shingle that is not one of them is no theme.
            for key, spelling in themes.document_terms(hit["_source"].get(source, "")).items():
                if key in candidates:
                    spellings[key][spelling] += 1
        # A word or phrase that a longer candidate explains ("tái định" in "tái định cư").
        in_longer: Counter[str] = Counter()
        for key, (_score, count) in candidates.items():
            for inner in themes._shorter(key):
                in_longer[inner] = max(in_longer[inner], count)
        ranked = sorted(candidates, key=lambda k: (-candidates[k][0], -candidates[k][1], k))
        out: list[Term] = []
        for key in ranked:
            score, count = candidates[key]
            if not spellings[key] or in_longer[key] >= themes.LONGER_COVERS * count:
                continue
            spelling = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
            out.append(Term(text=spelling, score=score, count=count))
            if len(out) == size:
                break
        return tuple(out)


class _TextQuery(NamedTuple):
    positive: DslQuery
    excluded: list[Any]
    highlight: DslQuery | None  # None: no words to mark


def _facet_groups(facets: Sequence[str], faceted: Mapping[str, Any]) -> list[list[str]]:
    """Facets by the filter they leave out: the unfiltered ones first, together (they all
    count under every filter), then each filtered one alone (all filters but its own)."""
    groups = [[name for name in facets if name not in faceted]]
    groups += [[name] for name in facets if name in faceted]
    return [group for group in groups if group]


def _facet_buckets(aggregations: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each facet's buckets, whether its terms aggregation is at the top or in a group."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, value in aggregations.items():
        if name.startswith(_GROUP):
            out.update(_facet_buckets({k: v for k, v in value.items() if isinstance(v, dict)}))
        elif isinstance(value, dict) and "buckets" in value:
            out[name] = value["buckets"]
    return out


def _fields(index: SearchIndex) -> list[tuple[str, int]]:
    return list(index.text_fields.items())


def _has_id_field(index: SearchIndex) -> bool:
    """Whether the document maps its id as a field (kept in the source, sortable): Elasticsearch
    8 does not sort on _id."""
    return "id" in index.document._doc_type.mapping  # type: ignore[attr-defined]


def _alias_missing(item: dict[str, Any]) -> bool:
    error = next(iter(item.values())).get("error") or {}
    return (
        isinstance(error, dict)
        and error.get("type")
        in {
            "index_not_found_exception",
            "illegal_argument_exception",
        }
        and "alias" in str(error.get("reason", ""))
    )


def _hit(index: SearchIndex, raw: dict[str, Any]) -> Hit:
    fields = dict(raw.get("_source") or {})
    if "id" in index.stored_fields:
        fields["id"] = raw["_id"]
    highlights = {
        name: tuple(fragments)
        for name, fragments in (raw.get("highlight") or {}).items()
        if name in index.text_fields
    }
    return Hit(
        id=raw["_id"], score=float(raw.get("_score") or 0.0), fields=fields, highlights=highlights
    )


def _themes_field(index: SearchIndex) -> tuple[str, str]:
    """(text field, subfield significant_text reads): the heaviest field with word n-grams,
    else the heaviest field folded."""
    mapping = index.document._doc_type.mapping  # type: ignore[attr-defined]
    ranked = sorted(index.text_fields, key=lambda name: -index.text_fields[name])
    for name in ranked:
        subfields = mapping[name].to_dict().get("fields", {}) if name in mapping else {}
        if THEMES_SUBFIELD in subfields:
            return name, f"{name}.{THEMES_SUBFIELD}"
    return ranked[0], f"{ranked[0]}.{FOLDED_SUBFIELD}"
