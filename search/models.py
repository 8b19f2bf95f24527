"""What the search app keeps in the database: the indexing outbox."""

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
