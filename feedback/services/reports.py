"""Writes on synthesis reports: request a run, run it in a task, publish its document.

A run renders the whole PDF in memory, then stores it as a new Wagtail document and marks the
run done in one transaction: a killed worker or a failing renderer leaves a failed run and no
document, never a half-written file. Unpublished reports live in a collection per drafting body
that only its drafters and the moderators may download; publishing moves the document to the
public "Bản tổng hợp ý kiến" collection and puts it on the draft's page.
"""

import io
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import TracebackType

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.module_loading import import_string
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.log_actions import log
from wagtail.models import Collection, CollectionViewRestriction, ReferenceIndex, Revision
from wagtail.utils.file import hash_filelike

from drafts.models import DraftingBody, DraftPage, DraftVersion

from ..access import can_make_report, can_publish_report
from ..errors import FeedbackRefused
from ..models import ACTIVE_REPORT_STATUSES, ReportStatus, SynthesisReport
from ..selectors_reports import published_comments_count
from .moderation import moderators_group_ensure

logger = logging.getLogger(__name__)

# The report is a Vietnamese document whatever the requester's language: its title, the
# progress steps (the renderer's) and the errors stored on the run are all in Vietnamese.
REPORT_LANGUAGE = "vi"
# A running report's worker saves a heartbeat this often; one silent for STALE_AFTER is dead
# (killed, out of memory, the machine restarted) and no longer blocks a new run.
HEARTBEAT_EVERY = timedelta(seconds=30)
STALE_AFTER = timedelta(minutes=5)
# A queued report no worker took (the queue lost it, no worker is running) stops blocking too;
# if a worker takes it later, it finds it failed and does nothing.
QUEUED_STALE_AFTER = timedelta(minutes=30)
PROGRESS_EVERY = 1.0  # seconds between two saves of a run's progress
TASK_PATH = "feedback.tasks.synthesis_report_run"
# The appendix is laid out in parts (report_pdf.APPENDIX_PART), so its memory is bounded, but its
# time is not: about six comments and 35 ms a page, 20,000 comments make some 3,300 pages and two
# minutes, well within the task queue's 600 s timeout. Above that, every published comment is in
# the draft's open data (CSV, XLSX, JSON) instead.
APPENDIX_MAX_COMMENTS = 20_000
ACTION_PUBLISH = "feedback.synthesis_report_publish"

# Collection names are data looked up by name (not gettext: a new translation would make the
# lookup miss and create them again). Unpublished reports go in one child per drafting body,
# restricted to its drafters and the moderators; the parent asks for a sign-in, so a document
# put there by hand is not public either.
PUBLIC_COLLECTION = "Bản tổng hợp ý kiến"
UNPUBLISHED_COLLECTION = "Bản tổng hợp ý kiến chưa công bố"

Document = get_document_model()


def _in_report_language(message: Callable[[], str]) -> str:
    with translation.override(REPORT_LANGUAGE):
        return message()


# --- request ---------------------------------------------------------------------------------


def reports_fail_stale(*, version: DraftVersion, now: datetime | None = None) -> int:
    """Mark the version's runs whose worker is gone as failed; return how many there were."""
    now = now or timezone.now()
    runs = SynthesisReport.objects.filter(version=version)
    interrupted = _mark_failed(
        runs.filter(status=ReportStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER),
        now=now,
        error=_in_report_language(
            lambda: _(
                "Interrupted: the worker generating the report stopped before it finished "
                "(it was restarted or ran out of memory). Nothing was stored; generate the "
                "report again."
            )
        ),
    )
    never_started = _mark_failed(
        runs.filter(status=ReportStatus.QUEUED, requested_at__lt=now - QUEUED_STALE_AFTER),
        now=now,
        error=_in_report_language(
            lambda: _(
                "Not started: no background worker took the report in time. Generate it "
                "again; if this happens again, tell the site's administrators."
            )
        ),
    )
    if interrupted or never_started:
        logger.warning(
            "Synthesis reports of version %s: %s interrupted, %s never started",
            version.pk,
            interrupted,
            never_started,
        )
    return interrupted + never_started


