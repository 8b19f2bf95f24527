"""The synthesis report in a real browser, every page audited by axe: a drafter asks for it with
the keyboard only, sees it queued, a database worker makes it, the page follows it to the end;
the drafter downloads and publishes it, and a citizen downloads it from the draft's page."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from drafts.models import DraftPage
from feedback.models import ReportStatus, SynthesisReport
from tests.browser.test_drafts import sign_in
from tests.browser.test_feedback import DEMO_SLUG
from tests.feedback.test_report_pdf import flat, pdf_text

DRAFTER = ("drafter@example.com", "demo-drafter-2026")
# What the report's first page says, as pdftotext reads it back (Deliver 1 of issue 6).
REPORT_TITLE = "BẢN TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý"
MAX_TABS = 120  # Wagtail's sidebar comes first; a form past this is not reachable in practice


@pytest.fixture
def database_tasks(live_demo, settings):
    """Tasks queued in the database, as in production without Redis, once the demo is seeded
    (its own tasks ran at once): the test decides when the worker runs."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty."""
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
    )


def tab_to(page: Page, selector: str) -> None:
    """Move the keyboard focus forward with Tab until it is on `selector`."""
    target = page.locator(selector)
    expect(target).to_have_count(1)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_a_drafter_generates_follows_and_publishes_a_report_a_citizen_downloads_it(
    database_tasks, live_demo, page: Page, tmp_path
):
    base = live_demo.url
    draft = DraftPage.objects.get(slug=DEMO_SLUG)
    reports_url = f"/admin/feedback/drafts/{draft.pk}/reports/"
    sign_in(page, base, *DRAFTER, reports_url)
    expect(page).to_have_url(re.compile(re.escape(reports_url)))

    # Ask for it with the keyboard only: the version, the appendix box, then Enter.
    tab_to(page, "#id_version")
    tab_to(page, "#id_appendix")
    page.keyboard.press("Space")
    expect(page.locator("#id_appendix")).to_be_checked()
    tab_to(page, 'form[action$="/reports/new/"] button[type=submit]')
    page.keyboard.press("Enter")

    # Queued: nothing has run it yet, the page says so and shows a progress bar.
    queued = page.locator('tr[data-status="queued"]')
    expect(queued).to_be_visible()
    expect(queued.locator("progress")).to_be_visible()
    expect(queued.locator("[data-report-step]")).to_have_attribute("aria-live", "polite")
    expect(page.locator("a[data-report-refresh]")).to_be_visible()
    report = SynthesisReport.objects.get(draft=draft)
    assert report.status == ReportStatus.QUEUED and report.appendix

    # The worker makes it; the page's script notices and reloads by itself.
    run_worker()
    done = page.locator('tr[data-status="done"]')
    expect(done).to_be_visible(timeout=20_000)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error

    # Download it as the drafter: a PDF whose text is the report's.
    link = done.locator("a[data-report-download]")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok
    content = response.body()
    assert content.startswith(b"%PDF-")
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(content)
    text = flat(pdf_text(path))
    assert REPORT_TITLE in text
    assert " ".join(draft.title.split()) in text

    # Publish it with the keyboard.
    tab_to(page, f'form[action$="/reports/{report.pk}/publish/"] button[type=submit]')
    page.keyboard.press("Enter")
    expect(page.locator("[data-report-published]")).to_be_visible()
    assert DraftPage.objects.get(pk=draft.pk).synthesis_report_id == report.document_id

    # A citizen, not signed in, finds it on the draft's page and downloads it.
    page.context.clear_cookies()
    page.goto(base + draft.url)
    public = page.locator("[data-synthesis-report] a")
    expect(public).to_be_visible()
    download = page.request.get(base + public.get_attribute("href"))
    assert download.ok
    assert download.body() == content
