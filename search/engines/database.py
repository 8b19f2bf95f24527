"""The database search engine: SQLite FTS5 or PostgreSQL full text, no extra service.

Documents live in the search app's own tables (search.models): a narrow row per document
(IndexedDocument: what filters and sorts read), its text (IndexedText) and its keywords
(IndexedKeyword). Migration 0002 adds each vendor's full-text structures: on PostgreSQL
generated tsvector columns with a GIN index, on SQLite an FTS5 table kept in step by
triggers. A search is one statement: the matching documents materialised once, then counted,
paged and their keywords counted for the facets; only the text-matching fragments differ
between the two databases (Dialect).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from ..highlight import highlight
from ..models import DatabaseIndex, IndexedDocument, IndexedKeyword, IndexedText
from ..query import FacetValue, Hit, ParsedText, Query, QueryError, Results, Term
from ..registry import Document, SearchIndex, get_index
from ..text import fold
from ..themes import BACKGROUND_SAMPLE, FOREGROUND_SAMPLE
from ..themes import significant_terms as score_terms
from ..tokens import index_text, words
from .base import EngineHealth, SearchEngine

logger = logging.getLogger(__name__)

WEIGHT_CLASSES = ("a", "b", "c", "d")  # A ranks highest, as PostgreSQL's setweight
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Like Elasticsearch's keyword ignore_above: a longer value is kept out of filters and facets.
MAX_KEYWORD_LENGTH = 256
# Over the matching documents (m): newest first, ties by id, longest (largest number) first.
NEWEST = "date DESC, LENGTH(doc_id) DESC, doc_id DESC"


@dataclass(frozen=True, slots=True)
class Sql:
    """A fragment of SQL and its parameters.

    The SQL text of every fragment is written in this module (table and column names,
    operators, "%s" placeholders); whatever a user typed or an index holds travels as a
    parameter. That is why the statements assembled from fragments carry ``noqa: S608``.
    """

    sql: str
    params: tuple[Any, ...] = ()

    @staticmethod
    def join(parts: Sequence[Sql], separator: str) -> Sql:
        return Sql(
            separator.join(f"({p.sql})" for p in parts),
            tuple(param for p in parts for param in p.params),
        )


NOTHING = Sql("1 = 0")


@dataclass(frozen=True, slots=True)
class Unit:
    """A term, phrase or prefix of a query as a run of words (the last a prefix if ``prefix``)."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class TextQuery:
    """A parsed text as units, exact and folded; ``unmatchable`` when a positive part has no
    word that could be indexed (only punctuation), so nothing can match it."""

    exact: tuple[Unit, ...]
    folded: tuple[Unit, ...]
    excluded: tuple[Unit, ...]
    unmatchable: bool

    @classmethod
    def of(cls, parsed: ParsedText) -> TextQuery:
        exact: list[Unit] = []
        unmatchable = False
        for text, prefix in (
            *((t, False) for t in (*parsed.terms, *parsed.phrases)),
            *((p, True) for p in parsed.prefixes),
        ):
            unit_words = tuple(words(text))
            if unit_words:
                exact.append(Unit(unit_words, prefix))
            else:
                unmatchable = True
        excluded = [Unit(tuple(fold(w) for w in words(t))) for t in parsed.excluded]
        return cls(
            exact=tuple(exact),
            folded=tuple(Unit(tuple(fold(w) for w in u.words), u.prefix) for u in exact),
            excluded=tuple(u for u in excluded if u.words),
            unmatchable=unmatchable,
        )


