"""What the search app keeps: the indexing outbox and the database engine's tables."""

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class IndexingOutbox(models.Model):
    """A document to (re)index or delete, written in the same transaction as the change.

    A row stays until the engine has taken the document, so a change committed while
    Elasticsearch is down is indexed when it returns (search.indexing.drain).
    """

    index = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["index", "id"], name="search_outbox_index_id")]

    def __str__(self) -> str:
        return f"{self.index}:{self.object_id}"


# The database engine's own tables (search.engines.database). It cannot know the apps' models,
# so it keeps every document it is given, whatever the index, in one generic shape.

# A key: the IndexedField id in the high 32 bits, the IndexedValue id in the low 32.
KEY_SHIFT = 32


def keyword_key(field_id: int, value_id: int) -> int:
    """The integer a (field, value) keyword is stored as: the field in the high bits."""
    return field_id << KEY_SHIFT | value_id


class KeywordKeysField(models.Field):
    """A document's keyword keys, sorted: ``bigint[]`` on PostgreSQL (a GIN index answers
    ``&&``, ``unnest`` lists them); on SQLite, which has no arrays, text such as ``,12,45,``
    (``instr`` finds ``,45,`` in the row, FTS5 indexes the numbers, ``json_each`` lists them)."""

    description = "Keyword keys"

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[int] | None:
        if value is None or isinstance(value, list):
            return value
        return [int(key) for key in value.split(",") if key]

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        if value is None:
            return None
        keys = sorted({int(key) for key in value})
        if connection.vendor == "postgresql":
            return keys
        return "," + "".join(f"{key}," for key in keys)


class DatabaseIndex(models.Model):
    """One index of the database engine, by its prefixed name (``consult-feedback``).

    Documents and keywords refer to it by a small integer, which keeps the keyword rows short.
    """

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class IndexedDocument(models.Model):
    """One document of a database index: what filters and sorts read, in a narrow row.

    Its text lives in IndexedText, so that counting, sorting and faceting tens of thousands of
    documents reads a few pages instead of every document's text.
    """

    # The unique (index, doc_id) constraint serves lookups by index; no separate index needed.
    index = models.ForeignKey(
        DatabaseIndex, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    doc_id = models.CharField(max_length=64)
    stamp = models.CharField(max_length=100, blank=True)
    # Never null (a document without a date gets the epoch), so "newest" is one index scan
    # on both databases instead of a NULLS LAST sort.
    date = models.DateTimeField()
    sort_value = models.BigIntegerField(default=0)
    # The keys of its keyword values (IndexedValue): filters test them in the row, facets
    # count them over the matching rows; migration 0003 indexes them (GIN, FTS5).
    keywords = KeywordKeysField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["index", "doc_id"], name="search_document_unique_id")
        ]
        indexes = [
            models.Index(fields=["index", "date"], name="search_document_date"),
            models.Index(fields=["index", "sort_value"], name="search_document_sort"),
        ]

    def __str__(self) -> str:
        return f"{self.index_id}:{self.doc_id}"


class IndexedText(models.Model):
    """The text and stored fields of an IndexedDocument.

    ``text_a``..``text_d`` hold the words of the text fields, lower-cased and space-separated,
    grouped by weight class (A ranks highest); ``folded_a``..``folded_d`` the same without
    diacritics (search.text.fold). On PostgreSQL two generated tsvector columns are built from
    them (migration 0002), on SQLite an FTS5 table reads them; ``texts`` keeps each text field
    as written, for highlights and themes; ``fields`` the fields a hit carries.
    """

    document = models.OneToOneField(
        IndexedDocument, on_delete=models.DO_NOTHING, primary_key=True, related_name="+"
    )
    fields = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    texts = models.JSONField(default=dict)
    text_a = models.TextField(blank=True)
    text_b = models.TextField(blank=True)
    text_c = models.TextField(blank=True)
    text_d = models.TextField(blank=True)
    folded_a = models.TextField(blank=True)
    folded_b = models.TextField(blank=True)
    folded_c = models.TextField(blank=True)
    folded_d = models.TextField(blank=True)

    def __str__(self) -> str:
        return str(self.document_id)


class IndexedField(models.Model):
    """A keyword field of a database index (``province``): its id is the high half of the
    keys of its values, so that SQL tells a key's field with a shift, without a join."""

    index = models.ForeignKey(
        DatabaseIndex, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["index", "name"], name="search_field_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class IndexedValue(models.Model):
    """A value of a keyword field, as a document carries it; its key is ``field << 32 | id``.

    Values stay when their last document goes: a key never changes meaning, and a facet only
    lists the values the matching documents hold.
    """

    # An int (not the project's bigint) so that it fits in the low half of a key.
    id = models.AutoField(primary_key=True)
    field = models.ForeignKey(
        IndexedField, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    value = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["field", "value"], name="search_value_unique")
        ]

    def __str__(self) -> str:
        return self.value
