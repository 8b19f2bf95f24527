"""The database search engine: SQLite FTS5 or PostgreSQL full text, no extra service.

Documents live in the search app's own tables (search.models): a narrow row per document
(IndexedDocument: what filters, sorts and facets read) and its text (IndexedText). Keyword
values are integer keys (IndexedField, IndexedValue) kept in the document's row, so that a
filter is a test on the row and a facet counts the keys of the matching rows. Migrations 0002
to 0004 add each vendor's indexes: on PostgreSQL tsvector columns and GIN indexes, on SQLite
FTS5 tables kept in step by triggers. A search is one statement: the documents that match
everything, or all but one filter on a faceted field, materialised once, then counted, paged
and their keys counted for the facets; only the fragments that match text and keys differ
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
from ..models import (
    KEY_SHIFT,
    DatabaseIndex,
    IndexedDocument,
    IndexedField,
    IndexedText,
    IndexedValue,
    keyword_key,
)
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


@dataclass(frozen=True, slots=True)
class Keys:
    """Documents holding any of ``keys``: the accepted values of one filter."""

    keys: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]


Condition = Keys | AllOf | AnyOf
EVERYTHING = AllOf(())
NOTHING_MATCHES = AnyOf(())


def keys_of(keys: Iterable[int]) -> Condition:
    found = tuple(sorted(set(keys)))
    return Keys(found) if found else NOTHING_MATCHES


def all_of(parts: Iterable[Condition]) -> Condition:
    flat: list[Condition] = []
    for part in parts:
        if part == NOTHING_MATCHES:
            return NOTHING_MATCHES
        flat.extend(part.parts if isinstance(part, AllOf) else (part,))
    return flat[0] if len(flat) == 1 else AllOf(tuple(flat))


def any_of(parts: Iterable[Condition]) -> Condition:
    flat: list[Condition] = []
    for part in parts:
        if part == EVERYTHING:
            return EVERYTHING
        flat.extend(part.parts if isinstance(part, AnyOf) else (part,))
    return flat[0] if len(flat) == 1 else AnyOf(tuple(flat))


def all_but_one(parts: Sequence[Condition]) -> Condition:
    """Documents that satisfy every part, or all parts but one."""
    if len(parts) < 2:
        return EVERYTHING
    return any_of(all_of(p for j, p in enumerate(parts) if j != i) for i in range(len(parts)))


class Dialect:
    """How one database matches and ranks text and tests and counts keys; everything else
    is shared SQL.

    ``join`` brings the full-text row of ``d`` (search_indexeddocument) into a statement that
    matches positive words; ``match``, ``exact`` and ``rank`` may refer to it.
    """

    join = ""

    def holds(self, keys: Sequence[int]) -> Sql:
        """Documents (d) whose keywords hold any of ``keys``, tested in the row."""
        raise NotImplementedError

    def find(self, condition: Condition) -> Sql | None:
        """The documents (d) that satisfy ``condition``, found through the keyword index
        rather than tested row by row, for statements that match no text; None: the
        database picks its way from the row tests."""
        return None

    def countable(self) -> str:
        """Of a candidate's ``keywords``, ``fails`` and ``failed``: the keys that may count
        toward a facet (all of a match's, those of the failed field of a near match)."""
        return "keywords"

    def keys(self, source: str) -> str:
        """A SELECT of k: each key of ``source``'s rows that counts toward a facet."""
        raise NotImplementedError

    def key_totals(self, field_ids: Sequence[int]) -> Sql | None:
        """A SELECT of (k, documents): each key of these fields and how many documents hold
        it, read from the keyword index; None if the index cannot tell."""
        return None

    def count_found(self, condition: Condition) -> Sql | None:
        """A SELECT of how many documents satisfy ``condition``, from the keyword index
        alone; None if it cannot tell at once."""
        return None

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

    def holds(self, keys: Sequence[int]) -> Sql:
        # The GIN index on keywords answers && (migration 0003).
        return Sql("d.keywords && %s::bigint[]", (list(keys),))

    def countable(self) -> str:
        # The keys are sorted, a field's keys one run: width_bucket finds its ends by binary
        # search. A near match then brings one or two keys instead of all of them, and the
        # set of candidates stays small enough for work_mem.
        start, end = (f"(failed::bigint + {n}) << {KEY_SHIFT}" for n in (0, 1))
        return (
            "CASE WHEN fails = 0 THEN keywords ELSE keywords["
            f"width_bucket(({start}) - 1, keywords) + 1 : width_bucket(({end}) - 1, keywords)"
            "] END"
        )

    def keys(self, source: str) -> str:
        # unnest in the select list (ProjectSet) costs half of a LATERAL function scan, which
        # sets up a scan for every row.
        return f"SELECT unnest(keywords) AS k FROM {source}"  # noqa: S608

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
    EXACT = "{" + " ".join(f"text_{c}" for c in WEIGHT_CLASSES) + "}"
    FOLDED = "{" + " ".join(f"folded_{c}" for c in WEIGHT_CLASSES) + "}"

    def holds(self, keys: Sequence[int]) -> Sql:
        # keywords is ",12,45," (search.models.KeywordKeysField): a key is ",key," in it.
        tests = " OR ".join(["instr(d.keywords, %s) > 0"] * len(keys))
        return Sql(tests, tuple(f",{key}," for key in keys))

    def find(self, condition: Condition) -> Sql | None:
        # The keys' FTS5 table (migration 0003) merges the documents of each key: for "this
        # draft and this provision, published or of my body" it reads a few index pages where
        # testing rows reads every row of the draft.
        return Sql(
            "d.id IN (SELECT rowid FROM search_keyword_fts WHERE search_keyword_fts MATCH %s)",
            (self._keys_query(condition),),
        )

    def _keys_query(self, condition: Condition) -> str:
        if isinstance(condition, Keys):
            return " OR ".join(f'"{key}"' for key in condition.keys)
        operator = " AND " if isinstance(condition, AllOf) else " OR "
        return operator.join(f"({self._keys_query(part)})" for part in condition.parts)

    def keys(self, source: str) -> str:
        # The test on fails first: most candidates of a large set fail a filter, and only
        # the keys of that filter's field count.
        return (
            f"SELECT u.value AS k FROM {source}, "  # noqa: S608
            f"json_each('[' || trim({source}.keywords, ',') || ']') AS u "
            f"WHERE {source}.fails = 0 OR (u.value >> {KEY_SHIFT}) = {source}.failed"
        )

    def count_found(self, condition: Condition) -> Sql | None:
        return Sql(
            "SELECT COUNT(*) FROM search_keyword_fts WHERE search_keyword_fts MATCH %s",
            (self._keys_query(condition),),
        )

    def key_totals(self, field_ids: Sequence[int]) -> Sql | None:
        # The FTS5 vocabulary of the keys (migration 0004) counts each key's documents. Its
        # terms are text: a field's keys, [field << 32, (field + 1) << 32), are one range of
        # terms for each number of digits they are written with.
        ranges = []
        for field in field_ids:
            low, high = field << KEY_SHIFT, ((field + 1) << KEY_SHIFT) - 1
            while low <= high:
                digits = len(str(low))
                top = min(high, 10**digits - 1)
                ranges.append((str(low), str(top), digits))
                low = top + 1
        return Sql(
            " UNION ALL ".join(
                [
                    "SELECT CAST(term AS INTEGER) AS k, doc AS documents FROM search_keyword_terms "
                    "WHERE term >= %s AND term <= %s AND length(term) = %s"
                ]
                * len(ranges)
            ),
            tuple(value for bounds in ranges for value in bounds),
        )

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
        keys = _keys(index_id, {pair for row in prepared.values() for pair in row.keywords})
        for row in prepared.values():
            row.document.keywords = [keys[pair] for pair in row.keywords]
        IndexedDocument.objects.bulk_create(
            [row.document for row in prepared.values()],
            update_conflicts=True,
            unique_fields=["index", "doc_id"],
            update_fields=["stamp", "date", "sort_value", "keywords"],
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


def _keys(index_id: int, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The key of each (field, value) of an index, adding the fields and values new to it.

    Inserted in a fixed order and ignoring conflicts, so that writers adding the same new
    values at once wait for each other instead of deadlocking, and all find the same ids.
    """
    names = sorted({name for name, _value in pairs})
    fields = _field_ids(index_id, names)
    if len(fields) < len(names):
        IndexedField.objects.bulk_create(
            [IndexedField(index_id=index_id, name=n) for n in names if n not in fields],
            ignore_conflicts=True,
        )
        fields = _field_ids(index_id, names)
    wanted = {(fields[name], value) for name, value in pairs}
    values = _value_ids(wanted)
    missing = sorted(wanted - values.keys())
    if missing:
        IndexedValue.objects.bulk_create(
            [IndexedValue(field_id=field, value=value) for field, value in missing],
            ignore_conflicts=True,
        )
        values |= _value_ids(set(missing))
    return {
        (name, value): keyword_key(fields[name], values[fields[name], value])
        for name, value in pairs
    }


def _field_ids(index_id: int, names: Iterable[str]) -> dict[str, int]:
    rows = IndexedField.objects.filter(index_id=index_id, name__in=list(names))
    return dict(rows.values_list("name", "id"))


def _value_ids(wanted: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    rows = IndexedValue.objects.filter(
        field_id__in={field for field, _v in wanted}, value__in={value for _f, value in wanted}
    ).values_list("field_id", "value", "id")
    return {(field, value): id_ for field, value, id_ in rows if (field, value) in wanted}


def _delete(documents: QuerySet[IndexedDocument]) -> None:
    """Delete documents with their text (the database holds no cascade)."""
    IndexedText.objects.filter(document_id__in=documents.values("id")).delete()
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
        _classes, self.weights = weight_classes(index)
        self.ranked = bool(self.text.folded) and not self.text.unmatchable
        self.join = self.dialect.join if self.ranked else ""
        self._resolve(engine.index_name(index.name))
        self.index_sql = Sql("d.index_id = %s", (self.index_id,))
        self.conditions = self._text_conditions() + self._date_conditions()
        # Filters on a faceted field: each facet counts the documents that pass every other
        # filter. The rest of the query (required) holds for every document counted.
        faceted = query.faceted_filters
        self.faceted = list(faceted)
        self.required = all_of([self._mapping(query.shared_filters), self._scope()])
        self.faceted_filters = [self._mapping({name: values}) for name, values in faceted.items()]

    def _resolve(self, index_name: str) -> None:
        """The index's id, and the ids of the fields and keys of the values the query names,
        in one statement; a value the index never held has no key (and matches nothing)."""
        query = self.query
        mappings = [query.filters, *query.scope]
        names = sorted({*query.facets, *(name for m in mappings for name in m)})
        values = sorted({str(v) for m in mappings for vs in m.values() for v in vs})
        sql = "SELECT i.id, f.id, f.name, v.id, v.value FROM search_databaseindex i"
        params: list[Any] = []
        if names:
            sql += (
                " LEFT JOIN search_indexedfield f ON f.index_id = i.id"
                f" AND f.name IN ({', '.join(['%s'] * len(names))})"
            )
            params += names
        else:
            sql += " LEFT JOIN search_indexedfield f ON 1 = 0"
        if values:
            sql += (
                " LEFT JOIN search_indexedvalue v ON v.field_id = f.id"
                f" AND v.value IN ({', '.join(['%s'] * len(values))})"
            )
            params += values
        else:
            sql += " LEFT JOIN search_indexedvalue v ON 1 = 0"
        sql += " WHERE i.name = %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, index_name])
            rows = cursor.fetchall()
        # An index nothing was written to yet has no id: it matches nothing.
        self.index_id = rows[0][0] if rows else 0
        self.field_ids: dict[str, int] = {}
        self.value_keys: dict[tuple[str, str], int] = {}
        for _index_id, field_id, name, value_id, value in rows:
            if field_id is not None:
                self.field_ids[name] = field_id
            if value_id is not None:
                self.value_keys[name, value] = keyword_key(field_id, value_id)

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

    def _mapping(self, mapping: Mapping[str, Sequence[str]]) -> Condition:
        """Every field of ``mapping`` holds one of its values."""
        return all_of(
            keys_of(
                key
                for value in values
                if (key := self.value_keys.get((name, str(value)))) is not None
            )
            for name, values in sorted(mapping.items())
        )

    def _scope(self) -> Condition:
        if not self.query.scope:
            return EVERYTHING
        return any_of(self._mapping(m) for m in self.query.scope)

    def _sql(self, condition: Condition) -> Sql:
        """``condition`` as a test on the row of d."""
        if condition == EVERYTHING:
            return Sql("1 = 1")
        if condition == NOTHING_MATCHES:
            return NOTHING
        if isinstance(condition, Keys):
            return self.dialect.holds(condition.keys)
        operator = " AND " if isinstance(condition, AllOf) else " OR "
        return Sql.join([self._sql(part) for part in condition.parts], operator)

    def _where(self, keywords: Condition) -> Sql:
        parts = [self.index_sql, *self.conditions]
        if keywords != EVERYTHING:
            found = None
            if not self.ranked and keywords != NOTHING_MATCHES:
                found = self.dialect.find(keywords)
            parts.append(found or self._sql(keywords))
        return Sql.join(parts, " AND ")

    def matching(self) -> Sql:
        """The documents that match the whole query: id, doc_id, date, sort_value, score 0."""
        where = self._where(all_of([self.required, *self.faceted_filters]))
        return Sql(
            "SELECT d.id, d.doc_id, d.date, d.sort_value, "  # noqa: S608 (see Sql)
            "CAST(0.0 AS DOUBLE PRECISION) AS score "
            f"FROM search_indexeddocument d {self.join} WHERE {where.sql}",
            where.params,
        )

    def candidates(self, *, scored: bool, keywords: bool) -> Sql:
        """The documents counted by the total or a facet: those that match the whole query,
        and those that fail one filter on a faceted field (its facet counts them).

        ``fails``: how many of those filters a document fails (0: it matches), ``failed``:
        the field id of the one it fails. ``keywords`` only if facets are counted.
        """
        score = self._score() if scored else Sql("0.0")
        fails, failed = Sql("0"), Sql("0")
        if self.faceted:
            tests = [self._sql(f) for f in self.faceted_filters]
            fails = Sql.join(
                [Sql(f"CASE WHEN {t.sql} THEN 0 ELSE 1 END", t.params) for t in tests], " + "
            )
            failed = Sql.join(
                [
                    Sql(
                        f"CASE WHEN {t.sql} THEN 0 ELSE %s END",
                        (*t.params, self.field_ids.get(name, 0)),
                    )
                    for name, t in zip(self.faceted, tests, strict=True)
                ],
                " + ",
            )
        where = self._where(all_of([self.required, all_but_one(self.faceted_filters)]))
        columns = "id, doc_id, date, sort_value, score, fails, failed"
        sql = (
            "SELECT d.id, d.doc_id, d.date, d.sort_value, d.keywords, "  # noqa: S608 (see Sql)
            f"CAST({score.sql} AS DOUBLE PRECISION) AS score, "
            f"{fails.sql} AS fails, {failed.sql} AS failed "
            f"FROM search_indexeddocument d {self.join} WHERE {where.sql}"
        )
        if keywords:
            columns += f", {self.dialect.countable()} AS keywords"
        return Sql(
            f"SELECT {columns} FROM ({sql}) x",  # noqa: S608 (see Sql)
            score.params + fails.params + failed.params + where.params,
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
        """Total, page and facet counts in one statement, so the text is matched once.

        The candidates (c) are materialised once, then counted, paged and their keys counted
        for the facets; the parts come back as rows of one UNION ALL:
        (part, text, key, number, score, position).
        """
        facet_ids = {
            self.field_ids[name]: name for name in self.query.facets if name in self.field_ids
        }
        scored = self.query.sort == "relevance" and self.ranked
        totals = self._totals_over_most(sorted(facet_ids)) if facet_ids else None
        candidates = self.candidates(scored=scored, keywords=bool(facet_ids) and totals is None)
        order = self._order()
        parts = [
            # Typed: PostgreSQL types a column of the UNION by its first two parts.
            Sql(
                "SELECT 0, NULL, CAST(NULL AS BIGINT), COUNT(*), NULL, NULL FROM c WHERE fails = 0"
            ),
            Sql(
                "SELECT 2, p.doc_id, NULL, p.id, p.score, "  # noqa: S608 (see Sql)
                f"ROW_NUMBER() OVER (ORDER BY {order}) FROM "
                f"(SELECT * FROM c WHERE fails = 0 ORDER BY {order} LIMIT %s OFFSET %s) p",
                (self.query.per_page, self.query.offset),
            ),
        ]
        ctes = [Sql(f"c AS MATERIALIZED ({candidates.sql})", candidates.params)]
        if facet_ids:
            counts_ctes, counts_part = self._facet_counts(sorted(facet_ids), totals=totals)
            ctes += counts_ctes
            parts.append(counts_part)
        sql = "WITH " + ", ".join(cte.sql for cte in ctes) + " "
        sql += " UNION ALL ".join(part.sql for part in parts)
        params = [p for fragment in (*ctes, *parts) for p in fragment.params]
        total = 0
        page: list[tuple[int, int, str, float]] = []
        counts: dict[str, list[tuple[str, int]]] = {name: [] for name in self.query.facets}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for part, text, key, number, score, position in cursor.fetchall():
                if part == 0:
                    total = int(number)
                elif part == 1:
                    counts[facet_ids[int(key) >> KEY_SHIFT]].append((text, int(number)))
                else:
                    page.append((int(position), int(number), text, float(score or 0.0)))
        return total, [row[1:] for row in sorted(page)], counts

    def _totals_over_most(self, field_ids: Sequence[int]) -> Sql | None:
        """The keys' totals (Dialect.key_totals) when the matches are most of the index: then
        a facet counts what the other documents hold instead, which reads fewer keys.

        Only a query of keywords alone qualifies (a public search before any word: the
        published comments), where the keys' index counts the matches at once.
        """
        if self.faceted or self.conditions or self.required == NOTHING_MATCHES:
            return None
        totals = self.dialect.key_totals(field_ids)
        if totals is None or self.required == EVERYTHING:
            return totals
        found = self.dialect.count_found(self.required)
        if found is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT ({found.sql}) * 2 > (SELECT COUNT(*) "  # noqa: S608 (see Sql)
                "FROM search_indexeddocument WHERE index_id = %s)",
                (*found.params, self.index_id),
            )
            return totals if cursor.fetchone()[0] else None

    def _facet_counts(
        self, field_ids: Sequence[int], *, totals: Sql | None
    ) -> tuple[list[Sql], Sql]:
        """The (value, key, count) rows of the facets of ``field_ids``, and the CTEs they
        read: a key of a candidate counts if the candidate matches, or fails only the filter
        on the key's own field. With ``totals`` (the matches are most of the index): each
        key's documents in the index less those of the documents that do not match."""
        placeholders = ", ".join(["%s"] * len(field_ids))
        ctes: list[Sql] = []

        def counted(source: str) -> Sql:
            return Sql(
                f"SELECT e.k, COUNT(*) AS documents FROM ({self.dialect.keys(source)}) e "  # noqa: S608
                f"WHERE (e.k >> {KEY_SHIFT}) IN ({placeholders}) GROUP BY e.k",
                tuple(field_ids),
            )

        if totals is not None:
            others = counted("r")
            ctes = [
                Sql(
                    "r AS (SELECT d.keywords, 0 AS fails, 0 AS failed "
                    "FROM search_indexeddocument d "
                    "WHERE d.index_id = %s AND d.id NOT IN (SELECT id FROM c))",
                    (self.index_id,),
                ),
                Sql(f"o AS MATERIALIZED ({others.sql})", others.params),
                Sql(f"t AS MATERIALIZED ({totals.sql})", totals.params),
            ]
            counts = Sql(
                "SELECT t.k, t.documents - COALESCE(o.documents, 0) AS documents "
                "FROM t LEFT JOIN o ON o.k = t.k"
            )
        else:
            counts = counted("c")
        part = Sql(
            "SELECT 1, v.value, n.k, n.documents, NULL, NULL "  # noqa: S608 (see Sql)
            f"FROM ({counts.sql}) n "
            f"JOIN search_indexedvalue v ON v.id = (n.k & {(1 << KEY_SHIFT) - 1}) "
            "WHERE n.documents > 0",
            counts.params,
        )
        return ctes, part

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