class Dialect:
    """How one database matches and ranks text; everything else is shared SQL.

    ``join`` brings the full-text row of ``d`` (search_indexeddocument) into a statement that
    matches positive words; ``match``, ``exact`` and ``rank`` may refer to it.
    ``scan_facets``: whether to count the facets of many matches by reading the keyword index
    in order (``keyword_order`` names it); else always document by document.
    """

    join = ""
    scan_facets = False
    keyword_order = ""

    def match(self, units: Sequence[Unit]) -> Sql:
        """Documents whose folded words contain every unit."""
        raise NotImplementedError

    def exclude(self, units: Sequence[Unit]) -> Sql:
        """Documents whose folded words contain none of the units (needs no join)."""
        raise NotImplementedError

    def exact(self, units: Sequence[Unit]) -> Sql:
        """Documents whose words as written contain every unit (they rank first)."""
        raise NotImplementedError

    def rank(self, units: Sequence[Unit], weights: Sequence[float]) -> Sql:
        """Relevance in [0, 1) of a document that ``match(units)`` selected (same statement)."""
        raise NotImplementedError


class PostgresDialect(Dialect):
    """tsquery over the generated exact_vector and folded_vector columns ('simple' config)."""

    join = "JOIN search_indexedtext t ON t.document_id = d.id"

    def _tsquery(self, units: Sequence[Unit], operator: str) -> str:
        # Words are letters and digits only (search.tokens), so quoting needs no escaping.
        return f" {operator} ".join(
            "(" + " <-> ".join(f"'{w}'" for w in u.words) + (":*" if u.prefix else "") + ")"
            for u in units
        )

    def match(self, units: Sequence[Unit]) -> Sql:
        return Sql("t.folded_vector @@ to_tsquery('simple', %s)", (self._tsquery(units, "&"),))

    def exclude(self, units: Sequence[Unit]) -> Sql:
        return Sql(
            "d.id NOT IN (SELECT document_id FROM search_indexedtext "
            "WHERE folded_vector @@ to_tsquery('simple', %s))",
            (self._tsquery(units, "|"),),
        )

    def exact(self, units: Sequence[Unit]) -> Sql:
        return Sql("t.exact_vector @@ to_tsquery('simple', %s)", (self._tsquery(units, "&"),))

    def rank(self, units: Sequence[Unit], weights: Sequence[float]) -> Sql:
        # ts_rank takes the weights of D, C, B, A; normalization 32 maps a rank r to r/(r+1).
        return Sql(
            "ts_rank(%s::float4[], t.folded_vector, to_tsquery('simple', %s), 32)",
            (list(reversed(weights)), self._tsquery(units, "&")),
        )


class SQLiteDialect(Dialect):
    """FTS5 MATCH over the search_fts table (rowid = document id); bm25 with the weights."""

    # bm25() wants the table's own name, not an alias; the subqueries below name the same
    # table again, but in their own scope.
    join = "JOIN search_fts ON search_fts.rowid = d.id"
    # SQLite sorts to GROUP BY, at about a microsecond a keyword: reading the keywords in
    # (field, value) order and keeping those of matching documents is three times faster
    # once the matches are a third of the index.
    scan_facets = True
    keyword_order = "INDEXED BY search_keyword_value"
    EXACT = "{" + " ".join(f"text_{c}" for c in WEIGHT_CLASSES) + "}"
    FOLDED = "{" + " ".join(f"folded_{c}" for c in WEIGHT_CLASSES) + "}"

    def _fts(self, columns: str, units: Sequence[Unit], operator: str) -> str:
        # Words are letters and digits only (search.tokens): a quoted string needs no escaping.
        joined = f" {operator} ".join(
            '"' + " ".join(u.words) + '"' + ("*" if u.prefix else "") for u in units
        )
        return f"{columns}: ({joined})"

    def match(self, units: Sequence[Unit]) -> Sql:
        return Sql("search_fts MATCH %s", (self._fts(self.FOLDED, units, "AND"),))

    def exclude(self, units: Sequence[Unit]) -> Sql:
        return Sql(
            "d.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
            (self._fts(self.FOLDED, units, "OR"),),
        )

    def exact(self, units: Sequence[Unit]) -> Sql:
        return Sql(
            "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
            (self._fts(self.EXACT, units, "AND"),),
        )

    def rank(self, units: Sequence[Unit], weights: Sequence[float]) -> Sql:
        # bm25 is negative, lower is better; 1 - 1/(1 - bm25) maps it into [0, 1). The exact
        # columns get weight 0: the folded ones carry the match, exact() the bonus.
        columns = ", ".join(["0"] * len(WEIGHT_CLASSES) + ["%s"] * len(WEIGHT_CLASSES))
        return Sql(f"1.0 - 1.0 / (1.0 - bm25(search_fts, {columns}))", tuple(weights))


