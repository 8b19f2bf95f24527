"""Feedback in a real browser: quoting a selection, the form without JavaScript, the threads."""

import re

from playwright.sync_api import Page, expect

from drafts.models import DraftPage
from feedback.models import Feedback
from tests.browser.test_drafts import sign_in

DEMO_SLUG = "quy-dinh-chuyen-doi-so"
CITIZEN = ("citizen@example.com", "demo-citizen-2026")


def demo_draft() -> DraftPage:
    return DraftPage.objects.get(slug=DEMO_SLUG)


def select_words(page: Page, eid: str, words: str) -> None:
    """Select `words` inside the provision's own text, as a reader does with the mouse."""
    page.evaluate(
        """([eid, words]) => {
          const text = document.querySelector(`[id="${eid}"] > .provision__text`);
          const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.textContent.indexOf(words);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + words.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              document.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
              return;
            }
          }
          throw new Error(`"${words}" not found in ${eid}`);
        }""",
        [eid, words],
    )


def first_clause(draft: DraftPage):
    version = draft.versions.order_by("number").last()
    return version.provisions.filter(kind="clause").exclude(text="").order_by("order").first()


def test_a_citizen_comments_on_selected_words(live_demo, page: Page):
    draft = demo_draft()
    clause = first_clause(draft)
    words = " ".join(clause.text.split()[:4])
    sign_in(page, live_demo.url, *CITIZEN, draft.url)
    expect(page.locator(f'[id="{clause.eid}"]')).to_be_visible()

    select_words(page, clause.eid, words)
    page.locator(".feedback-quote-button").click()

    expect(page).to_have_url(re.compile(r"/y-kien/du-thao/\d+/gop-y/"))
    expect(page.locator("#id_quote")).to_have_value(words)
    page.locator("input[name=stance][value=amend]").check()
    page.locator("#id_body").fill("Đề nghị viết rõ hơn đoạn này.\nDòng thứ hai.")
    page.locator("main form[enctype] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/y-kien/\d+/"))
    feedback = Feedback.objects.get(body="Đề nghị viết rõ hơn đoạn này.\nDòng thứ hai.")
    assert (feedback.eid, feedback.quote) == (clause.eid, words)
    expect(page.locator(f"#y-kien-{feedback.pk} blockquote")).to_contain_text(words)

    page.goto(live_demo.url + draft.url)
    expect(page.locator(f'[id="{clause.eid}"] .provision__feedback').first).to_contain_text("1")


def test_without_javascript_each_provision_has_its_form(live_demo, new_context):
    page = new_context(java_script_enabled=False).new_page()
    draft = demo_draft()
    clause = first_clause(draft)
    sign_in(page, live_demo.url, *CITIZEN, draft.url)
    page.locator(f'[id="{clause.eid}"] > .provision__feedback a').last.click()

    expect(page.locator("#id_body")).to_be_visible()
    page.locator("input[name=stance][value=agree]").check()
    page.locator("#id_body").fill("Tôi tán thành khoản này.")
    page.locator("main form[enctype] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/y-kien/\d+/"))
    assert Feedback.objects.filter(eid=clause.eid, body="Tôi tán thành khoản này.").exists()
