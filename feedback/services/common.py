"""What several feedback writes share: tasks after commit, the cached counts, search indexing."""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils.module_loading import import_string

from search import indexing

from ..documents import FEEDBACK_INDEX


def enqueue_on_commit(task_path: str, *args: object) -> None:
    """Enqueue the task (by dotted path) once the current transaction commits; never inside it.

    Named by path so a write need not import every task module (and their templates and mail).
    """
    transaction.on_commit(lambda: import_string(task_path).enqueue(*args))


def counts_cache_key(version_id: int) -> str:
    return f"feedback-counts:{version_id}"


def feedback_counts_invalidate(*, version_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(counts_cache_key(version_id)))


def feedback_search_enqueue(*, feedback_ids: Iterable[int]) -> None:
    """Have these comments (re)indexed for search: call it inside the write's transaction.

    The outbox row commits with the change and is indexed after commit, or when the search
    engine is back if it is down (search.indexing).
    """
    indexing.enqueue(FEEDBACK_INDEX, feedback_ids)
