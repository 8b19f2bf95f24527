"""Keeping the search indexes in step with the database: the outbox, its drain, rebuild, reconcile.

A write calls ``enqueue`` inside its own transaction: the outbox rows commit with the change,
so a change the server acknowledged is never lost, only indexed later if the engine is down.
After commit a task (``search.tasks.index_pending``) drains the outbox; the periodic
``search_index drain`` retries whatever an outage left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string

from .engines import get_search_engine
from .engines.base import EngineUnavailable, SearchEngine
from .models import IndexingOutbox
from .registry import Document, SearchIndex, all_indexes, get_index

logger = logging.getLogger(__name__)

INDEX_TASK = "search.tasks.index_pending"
DRAIN_BATCH = 500  # outbox rows taken (and locked) at a time
SAMPLE_IDS = 10  # ids a reconcile report lists of each kind


def enqueue(index_name: str, ids: Iterable[object]) -> int:
    """Queue documents of a registered index for (re)indexing; return how many.

    Call it inside the writer's transaction: the rows commit (or roll back) with the change.
    Once it commits, the indexing task is enqueued; if even that fails (the task queue is
    down), the rows wait for the periodic drain. A document whose source is gone is deleted
    from the index when its row is drained, so deletions are enqueued the same way.
    """
    get_index(index_name)  # a misspelt name fails here, in the writer, not in a worker
    object_ids = list(dict.fromkeys(str(i) for i in ids))
    if not object_ids:
        return 0
    IndexingOutbox.objects.bulk_create(
        IndexingOutbox(index=index_name, object_id=object_id) for object_id in object_ids
    )
    # robust: a task queue that is down must not turn a committed write into an error page.
    transaction.on_commit(_enqueue_task, robust=True)
    return len(object_ids)


def _enqueue_task() -> None:
    import_string(INDEX_TASK).enqueue()


@dataclass
class DrainReport:
    """What one drain did. ``unavailable``: it stopped because the engine was down."""

    indexed: int = 0
    deleted: int = 0
    failed: list[str] = field(default_factory=list)  # "index:id" that could not be built/written
    rows: int = 0
    unavailable: bool = False


def drain(
    *, limit: int | None = None, index: str | None = None, engine: SearchEngine | None = None
) -> DrainReport:
    """Index what the outbox holds, oldest first, in batches; return what was done.

    Each batch's rows are locked while their documents are built and written, then deleted
    by id (rows added meanwhile stay). The lock also keeps two drains from writing the same
    document out of order: a later drain waits, and builds from the newer state. When the
    engine is unavailable the batch's rows stay (``attempts`` + 1) and the drain stops. A
    document that cannot be built or written for another reason is logged and its row
    dropped, so one bad document cannot hold up every other; reconcile reports it later.
    """
    engine = engine or get_search_engine()
    report = DrainReport()
    while limit is None or report.rows < limit:
        size = DRAIN_BATCH if limit is None else min(DRAIN_BATCH, limit - report.rows)
        with transaction.atomic():
            rows = IndexingOutbox.objects.select_for_update().order_by("id")
            if index is not None:
                rows = rows.filter(index=index)
            batch = list(rows[:size])
            if not batch:
                break
            report.rows += len(batch)
            if not _drain_batch(batch, engine=engine, report=report):
                IndexingOutbox.objects.filter(pk__in=[row.pk for row in batch]).update(
                    attempts=F("attempts") + 1
                )
                report.unavailable = True
                break
            IndexingOutbox.objects.filter(pk__in=[row.pk for row in batch]).delete()
    return report


def _drain_batch(
    batch: Sequence[IndexingOutbox], *, engine: SearchEngine, report: DrainReport
) -> bool:
    """Write the batch's documents; False when the engine is unavailable."""
    by_index: dict[str, list[str]] = {}
    for row in batch:
        by_index.setdefault(row.index, []).append(row.object_id)
    for name, ids in by_index.items():
        try:
            search_index = get_index(name)
        except ImproperlyConfigured:  # no longer registered: nothing will ever take them
            logger.error("Dropping %d outbox rows of unknown search index %r", len(ids), name)
            report.failed += [f"{name}:{i}" for i in dict.fromkeys(ids)]
            continue
        for chunk in _chunks(list(dict.fromkeys(ids)), search_index.batch_size):
            try:
                _write(search_index, chunk, engine=engine, report=report)
            except EngineUnavailable as exc:
                logger.warning("Search engine unavailable, outbox kept: %s", exc)
                return False
            except Exception:
                logger.exception(
                    "Indexing %d %s documents failed; retrying one by one", len(chunk), name
                )
                for object_id in chunk:
                    try:
                        _write(search_index, [object_id], engine=engine, report=report)
                    except EngineUnavailable as exc:
                        logger.warning("Search engine unavailable, outbox kept: %s", exc)
                        return False
                    except Exception:
                        logger.exception("Cannot index %s document %s; dropped", name, object_id)
                        report.failed.append(f"{name}:{object_id}")
    return True