def dialect() -> Dialect:
    if connection.vendor == "postgresql":
        return PostgresDialect()
    if connection.vendor == "sqlite":
        return SQLiteDialect()
    raise NotImplementedError(f"The database search engine does not support {connection.vendor}.")


def weight_classes(index: SearchIndex) -> tuple[dict[str, int], list[float]]:
    """Each text field's weight class (0 = A) and each class's weight relative to the top."""
    distinct = sorted(set(index.text_fields.values()), reverse=True)
    classes = {name: min(distinct.index(w), 3) for name, w in index.text_fields.items()}
    top = max(distinct[0], 1)
    weights = [distinct[min(i, len(distinct) - 1)] / top for i in range(len(WEIGHT_CLASSES))]
    return classes, weights


TEXT_COLUMNS = [f.name for f in IndexedText._meta.concrete_fields if f.name != "document"]


class DatabaseEngine(SearchEngine):
    name = "database"

    def health(self) -> EngineHealth:
        try:
            connection.ensure_connection()
        except DatabaseError as exc:
            logger.warning("Database search engine unreachable: %s", exc)
            return EngineHealth(ok=False, engine=self.name, detail=type(exc).__name__)
        return EngineHealth(ok=True, engine=self.name, detail=connection.vendor)

    def setup(self, index: SearchIndex) -> None:
        self._index_id(index)

    # Reading -----------------------------------------------------------------------------

    def search(self, query: Query) -> Results:
        started = time.perf_counter()
        index = get_index(query.index)
        parsed = query.validate(keyword_fields=index.keyword_fields)
        if query.sort == "supported" and "supported" not in index.sort_fields:
            raise QueryError(_("Unknown sort order."), code="sort")
        return _Plan(self, index, query, parsed).results(started=started)

    def significant_terms(self, query: Query, *, size: int = 20) -> tuple[Term, ...]:
        index = get_index(query.index)
        parsed = query.validate(keyword_fields=index.keyword_fields)
        plan = _Plan(self, index, query, parsed)
        foreground_total = plan.count()
        if not foreground_total:
            return ()
        everything = _Plan(self, index, Query(index=query.index), ParsedText())
        background_total = everything.count()
        return score_terms(
            foreground=plan.texts(limit=FOREGROUND_SAMPLE, total=foreground_total),
            foreground_total=foreground_total,
            background=everything.texts(limit=BACKGROUND_SAMPLE, total=background_total),
            background_total=background_total,
            size=size,
        )

    def stored_stamps(self, index: SearchIndex) -> Iterator[tuple[str, str]]:
        rows = IndexedDocument.objects.filter(index__name=self.index_name(index.name))
        yield from rows.order_by("doc_id").values_list("doc_id", "stamp").iterator(2000)

    # Writing -----------------------------------------------------------------------------

    def index_documents(self, index: SearchIndex, documents: Sequence[Document]) -> None:
        with transaction.atomic():
            index_id = self._index_id(index)
            for batch in _batched(documents, index.batch_size):
                self._write(index, index_id, batch)

    def delete_documents(self, index: SearchIndex, ids: Sequence[str]) -> None:
        with transaction.atomic():
            index_id = self._index_id(index)
            for batch in _batched([str(i) for i in ids], 500):
                rows = IndexedDocument.objects.filter(index_id=index_id, doc_id__in=batch)
                _delete(rows)

    def rebuild(self, index: SearchIndex, documents: Iterable[Document]) -> int:
        """Replace the index's documents in one transaction: readers see the old documents
        until it commits, then the new ones, never an empty index; if building fails half
        way, the old documents stay."""
        written = 0
        with transaction.atomic():
            index_id = self._index_id(index)
            # Serialises rebuilds of one index (a no-op on SQLite, which has one writer).
            list(DatabaseIndex.objects.select_for_update().filter(id=index_id).values("id"))
            _delete(IndexedDocument.objects.filter(index_id=index_id))
            for batch in _batched(documents, index.batch_size):
                self._write(index, index_id, batch)
                written += len(batch)
        return written

    def _index_id(self, index: SearchIndex) -> int:
        record, _created = DatabaseIndex.objects.get_or_create(name=self.index_name(index.name))
        return record.pk

    def _write(self, index: SearchIndex, index_id: int, documents: Sequence[Document]) -> None:
        prepared = {}
        for document in documents:
            row = _prepare(index, index_id, document)
            prepared[row.document.doc_id] = row  # the last version of a document given twice wins
        IndexedDocument.objects.bulk_create(
            [row.document for row in prepared.values()],
            update_conflicts=True,
            unique_fields=["index", "doc_id"],
            update_fields=["stamp", "date", "sort_value"],
        )
        ids = dict(
            IndexedDocument.objects.filter(index_id=index_id, doc_id__in=prepared).values_list(
                "doc_id", "id"
            )
        )
        texts = []
        for doc_id, row in prepared.items():
            row.text.document_id = ids[doc_id]
            texts.append(row.text)
        IndexedText.objects.bulk_create(
            texts,
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=[
                f.name for f in IndexedText._meta.concrete_fields if f.name != "document"
            ],
        )
        IndexedKeyword.objects.filter(document_id__in=ids.values()).delete()
        IndexedKeyword.objects.bulk_create(
            IndexedKeyword(document_id=ids[doc_id], index_id=index_id, field=name, value=value)
            for doc_id, row in prepared.items()
            for name, value in row.keywords
        )


