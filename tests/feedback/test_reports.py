# mypy: disable-error-code="union-attr, attr-defined, arg-type"
# (optional fields the test has just filled, and the test client's streaming_content)
"""Synthesis report runs: who may ask for one, one run at a time, killed and failing runs, the
staff-only document, publication on the draft's page, and the admin views' bad input."""

import datetime
import importlib
import re
import threading
import time
from html import escape
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageLogEntry

from drafts.models import DraftPage
from feedback import report_pdf
from feedback.errors import FeedbackRefused
from feedback.models import ReportStatus, SynthesisReport
from feedback.services import reports
from feedback.services.reports import report_publish, report_request, report_run
from tests.conftest import require_service_url
from tests.factories import UserFactory
from tests.feedback.conftest import (
    ROLES,
    client_for,
    comment_create,
    outcome,
    respondent_create,
)

pytestmark = pytest.mark.django_db

Document = get_document_model()


@pytest.fixture
def version(open_draft):
    return open_draft.versions.get(number=1)


@pytest.fixture
def users(open_draft, drafter, other_drafter, moderator):
    """One user per role; the author has a published comment on the draft."""
    author = respondent_create(email="tac.gia.bao.cao@example.com", full_name="Phạm Tác Giả")
    comment_create(open_draft, author, body="Đề nghị quy định rõ thời hạn công bố dữ liệu mở.")
    editor = UserFactory.create(email="editor.report@example.com")
    editor.groups.add(Group.objects.get(name="Portal editors"))
    return {
        "anonymous": AnonymousUser(),
        "citizen": respondent_create(email="citizen.report@example.com"),
        "author": author,
        "drafter": drafter,
        "other_drafter": other_drafter,
        "editor": editor,
        "moderator": moderator,
    }


def shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


def run_queued(report: SynthesisReport) -> SynthesisReport:
    """What the worker does with the queued run."""
    done = report_run(report_id=report.pk)
    assert done is not None
    return done


def done_report(version, user, *, appendix: bool = False) -> SynthesisReport:
    return run_queued(report_request(version=version, user=user, appendix=appendix))


