"""Background tasks of search: draining the indexing outbox after a write commits."""

from django_tasks import task

from . import indexing


@task()
def index_pending() -> int:
    """Index (or delete) what the outbox holds; return how many documents were written.

    Enqueued after each write that changed searchable data (search.indexing.enqueue); when the
    engine is down the rows stay and the periodic ``search_index drain`` retries them.
    """
    report = indexing.drain()
    return report.indexed + report.deleted
