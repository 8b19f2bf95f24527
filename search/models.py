"""What the search app keeps: the indexing outbox and the database engine's tables."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


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


class IndexedKeyword(models.Model):
    """One value of a keyword field of a document (a list field gives one row per value).

    A side table rather than a column, so that on SQLite as on PostgreSQL a filter is an
    index lookup on (index, field, value) and a facet is one GROUP BY over the keywords of the
    matching documents, read from the primary key index.
    """

    pk = models.CompositePrimaryKey("document", "field", "value")
    document = models.ForeignKey(
        IndexedDocument, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    index = models.ForeignKey(
        DatabaseIndex, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    field = models.CharField(max_length=100)
    value = models.TextField()

    class Meta:
        indexes = [
            models.Index(
                fields=["index", "field", "value", "document"], name="search_keyword_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}={self.value}"