def in_report_language(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


# --- who may ask, and who may publish ---------------------------------------------------------


ALLOWED_TO_REQUEST = {"drafter", "moderator"}
ALLOWED_TO_PUBLISH = {"drafter"}  # the drafting body files its report, not the moderators


@pytest.mark.parametrize("role", ROLES)
def test_only_the_bodys_drafters_and_moderators_ask_for_a_report(users, version, role):
    if role in ALLOWED_TO_REQUEST:
        report = report_request(version=version, user=users[role], appendix=False)
        assert report.status == ReportStatus.QUEUED
        assert report.requested_by == users[role]
        return
    with pytest.raises(FeedbackRefused) as refused:
        report_request(version=version, user=users[role], appendix=False)
    assert refused.value.status == 403
    assert not SynthesisReport.objects.exists()


def test_a_superuser_asks_for_any_drafts_report(version):
    admin = UserFactory.create(email="root.report@example.com", is_superuser=True)
    assert report_request(version=version, user=admin, appendix=True).appendix is True


@pytest.mark.parametrize("role", ROLES)
def test_only_the_bodys_drafters_publish_a_report(users, version, role):
    report = done_report(version, users["drafter"])
    if role in ALLOWED_TO_PUBLISH:
        report_publish(report=report, user=users[role])
        assert DraftPage.objects.get(pk=version.draft_id).synthesis_report_id == report.document_id
        return
    with pytest.raises(FeedbackRefused) as refused:
        report_publish(report=report, user=users[role])
    assert refused.value.status == 403
    assert DraftPage.objects.get(pk=version.draft_id).synthesis_report_id is None
    assert SynthesisReport.objects.get(pk=report.pk).published_at is None


#            anonymous citizen author  drafter other_drafter editor  moderator
VIEWS = {
    "reports index": (
        lambda v, r: reverse("feedback_reports"),
        ["login", "login", "login", "ok", "ok", "denied", "ok"],
    ),
    "draft's reports": (
        lambda v, r: reverse("feedback_report_list", args=[v.draft_id]),
        ["login", "login", "login", "ok", "missing", "denied", "ok"],
    ),
    "run's status": (
        lambda v, r: reverse("feedback_report_status", args=[r.pk]),
        ["login", "login", "login", "ok", "missing", "missing", "ok"],
    ),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_report_pages(users, version, view, role):
    report = report_request(version=version, user=users["drafter"], appendix=False)
    url, expected = VIEWS[view]
    response = client_for(users[role]).get(url(version, report))
    assert outcome(response) == expected[ROLES.index(role)]


def test_another_bodys_drafter_does_not_see_this_draft_in_the_index(users, version):
    response = client_for(users["other_drafter"]).get(reverse("feedback_reports"))
    assert version.draft.title not in response.content.decode()
    response = client_for(users["drafter"]).get(reverse("feedback_reports"))
    assert version.draft.title in response.content.decode()


# --- one run at a time ------------------------------------------------------------------------


def test_a_second_request_while_one_is_queued_is_refused_with_a_clear_message(
    drafter, moderator, version, english
):
    first = report_request(version=version, user=drafter, appendix=False)
    with pytest.raises(FeedbackRefused) as refused:
        report_request(version=version, user=moderator, appendix=True)
    assert refused.value.status == 409
    assert "already being generated" in refused.value.message
    assert list(SynthesisReport.objects.values_list("pk", flat=True)) == [first.pk]

    run_queued(first)
    second = report_request(version=version, user=moderator, appendix=True)
    assert second.status == ReportStatus.QUEUED  # the first is done: a new run may start


def test_the_database_refuses_two_active_runs_of_a_version(drafter, version):
    report_request(version=version, user=drafter, appendix=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        SynthesisReport.objects.create(
            draft=version.draft, version=version, status=ReportStatus.RUNNING
        )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_make_one_run(drafter, moderator, version):
    """Both requests pass their checks at once; PostgreSQL's constraint lets one insert win."""
    require_service_url("DATABASE_URL", "PostgreSQL")
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ask(user) -> None:
        try:
            barrier.wait(timeout=10)
            report_request(version=version, user=user, appendix=False)
            outcomes.append("queued")
        except FeedbackRefused as refusal:
            outcomes.append(str(refusal.status))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=ask, args=(user,)) for user in (drafter, moderator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["409", "queued"]
    # The test settings' immediate task backend ran the winner after its commit.
    assert SynthesisReport.objects.count() == 1
    assert SynthesisReport.objects.get().status == ReportStatus.DONE


def test_a_run_is_claimed_once(drafter, version):
    report = done_report(version, drafter)
    assert report_run(report_id=report.pk) is None  # the task delivered twice
    assert Document.objects.count() == 1


# --- killed and failing runs ------------------------------------------------------------------


def test_a_run_whose_worker_died_is_marked_failed_and_a_new_one_starts(drafter, version):
    stale = report_request(version=version, user=drafter, appendix=False)
    silent_since = timezone.now() - reports.STALE_AFTER - datetime.timedelta(seconds=1)
    SynthesisReport.objects.filter(pk=stale.pk).update(
        status=ReportStatus.RUNNING, started_at=silent_since, heartbeat_at=silent_since
    )

    fresh = report_request(version=version, user=drafter, appendix=False)

    stale.refresh_from_db()
    assert stale.status == ReportStatus.FAILED
    assert stale.finished_at is not None
    assert stale.error.startswith("Bị gián đoạn: ")  # stored in the report's language
    assert fresh.status == ReportStatus.QUEUED
    assert report_run(report_id=stale.pk) is None  # a late worker does not revive it


def test_a_run_with_a_recent_heartbeat_still_blocks(drafter, version):
    running = report_request(version=version, user=drafter, appendix=False)
    recently = timezone.now() - reports.STALE_AFTER + datetime.timedelta(seconds=30)
    SynthesisReport.objects.filter(pk=running.pk).update(
        status=ReportStatus.RUNNING, heartbeat_at=recently
    )
    with pytest.raises(FeedbackRefused):
        report_request(version=version, user=drafter, appendix=False)
    assert SynthesisReport.objects.get(pk=running.pk).status == ReportStatus.RUNNING


def test_a_run_no_worker_took_stops_blocking(drafter, version):
    lost = report_request(version=version, user=drafter, appendix=False)
    SynthesisReport.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - reports.QUEUED_STALE_AFTER - datetime.timedelta(minutes=1)
    )
    report_request(version=version, user=drafter, appendix=False)
    assert SynthesisReport.objects.get(pk=lost.pk).status == ReportStatus.FAILED


def test_a_failing_renderer_fails_the_run_and_stores_nothing(drafter, version, monkeypatch):
    def broken(**kwargs):
        kwargs["progress"](40, "Đang tổng hợp")
        raise RuntimeError("boom")

    monkeypatch.setattr(report_pdf, "synthesis_report_pdf", broken)
    report = report_run(report_id=report_request(version=version, user=drafter, appendix=False).pk)

    assert report is not None and report.status == ReportStatus.FAILED
    assert report.error == in_report_language(
        "The report could not be generated because of an error, which has been recorded "
        "for the site's administrators. Nothing was stored; try again later."
    )
    assert "boom" not in report.error  # the drafter gets a message, not a traceback
    assert report.document is None and not Document.objects.exists()


def test_storage_that_fails_leaves_no_document(drafter, version, settings, tmp_path):
    """The PDF is made; writing it fails (here its folder is a file): failed, nothing kept."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "documents").write_bytes(b"")
    report = done_report(version, drafter)
    assert report.status == ReportStatus.FAILED
    assert not Document.objects.exists()


def test_a_file_written_for_a_run_that_cannot_be_stored_is_deleted(
    drafter, version, settings, tmp_path, monkeypatch
):
    """The run's row went away while it rendered (its version was deleted): the PDF was
    written to storage, the transaction that records it fails, the file goes too."""
    settings.MEDIA_ROOT = tmp_path / "media"
    real = reports._render

    def meanwhile_deleted(**kwargs):
        pdf = real(**kwargs)
        SynthesisReport.objects.all().delete()
        return pdf

    monkeypatch.setattr(reports, "_render", meanwhile_deleted)
    assert (
        report_run(report_id=report_request(version=version, user=drafter, appendix=False).pk)
        is None
    )
    assert not Document.objects.exists()
    assert list((settings.MEDIA_ROOT / "documents").iterdir()) == []


def test_a_run_marked_failed_while_it_rendered_keeps_nothing(drafter, version, monkeypatch):
    real = reports._render

    def slow(**kwargs):
        pdf = real(**kwargs)
        reports.reports_fail_stale(
            version=version, now=timezone.now() + reports.STALE_AFTER * 2
        )  # meanwhile, a new request found this run silent for too long
        return pdf

    monkeypatch.setattr(reports, "_render", slow)
    report = done_report(version, drafter)
    assert report.status == ReportStatus.FAILED
    assert not Document.objects.exists()


def _running(version) -> SynthesisReport:
    return SynthesisReport.objects.create(
        draft=version.draft,
        version=version,
        status=ReportStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


@pytest.mark.django_db(transaction=True)
def test_the_renderers_progress_is_saved_while_it_runs(version, monkeypatch):
    monkeypatch.setattr(reports, "PROGRESS_EVERY", 0.01)
    report = _running(version)
    with reports._RunMonitor(report.pk) as monitor:
        monitor.progress(42, "Đang vẽ biểu đồ")
        deadline = time.monotonic() + 10
        while SynthesisReport.objects.get(pk=report.pk).progress != 42:
            assert time.monotonic() < deadline, "the progress was not saved"
            time.sleep(0.02)
        monitor.progress(180, "Đang viết tệp PDF")  # out of range: kept within 0-100
    report.refresh_from_db()
    assert (report.progress, report.step) == (100, "Đang viết tệp PDF")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_progress_is_saved_from_inside_the_renderers_read_only_snapshot(version, monkeypatch):
    """report_data reads in one read-only transaction on PostgreSQL: the progress it reports
    meanwhile is written on another connection, and seen before that transaction ends."""
    require_service_url("DATABASE_URL", "PostgreSQL")
    monkeypatch.setattr(reports, "PROGRESS_EVERY", 0.01)
    report = _running(version)
    seen: list[int] = []

    def read_elsewhere() -> None:
        seen.append(SynthesisReport.objects.get(pk=report.pk).progress)
        connection.close()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        SynthesisReport.objects.count()  # the snapshot is taken
        with reports._RunMonitor(report.pk) as monitor:
            monitor.progress(37, "Đang tổng hợp ý kiến")
        reader = threading.Thread(target=read_elsewhere)
        reader.start()
        reader.join()
    assert seen == [37]


# --- the document -----------------------------------------------------------------------------


def test_a_done_run_is_a_new_staff_only_document(drafter, version):
    first = done_report(version, drafter)
    second = done_report(version, drafter, appendix=True)

    assert first.document_id != second.document_id  # each run its own document
    document = first.document
    with Path(document.file.path).open("rb") as file:
        assert file.read(5) == b"%PDF-"
    assert document.file_size == Path(document.file.path).stat().st_size
    assert document.title.startswith("Bản tổng hợp, tiếp thu, giải trình ý kiến – ")
    # ASCII, named for the document, and not guessable: a random part of 16 hex digits.
    name = Path(document.file.name).name
    slug = version.draft.slug[:32].strip("-")
    assert re.fullmatch(
        rf"ban-tong-hop-y-kien-{re.escape(slug)}-du-thao-1-[0-9a-f]{{16}}\.pdf", name
    )
    assert Path(second.document.file.name).name != name
    assert version.draft.title in document.title
    collection = document.collection
    assert collection.name == version.draft.drafting_body.name
    assert collection.get_parent().name == reports.UNPUBLISHED_COLLECTION
    restriction = collection.view_restrictions.get()
    assert restriction.restriction_type == CollectionViewRestriction.GROUPS
    assert set(restriction.groups.values_list("name", flat=True)) == {
        version.draft.drafting_body.drafters.name,
        "Feedback moderators",
    }
    # Created once, whatever the number of runs.
    assert Collection.objects.filter(name=reports.UNPUBLISHED_COLLECTION).count() == 1


def test_collections_named_before_are_renamed_with_their_documents_and_restrictions(
    drafter, version
):
    from django.apps import apps

    rename = importlib.import_module("feedback.migrations.0005_report_collections_renamed")
    root = Collection.get_first_root_node()
    public = root.add_child(instance=Collection(name="Báo cáo tổng hợp"))
    unpublished = root.add_child(instance=Collection(name="Báo cáo tổng hợp chưa công bố"))
    CollectionViewRestriction.objects.create(
        collection=unpublished, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = get_document_model().objects.create(title="Một bản đã công bố", collection=public)

    rename.forwards(apps, None)

    assert reports.public_collection_ensure().pk == public.pk
    document.refresh_from_db()
    assert document.collection.name == reports.PUBLIC_COLLECTION
    unpublished.refresh_from_db()
    assert unpublished.name == reports.UNPUBLISHED_COLLECTION
    assert unpublished.view_restrictions.get().restriction_type == "login"
    # Not a second set beside them.
    assert Collection.objects.filter(name=reports.PUBLIC_COLLECTION).count() == 1
    assert not Collection.objects.filter(name__startswith="Báo cáo").exists()

    rename.backwards(apps, None)
    public.refresh_from_db()
    assert public.name == "Báo cáo tổng hợp"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("citizen", "login"),
        ("other_drafter", "login"),
        ("editor", "login"),
        ("drafter", "ok"),
        ("moderator", "ok"),
    ],
)
def test_an_unpublished_report_is_downloaded_only_by_staff_of_its_body(
    users, version, role, expected
):
    report = done_report(version, users["drafter"])
    response = client_for(users[role]).get(report.document.url)
    assert outcome(response) == expected
    if expected == "ok":
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- publication ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.FAILED])
def test_only_a_done_report_is_published(drafter, version, status, english):
    report = report_request(version=version, user=drafter, appendix=False)
    SynthesisReport.objects.filter(pk=report.pk).update(status=status)
    with pytest.raises(FeedbackRefused) as refused:
        report_publish(report=report, user=drafter)
    assert "generated successfully" in refused.value.message
    assert DraftPage.objects.get(pk=version.draft_id).synthesis_report_id is None


def test_a_published_report_is_on_the_draft_page_for_anyone_to_download(
    drafter, version, open_draft
):
    report = done_report(version, drafter)
    published = report_publish(report=report, user=drafter)

    assert published.published_by == drafter and published.published_at is not None
    document = Document.objects.get(pk=report.document_id)
    assert document.collection.name == reports.PUBLIC_COLLECTION
    assert not document.collection.get_view_restrictions().exists()
    log = PageLogEntry.objects.get(page=open_draft, action=reports.ACTION_PUBLISH)
    assert log.user == drafter and log.data["report"] == report.pk

    citizen = Client()
    page = citizen.get(open_draft.url).content.decode()
    assert "data-synthesis-report" in page
    assert f'href="{document.url}"' in page
    download = citizen.get(document.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_pages_history_says_who_published_the_report(drafter, version, open_draft, english):
    report = report_publish(report=done_report(version, drafter), user=drafter)
    admin = UserFactory.create(email="root.history@example.com", is_superuser=True)
    response = client_for(admin, in_english=True).get(
        reverse("wagtailadmin_pages:history", args=[open_draft.pk])
    )
    assert response.status_code == 200
    assert shows(response, f"Published the synthesis report “{report.document.title}”")


def test_the_draft_page_says_nothing_of_an_unpublished_report(drafter, version, open_draft):
    report = done_report(version, drafter)
    page = Client().get(open_draft.url).content.decode()
    assert "data-synthesis-report" not in page
    assert report.document.url not in page


def test_publishing_twice_is_refused_and_a_newer_report_replaces_the_older(drafter, version):
    first = report_publish(report=done_report(version, drafter), user=drafter)
    with pytest.raises(FeedbackRefused):
        report_publish(report=first, user=drafter)
    second = report_publish(report=done_report(version, drafter), user=drafter)
    assert DraftPage.objects.get(pk=version.draft_id).synthesis_report_id == second.document_id
    # What was published stays public: it is part of the public record.
    assert Document.objects.get(pk=first.document_id).collection.name == reports.PUBLIC_COLLECTION


def test_an_editors_later_publication_keeps_the_report_on_the_page(drafter, version, open_draft):
    """The editor had a draft revision pending; publishing it must not drop the report, and
    publishing the report must not publish the editor's unfinished changes."""
    page = DraftPage.objects.get(pk=open_draft.pk)
    live_title = page.title
    page.title = "Tiêu đề đang sửa"
    page.save_revision()

    report = report_publish(report=done_report(version, drafter), user=drafter)
    live = DraftPage.objects.get(pk=open_draft.pk)
    assert live.title == live_title  # the editor's change is still unpublished
    assert live.synthesis_report_id == report.document_id

    live.get_latest_revision().publish()
    after = DraftPage.objects.get(pk=open_draft.pk)
    assert after.title == "Tiêu đề đang sửa"
    assert after.synthesis_report_id == report.document_id


# --- the admin views --------------------------------------------------------------------------


def _request_url(version) -> str:
    return reverse("feedback_report_request", args=[version.draft_id])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the version the report is about."),
        ({"version": "abc"}, "Choose one of this draft's published versions."),
        ({"version": "999999"}, "Choose one of this draft's published versions."),
    ],
)
def test_bad_request_data_gets_a_clear_message_and_changes_nothing(
    drafter, version, data, message, english
):
    response = client_for(drafter, in_english=True).post(_request_url(version), data)
    assert response.status_code == 400
    assert shows(response, message)
    assert not SynthesisReport.objects.exists()