def _write(
    index: SearchIndex, ids: Sequence[str], *, engine: SearchEngine, report: DrainReport
) -> None:
    documents = list(index.build(ids))
    present = {str(document["id"]) for document in documents}
    gone = [object_id for object_id in ids if object_id not in present]
    engine.index_documents(index, documents)
    engine.delete_documents(index, gone)
    report.indexed += len(documents)
    report.deleted += len(gone)


def _chunks(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def documents(index: SearchIndex) -> Iterator[Document]:
    """Every document the index should hold, built in batches of ``index.batch_size``."""
    ids = index.all_ids()
    while chunk := [str(i) for i in islice(ids, index.batch_size)]:
        yield from index.build(chunk)


@dataclass
class ReconcileReport:
    """Differences between the database and the index; the lists hold the first few ids."""

    index: str
    checked: int = 0
    missing: int = 0
    extra: int = 0
    stale: int = 0
    missing_ids: list[str] = field(default_factory=list)
    extra_ids: list[str] = field(default_factory=list)
    stale_ids: list[str] = field(default_factory=list)
    enqueued: int = 0

    @property
    def in_step(self) -> bool:
        return not (self.missing or self.extra or self.stale)


def reconcile(
    *, index: SearchIndex, repair: bool = False, engine: SearchEngine | None = None
) -> ReconcileReport:
    """Compare the database's stamps with the index's; with ``repair``, enqueue every
    missing, stale and extra document (the drain rebuilds or deletes each)."""
    engine = engine or get_search_engine()
    stored = dict(engine.stored_stamps(index))
    report = ReconcileReport(index=index.name)
    missing: list[str] = []
    stale: list[str] = []
    for object_id, stamp in index.stamps():
        report.checked += 1
        key = str(object_id)
        found = stored.pop(key, None)
        if found is None:
            missing.append(key)
        elif found != stamp:
            stale.append(key)
    extra = list(stored)
    report.missing, report.stale, report.extra = len(missing), len(stale), len(extra)
    report.missing_ids = _first(missing)
    report.stale_ids = _first(stale)
    report.extra_ids = _first(extra)
    if repair and (missing or stale or extra):
        with transaction.atomic():
            report.enqueued = enqueue(index.name, [*missing, *stale, *extra])
    return report


def _first(ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda i: (len(i), i))[:SAMPLE_IDS]


@dataclass
class RebuildReport:
    index: str
    written: int
    reconciled: ReconcileReport


def rebuild(*, index: SearchIndex, engine: SearchEngine | None = None) -> RebuildReport:
    """Build the index anew from the database and switch to it without downtime.

    Changes drained while the new index loads go to the old one, and a document read early
    in the load may change before the switch; a reconcile right after the switch finds those
    documents by their stamps and enqueues them, so nothing stays stale.
    """
    engine = engine or get_search_engine()
    written = engine.rebuild(index, documents(index))
    return RebuildReport(
        index=index.name,
        written=written,
        reconciled=reconcile(index=index, repair=True, engine=engine),
    )


def setup(*, engine: SearchEngine | None = None) -> list[str]:
    """Create every registered index that does not exist yet; return their names."""
    engine = engine or get_search_engine()
    names = []
    for index in all_indexes():
        engine.setup(index)
        names.append(index.name)
    return names
