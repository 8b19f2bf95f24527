"""Search in a real browser, every page audited by axe: a drafter finds a form-letter campaign
without diacritics, narrows it by provision and stance and answers the whole group at once; a
citizen searches the comments and the portal."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from drafts.models import DraftPage
from feedback.choices import Stance
from feedback.models import Feedback
from search.engines.base import SearchEngine
from tests.browser.test_drafts import sign_in
from tests.browser.test_feedback import DEMO_SLUG, first_clause
from tests.drafts.test_portal_search import own_page_index, update_page_index
from tests.feedback.conftest import comment_create, respondent_create
from tests.feedback.test_search_views import FORM_LETTER, own_search_index

DRAFTER = ("drafter@example.com", "demo-drafter-2026")
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu")


@pytest.fixture
def search_engine(transactional_db, settings) -> Iterator[SearchEngine]:
    """Before the demo is seeded, so its comments and pages are indexed in this test's own
    indexes."""
    with own_search_index(settings) as engine, own_page_index(settings):
        yield engine


@pytest.fixture
def campaign(search_engine, live_demo):
    """Three citizens send the same letter on one clause of the demo draft, and one other
    comment on the clause disagrees in its own words. Everything goes through the services and
    their after-commit tasks, as on the site: indexing and duplicate grouping included."""
    draft = DraftPage.objects.get(slug=DEMO_SLUG)
    clause = first_clause(draft)
    letters = [
        comment_create(
            draft,
            respondent_create(email=f"thu{n}@example.com", full_name=name),
            eid=clause.eid,
            body=FORM_LETTER.format(name=name),
            stance=Stance.DISAGREE,
        )
        for n, name in enumerate(NAMES)
    ]
    comment_create(
        draft,
        respondent_create(email="rieng@example.com", full_name="Phan Văn Riêng"),
        eid=clause.eid,
        body="Đề nghị giữ nguyên mức hỗ trợ cũ cho hộ kinh doanh nhỏ.",
        stance=Stance.AMEND,
    )
    update_page_index()
    group = Feedback.objects.get(pk=letters[0].pk).duplicate_group
    assert group is not None and group.size == len(NAMES)
    return {"draft": draft, "clause": clause, "letters": letters, "group": group}


def search_submit(page: Page) -> None:
    page.locator("#feedback-search button[type=submit]").click()


def test_a_drafter_finds_a_campaign_and_answers_it_at_once(campaign, live_demo, page: Page):
    base = live_demo.url
    draft, clause, group = campaign["draft"], campaign["clause"], campaign["group"]
    article = clause.eid.split("__")[0]
    sign_in(page, base, *DRAFTER, "/admin/feedback/search/")

    # Without diacritics: "giữ nguyên mức hỗ trợ" is found as "giu nguyen muc ho tro".
    page.locator("#id_q").fill("giu nguyen muc ho tro")
    page.locator("#id_du-thao").select_option(str(draft.pk))
    search_submit(page)
    rows = page.locator("tr[data-comment]")
    expect(rows).to_have_count(4)
    expect(rows.first.locator("mark").first).to_be_visible()

    # Narrow to the article (its clauses included) from the most commented provisions...
    link = f'main a[href*="dieu={article}&"], main a[href$="dieu={article}"]'
    page.locator(link).first.click()
    expect(page).to_have_url(re.compile(rf"dieu={article}"))
    expect(rows).to_have_count(4)
    # ...and to those who disagree: the letters, not the amendment.
    page.locator('input[name="quan-diem"][value="disagree"]').check()
    search_submit(page)
    expect(page).to_have_url(re.compile(r"quan-diem=disagree"))
    expect(page).to_have_url(re.compile(r"q=giu\+nguyen\+muc\+ho\+tro"))
    expect(rows).to_have_count(len(NAMES))

    # The campaign is one group: answer it once.
    group_row = page.locator(f'tr[data-group="{group.pk}"]')
    expect(group_row).to_contain_text(str(len(NAMES)))
    group_row.locator(f'a[href$="/groups/{group.pk}/answer/"]').click()
    expect(page.locator("main")).to_contain_text("giữ nguyên mức hỗ trợ")
    page.locator("select[name=kind]").select_option("explained")
    answer = "Mức hỗ trợ mới được tính theo bảng giá đất năm 2026, cao hơn mức cũ."
    page.locator("textarea[name=answer]").fill(answer)
    page.locator("main form[method=post] button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/admin/feedback/drafts/{draft.pk}/answers/"))
    answered = Feedback.objects.filter(pk__in=[letter.pk for letter in campaign["letters"]])
    dispositions = {comment.disposition for comment in answered.select_related("disposition")}
    assert len(dispositions) == 1 and None not in dispositions
    assert dispositions.pop().answer == answer  # type: ignore[union-attr]


def test_a_citizen_searches_comments_and_the_portal(campaign, live_demo, page: Page):
    base = live_demo.url
    draft = campaign["draft"]

    # From the draft's comment list, its search box.
    page.goto(f"{base}/y-kien/du-thao/{draft.pk}/")
    page.locator("#feedback-search-box").fill("giu nguyen muc ho tro")
    page.locator("form.feedback-search-box button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/y-kien/tim-kiem/\?du-thao=\d+&q=giu"))
    hits = page.locator("article.feedback-search__hit")
    expect(hits).to_have_count(4)
    page.locator('input[name="quan-diem"][value="amend"]').check()
    search_submit(page)
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("Phan Văn Riêng")

    # The header's search box: drafts and pages.
    page.locator("#portal-header-search").fill("chuyển đổi số")
    page.locator("form.portal-header__search button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/tim-kiem/\?q="))
    expect(page.locator(f'main h2 a[href="{draft.url}"]')).to_be_visible()