def test_a_version_of_another_draft_is_refused(drafter, version, draft_index, english):
    from tests.drafts.conftest import parsed_document, published_draft

    other = published_draft(index=draft_index, parsed=parsed_document(), slug="du-thao-khac")
    other_version = other.versions.get()
    response = client_for(drafter, in_english=True).post(
        _request_url(version), {"version": other_version.pk}
    )
    assert response.status_code == 400
    assert shows(response, "Choose one of this draft's published versions.")
    assert not SynthesisReport.objects.exists()


def test_an_unpublished_version_is_not_offered_nor_accepted(drafter, version, english):
    from drafts.services import draft_version_create
    from tests.drafts.conftest import parsed_document

    unpublished = draft_version_create(draft=version.draft, parsed=parsed_document())
    client = client_for(drafter)
    page = client.get(reverse("feedback_report_list", args=[version.draft_id])).content.decode()
    assert f'value="{unpublished.pk}"' not in page
    response = client.post(_request_url(version), {"version": unpublished.pk})
    assert response.status_code == 400
    with pytest.raises(FeedbackRefused):
        report_request(version=unpublished, user=drafter, appendix=False)
    assert not SynthesisReport.objects.exists()


def test_an_appendix_of_more_comments_than_it_may_list_is_refused_clearly(
    users, version, monkeypatch, english
):
    """The one published comment of `users` is over a limit of none: the drafter is told to
    generate the report without the appendix, and where every comment is instead."""
    monkeypatch.setattr(reports, "APPENDIX_MAX_COMMENTS", 0)
    message = (
        "The appendix lists at most 0 comments and this version has 1: generate the report "
        "without it. Every published comment is in the draft's open data (CSV, XLSX, JSON)."
    )

    with pytest.raises(FeedbackRefused) as refused:
        report_request(version=version, user=users["drafter"], appendix=True)
    response = client_for(users["drafter"], in_english=True).post(
        _request_url(version), {"version": version.pk, "appendix": "on"}
    )

    assert refused.value.message == message
    assert response.status_code == 400
    assert shows(response, message)
    assert not SynthesisReport.objects.exists()
    report_request(version=version, user=users["drafter"], appendix=False)
    assert SynthesisReport.objects.get().appendix is False