def _delete(documents: QuerySet[IndexedDocument]) -> None:
    """Delete documents with their text and keywords (the database holds no cascade)."""
    ids = documents.values("id")
    IndexedKeyword.objects.filter(document_id__in=ids).delete()
    IndexedText.objects.filter(document_id__in=ids).delete()
    documents.delete()


class _Plan:
    """One query against one index: the shared WHERE clause and the statements built on it."""

    def __init__(
        self, engine: DatabaseEngine, index: SearchIndex, query: Query, parsed: ParsedText
    ) -> None:
        self.index = index
        self.query = query
        self.parsed = parsed
        self.dialect = dialect()
        self.text = TextQuery.of(parsed)
        names = DatabaseIndex.objects.filter(name=engine.index_name(index.name))
        # An index nothing was written to yet has no id: it matches nothing.
        self.index_id = names.values_list("id", flat=True).first() or 0
        self.index_sql = Sql("d.index_id = %s", (self.index_id,))
        _classes, self.weights = weight_classes(index)
        self.ranked = bool(self.text.folded) and not self.text.unmatchable
        self.join = self.dialect.join if self.ranked else ""
        self.conditions = self._text_conditions() + self._date_conditions() + self._scope()

    # The WHERE clause ---------------------------------------------------------------------

    def _text_conditions(self) -> list[Sql]:
        conditions = []
        if self.text.unmatchable:
            conditions.append(NOTHING)
        elif self.text.folded:
            conditions.append(self.dialect.match(self.text.folded))
        if self.text.excluded:
            conditions.append(self.dialect.exclude(self.text.excluded))
        return conditions

    def _date_conditions(self) -> list[Sql]:
        # Query dates are whole days of the site's time zone (Asia/Ho_Chi_Minh), both included.
        zone = ZoneInfo(settings.TIME_ZONE)
        conditions = []
        if self.query.date_from or self.query.date_to:
            # A document without a date (stored as the epoch) is outside every date range.
            conditions.append(Sql("d.date > %s", (_db_datetime(EPOCH),)))
        if self.query.date_from:
            start = dt.datetime.combine(self.query.date_from, dt.time.min, tzinfo=zone)
            conditions.append(Sql("d.date >= %s", (_db_datetime(start),)))
        if self.query.date_to:
            day_after = self.query.date_to + dt.timedelta(days=1)
            end = dt.datetime.combine(day_after, dt.time.min, tzinfo=zone)
            conditions.append(Sql("d.date < %s", (_db_datetime(end),)))
        return conditions

    def _keyword(self, name: str, values: Sequence[str]) -> Sql:
        placeholders = ", ".join(["%s"] * len(values))
        return Sql(
            "d.id IN (SELECT k.document_id FROM search_indexedkeyword k "  # noqa: S608 (see Sql)
            "WHERE k.index_id = %s AND k.field = %s "
            f"AND k.value IN ({placeholders}))",
            (self.index_id, name, *(str(v) for v in values)),
        )

    def _mapping(self, mapping: Mapping[str, Sequence[str]]) -> Sql:
        parts = [self._keyword(name, values) for name, values in sorted(mapping.items())]
        return Sql.join(parts, " AND ") if parts else Sql("1 = 1")

    def _scope(self) -> list[Sql]:
        if not self.query.scope:
            return []
        return [Sql.join([self._mapping(m) for m in self.query.scope], " OR ")]

    def where(self, *, without: str | None = None) -> Sql:
        """Everything the query asks, less the filter on ``without`` (for that facet)."""
        filters = {k: v for k, v in self.query.filters.items() if k != without}
        parts = [self.index_sql, *self.conditions]
        if filters:
            parts.append(self._mapping(filters))
        return Sql.join(parts, " AND ")

    def matching(self, *, without: str | None = None, scored: bool = False) -> Sql:
        """The documents that match (less the filter on ``without``): id, doc_id, date,
        sort_value and, if ``scored``, the relevance score."""
        where = self.where(without=without)
        score = self._score() if scored else Sql("0.0")
        return Sql(
            "SELECT d.id, d.doc_id, d.date, d.sort_value, "  # noqa: S608 (see Sql)
            f"CAST({score.sql} AS DOUBLE PRECISION) AS score "
            f"FROM search_indexeddocument d {self.join} WHERE {where.sql}",
            score.params + where.params,
        )

    def _score(self) -> Sql:
        if not self.ranked:
            return Sql("0.0")
        # Matching the words as written puts a document in a tier of its own, above every
        # document that only matches them folded; rank orders within a tier.
        exact = self.dialect.exact(self.text.exact)
        rank = self.dialect.rank(self.text.folded, self.weights)
        return Sql(
            f"(CASE WHEN {exact.sql} THEN 1.0 ELSE 0.0 END) + {rank.sql}",
            exact.params + rank.params,
        )

    def _order(self) -> str:
        if self.query.sort == "supported":
            return f"sort_value DESC, {NEWEST}"
        if self.query.sort == "relevance" and self.ranked:
            return f"score DESC, {NEWEST}"
        return NEWEST

    # The statement --------------------------------------------------------------------------

    def run(self) -> tuple[int, list[tuple[int, str, float]], dict[str, list[tuple[str, int]]]]:
        """Total, page and facet counts in one statement, so the text is matched once (and
        once more for each facet whose own filter is left out; on SQLite, facets over many
        documents first count them, see _large).

        The matching documents are materialised once (WITH m AS MATERIALIZED), then counted,
        paged and joined to their keywords; the parts come back as rows of one UNION ALL:
        (part, text, text, number, score, position).
        """
        scored = self.query.sort == "relevance" and self.ranked
        ctes = [("m", self.matching(scored=scored))]
        parts = [Sql("SELECT 0, NULL, NULL, COUNT(*), NULL, NULL FROM m")]
        order = self._order()
        parts.append(
            Sql(
                "SELECT 2, p.doc_id, NULL, p.id, p.score, "  # noqa: S608 (see Sql)
                f"ROW_NUMBER() OVER (ORDER BY {order}) "
                f"FROM (SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s) p",
                (self.query.per_page, self.query.offset),
            )
        )
        groups = self._facet_groups()
        large = bool(groups) and self._large()
        for without, names in groups.items():
            source = "m"
            if without is not None:
                source = f"f{len(ctes)}"
                ctes.append((source, self.matching(without=without)))
            parts.append(self._facet_counts(source, names, without=without, large=large))
        with_sql = ", ".join(f"{name} AS MATERIALIZED ({cte.sql})" for name, cte in ctes)
        sql = f"WITH {with_sql} " + " UNION ALL ".join(part.sql for part in parts)
        params = [p for _name, cte in ctes for p in cte.params]
        params += [p for part in parts for p in part.params]
        total = 0
        page: list[tuple[int, int, str, float]] = []
        counts: dict[str, list[tuple[str, int]]] = {name: [] for name in self.query.facets}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for part, text, value, number, score, position in cursor.fetchall():
                if part == 0:
                    total = int(number)
                elif part == 1:
                    counts[text].append((value, int(number)))
                else:
                    page.append((int(position), int(number), text, float(score or 0.0)))
        return total, [row[1:] for row in sorted(page)], counts

    def _large(self) -> bool:
        """Whether the matches are a large part of the index (a third or more): then facets
        are counted by reading the keyword index in order rather than document by document."""
        if not self.dialect.scan_facets:
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM search_indexeddocument WHERE index_id = %s", (self.index_id,)
            )
            size = int(cursor.fetchone()[0])
        return self.count() * 3 >= size

    def _facet_counts(
        self, source: str, names: Sequence[str], *, without: str | None, large: bool
    ) -> Sql:
        """The (field, value, count) rows of some facets over the documents in ``source``.

        Three ways to the same counts: over everything, the keyword index alone, in order;
        over many documents, that index in order, keeping the keywords of matching documents
        (no sort for GROUP BY); over few, the keywords of each matching document.
        """
        placeholders = ", ".join(["%s"] * len(names))
        head = "SELECT 1, k.field, k.value, COUNT(*), NULL, NULL "
        tail = "GROUP BY k.field, k.value"
        filters = [f for f in self.query.filters if f != without]
        if not (self.conditions or filters):
            return Sql(
                f"{head} FROM search_indexedkeyword k "
                f"WHERE k.index_id = %s AND k.field IN ({placeholders}) {tail}",
                (self.index_id, *names),
            )
        if large:
            return Sql(
                f"{head} FROM search_indexedkeyword k {self.dialect.keyword_order} "  # noqa: S608
                f"WHERE k.index_id = %s AND k.field IN ({placeholders}) "
                f"AND k.document_id IN (SELECT id FROM {source}) {tail}",
                (self.index_id, *names),
            )
        return Sql(
            f"{head} FROM {source} "
            f"JOIN search_indexedkeyword k ON k.document_id = {source}.id "
            f"WHERE k.field IN ({placeholders}) {tail}",
            tuple(names),
        )

    def _facet_groups(self) -> dict[str | None, list[str]]:
        """Facets by the filter they leave out: those without a filter of their own share the
        matching documents (None); each filtered facet needs its own."""
        groups: dict[str | None, list[str]] = {}
        for name in self.query.facets:
            groups.setdefault(name if name in self.query.filters else None, []).append(name)
        return groups

    def count(self) -> int:
        matching = self.matching()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({matching.sql}) m", matching.params)  # noqa: S608
            return int(cursor.fetchone()[0])

    # Results ---------------------------------------------------------------------------

    def results(self, *, started: float) -> Results:
        total, page, counts = self.run()
        rows = {
            document_id: (fields, texts_)
            for document_id, fields, texts_ in IndexedText.objects.filter(
                document_id__in=[row[0] for row in page]
            ).values_list("document_id", "fields", "texts")
        }
        hits = tuple(
            Hit(
                id=doc_id,
                score=score,
                fields=rows[document_id][0],
                highlights=self._highlights(rows[document_id][1]),
            )
            for document_id, doc_id, score in page
            # Deleted since the statement above (another transaction): not a hit any more.
            if document_id in rows
        )
        size = self.query.facet_size
        facets = {
            name: tuple(
                FacetValue(value=value, count=count)
                for value, count in sorted(values, key=lambda vc: (-vc[1], vc[0]))[:size]
            )
            for name, values in counts.items()
        }
        took_ms = (time.perf_counter() - started) * 1000
        return Results(hits=hits, total=total, facets=facets, took_ms=took_ms, query=self.query)

    def _highlights(self, texts: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
        if not (self.query.highlight and self.ranked):
            return {}
        out = {}
        for name in sorted(self.index.text_fields, key=lambda n: -self.index.text_fields[n]):
            fragments = highlight(texts.get(name, ""), self.parsed)
            if fragments:
                out[name] = fragments
        return out

    def texts(self, *, limit: int, total: int) -> Iterator[str]:
        """The text fields of at most ``limit`` matching documents, spread evenly over ids."""
        matching = self.matching()
        stride = max(1, -(-total // limit))
        sql = (
            "SELECT x.texts FROM search_indexedtext x WHERE x.document_id IN ("  # noqa: S608
            f"SELECT m.id FROM ({matching.sql}) m WHERE (m.id %% %s) = 0 ORDER BY m.id LIMIT %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*matching.params, stride, limit))
            rows = cursor.fetchall()
        for (texts,) in rows:
            yield "\n".join(_json(texts).values())


def _json(value: Any) -> Any:
    # psycopg hands Django's jsonb back undecoded (Django decodes in from_db_value).
    return json.loads(value) if isinstance(value, str | bytes) else value


def _db_datetime(value: dt.datetime) -> Any:
    # As the ORM would store it: SQLite keeps UTC text, and compares text.
    return connection.ops.adapt_datetimefield_value(value)


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = parse_datetime(value) or parse_date(value)
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return EPOCH


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value if v is not None)
    return str(value)


def _keyword_values(value: Any) -> Iterator[str]:
    values = value if isinstance(value, list | tuple | set | frozenset) else [value]
    for item in values:
        if item is None:
            continue
        # Booleans as Elasticsearch spells them in a keyword field.
        text = ("true" if item else "false") if isinstance(item, bool) else str(item)
        if len(text) <= MAX_KEYWORD_LENGTH:
            yield text


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document as rows: its document row, its text row, its (field, value) keywords."""

    document: IndexedDocument
    text: IndexedText
    keywords: frozenset[tuple[str, str]]


def _prepare(index: SearchIndex, index_id: int, document: Document) -> Prepared:
    classes, _weights = weight_classes(index)
    texts = {name: _text(document.get(name)) for name in index.text_fields}
    by_class: list[list[str]] = [[] for _ in WEIGHT_CLASSES]
    for name, text in texts.items():
        if text:
            by_class[classes[name]].append(index_text(text))
    exact = [" ".join(parts) for parts in by_class]
    sort_field = index.sort_fields.get("supported")
    return Prepared(
        document=IndexedDocument(
            index_id=index_id,
            doc_id=str(document["id"]),
            stamp=str(document.get("stamp") or ""),
            date=_as_datetime(document.get(index.date_field)),
            sort_value=int(document.get(sort_field) or 0) if sort_field else 0,
        ),
        text=IndexedText(
            fields={name: document.get(name) for name in index.stored_fields},
            texts={name: text for name, text in texts.items() if text},
            **{f"text_{c}": exact[i] for i, c in enumerate(WEIGHT_CLASSES)},
            **{f"folded_{c}": fold(exact[i]) for i, c in enumerate(WEIGHT_CLASSES)},
        ),
        keywords=frozenset(
            (name, value)
            for name in index.keyword_fields
            for value in _keyword_values(document.get(name))
        ),
    )