def report_request(
    *, version: DraftVersion, user: User | AnonymousUser, appendix: bool
) -> SynthesisReport:
    """Queue a run of the synthesis report of `version`; the task starts after commit.

    Preconditions, refused with FeedbackRefused and nothing changed: the user drafts for the
    draft's body or moderates (403); the version is published; no other run of the version is
    queued or running (409), once runs whose worker died are marked failed. Two requests at
    the same moment make one run: the unique constraint refuses the second.
    """
    draft = version.draft
    if not can_make_report(user, draft):
        raise FeedbackRefused(
            _("Only the drafting body of a draft and the moderators generate its report."),
            status=403,
        )
    if not version.is_published:
        raise FeedbackRefused(_("Choose a published version of this draft."))
    if appendix and (refusal := appendix_refusal(version=version)):
        raise FeedbackRefused(refusal)
    with transaction.atomic():
        reports_fail_stale(version=version)
        try:
            with transaction.atomic():
                report = SynthesisReport.objects.create(
                    draft=draft,
                    version=version,
                    appendix=appendix,
                    requested_by=user if user.is_authenticated else None,
                )
        except IntegrityError as error:
            raise FeedbackRefused(
                _(
                    "A report of this version is already being generated: wait until it is "
                    "ready (or has failed) before asking for another one."
                ),
                status=409,
            ) from error
        report_id = report.pk
        transaction.on_commit(lambda: _enqueue(report_id))
    logger.info(
        "Synthesis report %s of version %s requested by user %s", report_id, version.pk, user.pk
    )
    return report


def appendix_refusal(*, version: DraftVersion) -> str | None:
    """Why the report of ``version`` cannot have an appendix (too many comments), or None."""
    count = published_comments_count(version=version)
    if count <= APPENDIX_MAX_COMMENTS:
        return None
    return _(
        "The appendix lists at most %(limit)s comments and this version has %(count)s: "
        "generate the report without it. Every published comment is in the draft's open data "
        "(CSV, XLSX, JSON)."
    ) % {
        "limit": number_format(APPENDIX_MAX_COMMENTS, force_grouping=True),
        "count": number_format(count, force_grouping=True),
    }


def _enqueue(report_id: int) -> None:
    """After commit: queue the run; a queue that refuses it fails the run at once, so the
    drafter can try again instead of waiting for QUEUED_STALE_AFTER."""
    try:
        import_string(TASK_PATH).enqueue(report_id)
    except Exception:
        logger.exception("Synthesis report %s could not be queued", report_id)
        _fail(
            report_id,
            statuses=(ReportStatus.QUEUED,),
            error=_in_report_language(
                lambda: _(
                    "Not started: the background task queue is unavailable. Try again in a "
                    "few minutes."
                )
            ),
        )


def _fail(report_id: int, *, statuses: tuple[str, ...], error: str) -> int:
    runs = SynthesisReport.objects.filter(pk=report_id, status__in=statuses)
    return _mark_failed(runs, now=timezone.now(), error=error)


def _mark_failed(runs: QuerySet[SynthesisReport], *, now: datetime, error: str) -> int:
    """Mark ``runs`` failed with ``error`` (stored as given); how many there were."""
    return runs.update(status=ReportStatus.FAILED, finished_at=now, error=error)


# --- run -------------------------------------------------------------------------------------


class _RunMonitor:
    """Saves a running report's progress and heartbeat from a thread with its own connection.

    The renderer reads the database in one read-only snapshot transaction (report_data, on
    PostgreSQL): a write on its connection would fail, and would not be seen before it commits
    anyway. So the renderer's callback (`progress`) only records the latest step, and this
    thread saves it, at most once per PROGRESS_EVERY, with an update of those fields only (a
    run marked failed meanwhile is not brought back). It also saves a heartbeat at least once
    per HEARTBEAT_EVERY: WeasyPrint lays out a long appendix for minutes without calling back,
    and that run is alive, not stale.
    """

    def __init__(self, report_id: int) -> None:
        self.report_id = report_id
        self.lock = threading.Lock()
        self.latest: tuple[int, str] | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"report-{report_id}", daemon=True)

    def __enter__(self) -> "_RunMonitor":
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stopped.set()
        self.thread.join()

    def progress(self, percent: int, step: str) -> None:
        """The renderer's callback: cheap, it only keeps the latest step for the thread."""
        with self.lock:
            self.latest = (max(0, min(int(percent), 100)), Truncator(step).chars(255))

    def _run(self) -> None:
        try:
            last_saved = time.monotonic()
            while not self.stopped.wait(PROGRESS_EVERY):
                beat_due = time.monotonic() - last_saved >= HEARTBEAT_EVERY.total_seconds()
                if (self.latest is not None or beat_due) and self._save():
                    last_saved = time.monotonic()
            if self.latest is not None:
                self._save()  # the last step, before the run is marked done
        finally:
            connections.close_all()  # this thread's own connections

    def _save(self) -> bool:
        with self.lock:
            latest, self.latest = self.latest, None
        fields: dict[str, object] = {"heartbeat_at": timezone.now()}
        if latest is not None:
            fields.update(progress=latest[0], step=latest[1])
        try:
            SynthesisReport.objects.filter(pk=self.report_id, status=ReportStatus.RUNNING).update(
                **fields
            )
        except DatabaseError:
            # SQLite without WAL refuses a write while the renderer's snapshot is open.
            logger.warning("Progress of synthesis report %s not saved", self.report_id)
            with self.lock:
                if self.latest is None:
                    self.latest = latest
            return False
        return True