def test_a_request_while_one_runs_shows_why_on_the_page(drafter, version, english):
    report_request(version=version, user=drafter, appendix=False)
    response = client_for(drafter, in_english=True).post(
        _request_url(version), {"version": version.pk}
    )
    assert response.status_code == 409
    assert "already being generated" in response.content.decode()
    assert SynthesisReport.objects.count() == 1


def test_a_drafter_requests_follows_and_publishes_from_the_admin(
    drafter, version, django_capture_on_commit_callbacks, english
):
    client = client_for(drafter, in_english=True)
    list_url = reverse("feedback_report_list", args=[version.draft_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_request_url(version), {"version": version.pk, "appendix": "on"})
    assert response.status_code == 302 and response["Location"] == list_url
    report = SynthesisReport.objects.get()
    assert report.appendix is True
    assert report.status == ReportStatus.DONE  # the immediate backend ran the task

    status = client.get(reverse("feedback_report_status", args=[report.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "Ready",
        "progress": 100,
        "step": report.step,
        "finished": True,
    }
    page = client.get(list_url).content.decode()
    assert report.document.url in page
    assert reverse("feedback_report_publish", args=[report.pk]) in page

    response = client.post(reverse("feedback_report_publish", args=[report.pk]))
    assert response.status_code == 302
    assert DraftPage.objects.get(pk=version.draft_id).synthesis_report_id == report.document_id
    page = client.get(list_url).content.decode()
    assert "data-report-published" in page
    assert reverse("feedback_report_publish", args=[report.pk]) not in page


def test_a_running_report_shows_its_progress_and_a_refresh_link(drafter, version):
    report = report_request(version=version, user=drafter, appendix=False)
    SynthesisReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        progress=42,
        step="Đang vẽ biểu đồ",
        heartbeat_at=timezone.now(),
    )
    client = client_for(drafter)
    page = client.get(reverse("feedback_report_list", args=[version.draft_id])).content.decode()
    assert '<progress max="100" value="42"' in page
    assert "Đang vẽ biểu đồ" in page
    assert "data-report-refresh" in page and "http-equiv" not in page
    status = client.get(reverse("feedback_report_status", args=[report.pk])).json()
    assert (status["status"], status["progress"], status["finished"]) == ("running", 42, False)


def test_publishing_a_failed_report_from_the_admin_says_why(drafter, version, english):
    report = report_request(version=version, user=drafter, appendix=False)
    SynthesisReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED)
    client = client_for(drafter, in_english=True)
    response = client.post(reverse("feedback_report_publish", args=[report.pk]), follow=True)
    assert shows(response, "Only a report that was generated successfully can be published.")
    assert DraftPage.objects.get(pk=version.draft_id).synthesis_report_id is None


def test_a_moderator_may_not_publish_from_the_admin(drafter, moderator, version):
    report = done_report(version, drafter)
    response = client_for(moderator).post(reverse("feedback_report_publish", args=[report.pk]))
    assert response.status_code == 403
    assert DraftPage.objects.get(pk=version.draft_id).synthesis_report_id is None


def test_the_publish_and_request_forms_need_post(drafter, version):
    report = done_report(version, drafter)
    client = client_for(drafter)
    assert client.get(reverse("feedback_report_publish", args=[report.pk])).status_code == 405
    assert client.get(_request_url(version)).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_long_render_keeps_its_heartbeat_fresh(drafter, version, monkeypatch):
    """WeasyPrint lays out a long appendix without calling back: the run's heartbeat still moves,
    so the run is not taken for a dead one."""
    monkeypatch.setattr(reports, "HEARTBEAT_EVERY", datetime.timedelta(seconds=0.05))
    monkeypatch.setattr(reports, "PROGRESS_EVERY", 0.01)
    real = reports._render
    beats: list[datetime.datetime] = []

    def silent(**kwargs):
        beats.append(SynthesisReport.objects.get().heartbeat_at)
        time.sleep(0.5)  # no progress reported meanwhile
        beats.append(SynthesisReport.objects.get().heartbeat_at)
        return real(**kwargs)

    monkeypatch.setattr(reports, "_render", silent)
    # Autocommit: the immediate task backend runs the task as the request commits.
    report = report_request(version=version, user=drafter, appendix=False)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert beats[1] > beats[0]


def test_a_queue_that_is_down_fails_the_run_at_once(
    drafter, version, settings, django_capture_on_commit_callbacks
):
    """Redis unreachable (nothing listens on its port): the drafter sees a failed run and may
    ask again at once, rather than a run queued for ever."""
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:9/0", "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(version=version, user=drafter, appendix=False)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == in_report_language(
        "Not started: the background task queue is unavailable. Try again in a few minutes."
    )
    assert report_request(version=version, user=drafter, appendix=False).is_active
