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
    page.locator("[data-quote-ready]").wait_for(state="attached")  # quote.js is listening
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


def test_the_whole_loop_from_sign_up_to_the_answer(live_demo, page: Page, mailoutbox):
    """Sign up → comment on selected words → reply → support → flag → a moderator hides the
    reply with a reason → the drafter publishes an answer → the author sees it and is told."""
    from tests.browser.test_accounts import PASSWORD, link_in, submit
    from tests.browser.test_drafts import sign_out

    base = live_demo.url
    draft = demo_draft()
    clause = first_clause(draft)
    words = " ".join(clause.text.split()[:3])
    email = "nguoi.gop.y@example.com"

    # Sign up and verify the address.
    page.goto(f"{base}/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    submit(page)
    confirmation = next(message for message in mailoutbox if message.to == [email])
    page.goto(link_in(confirmation, "/accounts/confirm-email/"))
    submit(page)
    sign_in(page, base, email, PASSWORD, draft.url)

    # Select words in a clause: the form asks for a profile first, then comes back with the quote.
    select_words(page, clause.eid, words)
    page.locator(".feedback-quote-button").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/ho-so/"))
    page.locator("#id_full_name").fill("Đặng Thị Mai")
    page.locator("input[name=respondent_type][value=individual]").check()
    page.locator("#id_province").select_option("da-nang")
    page.locator("input[name=display_name][value=province]").check()
    page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_quote")).to_have_value(words)
    page.locator("input[name=stance][value=amend]").check()
    page.locator("#id_body").fill("Đề nghị quy định rõ thời hạn.")
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/y-kien/\d+/"))
    comment = Feedback.objects.get(body="Đề nghị quy định rõ thời hạn.")
    assert comment.author_name.endswith("Đà Nẵng")  # shown as a citizen of the province
    sign_out(page, base)

    # Another citizen replies, supports and flags.
    sign_in(page, base, *CITIZEN, f"/y-kien/{comment.pk}/")
    page.locator(f"#tra-loi-form-{comment.pk} summary").click()
    page.locator(f"#reply-body-{comment.pk}").fill("Tôi cũng đề nghị như vậy.")
    page.locator(f"#tra-loi-form-{comment.pk} button[type=submit]").click()
    reply = Feedback.objects.get(parent=comment)
    expect(page.locator(f"#y-kien-{reply.pk}")).to_contain_text("Tôi cũng đề nghị như vậy.")
    page.locator(f"#y-kien-{comment.pk} > .feedback-comment__actions button").click()
    expect(page.locator(f"#y-kien-{comment.pk} > .feedback-comment__actions")).to_contain_text("1")
    page.goto(f"{base}/y-kien/{reply.pk}/bao-cao/")
    page.locator("input[name=reason][value=off_topic]").check()
    page.locator("main form button[type=submit]").click()
    comment.refresh_from_db()
    reply.refresh_from_db()
    assert (comment.support_count, reply.flag_count) == (1, 1)
    sign_out(page, base)

    # The moderator hides the reply with a reason from the published list.
    sign_in(page, base, "moderator@example.com", "demo-moderator-2026", "/admin/")
    page.goto(f"{base}/admin/feedback/comments/{reply.pk}/")
    page.locator("select[name=action]").select_option("hide")
    page.locator("select[name=reason]").select_option("off_topic")
    page.locator("form[action$='/decide/'] button[type=submit]").click()
    reply.refresh_from_db()
    assert (reply.status, reply.moderation_reason) == ("hidden", "off_topic")
    sign_out(page, base)

    # The drafter answers the comment and publishes the answer.
    sign_in(page, base, "drafter@example.com", "demo-drafter-2026", "/admin/")
    page.goto(f"{base}/admin/feedback/answers/new/?id={comment.pk}")
    page.locator("select[name=kind]").select_option("accepted")
    answer = "Tiếp thu: dự thảo lần sau quy định thời hạn 15 ngày."
    page.locator("textarea[name=answer]").fill(answer)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{base}/admin/feedback/drafts/{draft.pk}/answers/")
    page.locator("form[action$='/publish/'] button[type=submit]").first.click()
    comment.refresh_from_db()
    assert comment.disposition is not None and comment.disposition.is_published
    sign_out(page, base)

    # The author sees the answer under the comment, and the notification.
    sign_in(page, base, email, PASSWORD, "/tai-khoan/thong-bao/")
    notices = page.locator("main")
    expect(notices).to_contain_text(draft.title[:30])
    page.goto(f"{base}/y-kien/{comment.pk}/")
    expect(page.locator(f"#tra-loi-{comment.pk}")).to_contain_text("thời hạn 15 ngày")
    expect(page.locator(f"#y-kien-{reply.pk}")).to_have_count(0)  # hidden from the public
