"""Accounts in a real browser: sign up, verify from the mailbox, sign in, reset a password."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

LINK = re.compile(r"https?://\S+")
PASSWORD = "Mật-khẩu-rất-an-toàn-2026"


def link_in(message, path: str) -> str:
    links = [url for url in LINK.findall(message.body) if path in url]
    assert len(links) == 1, message.body
    return links[0]


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_citizen_signs_up_verifies_and_signs_in(
    live_demo, new_context, page: Page, mailoutbox, javascript
):
    if not javascript:  # the same flow must work with scripts off (axe needs scripts: not audited)
        page = new_context(java_script_enabled=False).new_page()
    email = f"nguoidan.{'js' if javascript else 'nojs'}@example.com"

    page.goto(f"{live_demo.url}/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    submit(page)

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [email]
    assert not EmailAddress.objects.get(email=email).verified

    page.goto(link_in(mailoutbox[0], "/accounts/confirm-email/"))
    submit(page)

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert EmailAddress.objects.get(email=email).verified

    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    submit(page)

    expect(page).to_have_url(f"{live_demo.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cổng lấy ý kiến dự thảo văn bản")
    expect(page.get_by_role("link", name="Đăng xuất")).to_be_visible()


def test_wrong_password_is_refused_with_a_message_and_no_sign_in(live_demo, page: Page):
    page.goto(f"{live_demo.url}/accounts/login/")
    page.locator("#id_login").fill("citizen@example.com")
    page.locator("#id_password").fill("not-the-password")
    submit(page)

    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_citizen_resets_a_forgotten_password(live_demo, page: Page, mailoutbox):
    page.goto(f"{live_demo.url}/accounts/password/reset/")
    page.locator("#id_email").fill("citizen@example.com")
    submit(page)

    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    page.goto(link_in(mailoutbox[0], "/accounts/password/reset/key/"))
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    submit(page)

    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    page.goto(f"{live_demo.url}/accounts/login/")
    page.locator("#id_login").fill("citizen@example.com")
    page.locator("#id_password").fill(PASSWORD)
    submit(page)
    expect(page.get_by_role("link", name="Đăng xuất")).to_be_visible()