def _render(
    *, version: DraftVersion, appendix: bool, progress: Callable[[int, str], None]
) -> bytes:
    from ..report_pdf import synthesis_report_pdf  # WeasyPrint: loaded only by the worker

    return synthesis_report_pdf(version=version, appendix=appendix, progress=progress)


class _Abandoned(Exception):
    """The run was marked failed (stale) while it rendered: its result is thrown away."""


def report_run(*, report_id: int) -> SynthesisReport | None:
    """The task's body: make the report of a queued run and store it; None if not queued
    (or deleted meanwhile).

    The run is claimed by moving it from queued to running (a second delivery of the task, or a
    run already marked failed, does nothing). Any error marks the run failed with a message for
    the drafter, and nothing is stored.
    """
    now = timezone.now()
    claimed = SynthesisReport.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0
    )
    if not claimed:
        logger.info("Synthesis report %s is not queued: nothing to run", report_id)
        return None
    report = SynthesisReport.objects.select_related(
        "version__draft__drafting_body", "requested_by"
    ).get(pk=report_id)
    try:
        with _RunMonitor(report_id) as monitor:
            pdf = _render(
                version=report.version, appendix=report.appendix, progress=monitor.progress
            )
        _store(report=report, pdf=pdf)
    except _Abandoned:
        logger.warning("Synthesis report %s was marked failed while it ran", report_id)
    except Exception as error:
        logger.exception("Synthesis report %s failed", report_id)
        _fail(report_id, statuses=ACTIVE_REPORT_STATUSES, error=_failure_message(error))
    except BaseException:
        # The worker is being stopped (SystemExit, KeyboardInterrupt): say so, then let it stop.
        _fail(
            report_id,
            statuses=ACTIVE_REPORT_STATUSES,
            error=_in_report_language(
                lambda: _("Interrupted: the worker was stopped. Generate the report again.")
            ),
        )
        raise
    return SynthesisReport.objects.filter(pk=report_id).first()  # None: deleted meanwhile


def _failure_message(error: Exception) -> str:
    """A refusal's own message (it is written for the user); a generic one for a bug."""
    if isinstance(error, ValidationError):
        return _in_report_language(lambda: " ".join(error.messages))
    return _in_report_language(
        lambda: _(
            "The report could not be generated because of an error, which has been recorded "
            "for the site's administrators. Nothing was stored; try again later."
        )
    )


def _store(*, report: SynthesisReport, pdf: bytes) -> None:
    """Save the PDF as a new document and mark the run done, in one transaction; a file left
    by a transaction that did not commit is deleted."""
    version = report.version
    draft = version.draft
    document = Document(title=_document_title(version), uploaded_by_user=report.requested_by)
    document.file.save(_file_name(version), ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            locked = SynthesisReport.objects.select_for_update().get(pk=report.pk)
            if locked.status != ReportStatus.RUNNING:
                raise _Abandoned
            document.collection = unpublished_collection_ensure(body=draft.drafting_body)
            document.file_size = len(pdf)
            document.file_hash = hash_filelike(io.BytesIO(pdf))
            document.save()
            locked.status = ReportStatus.DONE
            locked.progress = 100
            locked.document = document
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "progress", "document", "finished_at"])
    except BaseException:
        document.file.delete(save=False)
        raise
    logger.info("Synthesis report %s stored as document %s", report.pk, document.pk)


def _document_title(version: DraftVersion) -> str:
    when = timezone.localtime().strftime("%d/%m/%Y %H:%M")

    def title() -> str:
        return _("Comments synthesis – %(draft)s – %(version)s – %(when)s") % {
            "draft": Truncator(version.draft.title).chars(150),
            "version": version.label,
            "when": when,
        }

    return _in_report_language(title)


def _file_name(version: DraftVersion) -> str:
    """ASCII, and not guessable: a proxy that serves the media folder must not hand out an
    unpublished report to whoever guesses its name (the serve view checks the collection)."""
    slug = version.draft.slug[:32].strip("-")
    return f"ban-tong-hop-y-kien-{slug}-du-thao-{version.number}-{secrets.token_hex(8)}.pdf"


# --- collections -----------------------------------------------------------------------------


@contextmanager
def _collections_locked() -> Iterator[Collection]:
    """The root collection, locked until commit: two runs never create the same collection twice
    (a row lock on PostgreSQL; SQLite serialises writers anyway)."""
    with transaction.atomic():
        root = Collection.get_first_root_node()
        yield Collection.objects.select_for_update().get(pk=root.pk)


def _child_ensure(parent: Collection, name: str) -> Collection:
    child = parent.get_children().filter(name=name).first()
    if child is None:
        child = parent.add_child(instance=Collection(name=name))
    return child


def _restriction_ensure(collection: Collection, kind: str) -> CollectionViewRestriction:
    restriction = collection.view_restrictions.filter(restriction_type=kind).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=kind
        )
    return restriction


def unpublished_collection_ensure(*, body: DraftingBody) -> Collection:
    """The staff-only collection of the body's unpublished reports (created if missing)."""
    with _collections_locked() as root:
        parent = _child_ensure(root, UNPUBLISHED_COLLECTION)
        _restriction_ensure(parent, CollectionViewRestriction.LOGIN)
        collection = _child_ensure(parent, body.name)
        restriction = _restriction_ensure(collection, CollectionViewRestriction.GROUPS)
        restriction.groups.add(body.drafters, moderators_group_ensure())
        return collection


def public_collection_ensure() -> Collection:
    """The collection of published reports: no view restriction, anyone downloads them."""
    with _collections_locked() as root:
        return _child_ensure(root, PUBLIC_COLLECTION)


# --- publish ---------------------------------------------------------------------------------


@transaction.atomic
def report_publish(*, report: SynthesisReport, user: User) -> SynthesisReport:
    """Put a ready report on its draft's public page, its document made public.

    Preconditions, refused with FeedbackRefused and nothing changed: the user drafts for the
    draft's body (403); the run is done and its document still exists; it is not already the
    report on the page. A report published before stays public (the public record keeps what
    was published), the page shows the new one.

    The page's field is set on the live page and written into its live and latest revisions,
    rather than publishing a new revision: publishing would either publish an editor's
    unfinished draft revision with it, or (built from the live page) be undone by the editor's
    next publication of that draft revision. Written into both, it survives either, and the
    editor's pending changes stay unpublished. The page history records who published it.
    """
    report = SynthesisReport.objects.select_for_update().select_related("draft").get(pk=report.pk)
    draft = report.draft
    if not can_publish_report(user, draft):
        raise FeedbackRefused(
            _("Only the drafting body of a draft publishes its synthesis report."), status=403
        )
    if report.status != ReportStatus.DONE or report.document_id is None:
        raise FeedbackRefused(_("Only a report that was generated successfully can be published."))
    page = DraftPage.objects.select_for_update().get(pk=draft.pk)
    if page.synthesis_report_id == report.document_id:
        raise FeedbackRefused(_("This report is already the one published on the draft's page."))
    document: AbstractDocument = Document.objects.get(pk=report.document_id)
    document.collection = public_collection_ensure()
    document.save(update_fields=["collection"])

    DraftPage.objects.filter(pk=page.pk).update(synthesis_report=document)
    page.synthesis_report = document
    for revision in Revision.objects.select_for_update().filter(
        pk__in={page.live_revision_id, page.latest_revision_id} - {None}
    ):
        revision.content["synthesis_report"] = document.pk
        revision.save(update_fields=["content"])
    ReferenceIndex.create_or_update_for_object(page)

    report.published_at = timezone.now()
    report.published_by = user
    report.save(update_fields=["published_at", "published_by"])
    log(
        instance=page,
        action=ACTION_PUBLISH,
        user=user,
        data={"report": report.pk, "document": document.pk, "title": document.title},
    )
    logger.info("Synthesis report %s published on draft %s by user %s", report.pk, page.pk, user.pk)
    return report
