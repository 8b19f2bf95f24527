"""The draft's way through the site: drafter uploads and reviews, editor publishes, citizen reads,
deep-links a clause, and compares version 2 with version 1."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from drafts.models import DraftPage

ARTICLES = {
    "1": ("Phạm vi điều chỉnh", ["Nghị quyết này quy định mức hỗ trợ học phí."]),
    "2": ("Đối tượng áp dụng", ["Học sinh mầm non.", "Học sinh phổ thông công lập."]),
    "3": ("Mức hỗ trợ", ["Hỗ trợ 50% học phí.", "Hỗ trợ thêm cho học sinh vùng khó khăn:"]),
}


def law_text(extra_article: bool = False) -> str:
    lines = [
        "HỘI ĐỒNG NHÂN DÂN",
        "THÀNH PHỐ ĐÀ NẴNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: …/2026/NQ-HĐND",
        "Dự thảo lần 2" if extra_article else "DỰ THẢO",
        "NGHỊ QUYẾT",
        "Quy định mức hỗ trợ học phí cho học sinh trên địa bàn thành phố",
        "Căn cứ Luật Giáo dục ngày 14 tháng 6 năm 2019;",
        "QUYẾT NGHỊ:",
        "Chương I",
        "QUY ĐỊNH CHUNG",
    ]
    for num, (heading, clauses) in ARTICLES.items():
        lines.append(f"Điều {num}. {heading}")
        lines.extend(f"{index}. {text}" for index, text in enumerate(clauses, start=1))
        if num == "3":
            lines += ["a) Học sinh dân tộc thiểu số;", "b) Học sinh khuyết tật."]
    if extra_article:
        lines += ["Điều 4. Nguồn kinh phí", "Ngân sách thành phố bảo đảm kinh phí thực hiện."]
    lines += ["Nơi nhận:", "- Như Điều 3;", "CHỦ TỊCH"]
    return "\n".join(lines) + "\n"


def sign_in(page: Page, base: str, email: str, password: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").first.click()


def sign_out(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/logout/")
    page.locator("main form button[type=submit]").first.click()


def publish_in_admin(page: Page) -> None:
    """Wagtail's page editor keeps "Publish" in the footer's action menu."""
    page.locator("footer .w-dropdown__toggle").first.click()
    page.locator("button[name=action-publish]").click()


def upload(page: Page, path, **fields: str) -> None:
    page.set_input_files("#id_source", str(path))
    for name, value in fields.items():
        locator = page.locator(f"#id_{name}")
        if locator.evaluate("el => el.tagName") == "SELECT":
            locator.select_option(label=value)
        else:
            locator.fill(value)
    page.get_by_role("button", name=re.compile("Upload and review|Tải lên và rà soát")).click()


def test_import_preview_publish_read_deep_link_version_two_compare(live_demo, page: Page, tmp_path):
    base = live_demo.url
    first = tmp_path / "nghi-quyet-hoc-phi.txt"
    first.write_text(law_text(), encoding="utf-8")
    second = tmp_path / "nghi-quyet-hoc-phi-lan-2.txt"
    second.write_text(law_text(extra_article=True), encoding="utf-8")
    now = timezone.localtime()

    # Drafter: upload, review the tree and the counts, save.
    sign_in(page, base, "drafter@example.com", "demo-drafter-2026", "/admin/drafts/import/")
    upload(
        page,
        first,
        document_type="Nghị quyết HĐND cấp tỉnh",
        opens_at=(now - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        closes_at=(now + datetime.timedelta(days=40)).strftime("%Y-%m-%d %H:%M"),
    )
    expect(page.locator('[data-count="article"]')).to_have_text("3")
    expect(page.locator('[data-count="point"]')).to_have_text("2")
    page.get_by_role("button", name=re.compile("Save the draft|Lưu dự thảo")).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    draft = DraftPage.objects.get(title__startswith="Quy định mức hỗ trợ học phí")
    assert not draft.live
    sign_out(page, base)

    # Editor: publish.
    sign_in(page, base, "editor@example.com", "demo-editor-2026", f"/admin/pages/{draft.pk}/edit/")
    publish_in_admin(page)
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/"))
    draft.refresh_from_db()
    assert draft.live
    sign_out(page, base)

    # Citizen: read, follow the contents, deep-link a clause.
    page.goto(f"{base}{draft.url}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quy định mức hỗ trợ học phí")
    page.locator(".draft-toc").get_by_role("link", name=re.compile("3. Mức hỗ trợ")).click()
    expect(page).to_have_url(re.compile("#art_3$"))
    page.goto(f"{base}{draft.url}#art_3__para_2__point_b")
    expect(page.locator("#art_3__para_2__point_b")).to_be_in_viewport()
    expect(page.locator("#art_3__para_2__point_b")).to_contain_text("Học sinh khuyết tật.")

    # Version 2: the drafter uploads it, the editor publishes, the citizen compares.
    sign_in(
        page,
        base,
        "drafter@example.com",
        "demo-drafter-2026",
        f"/admin/drafts/import/?draft={draft.pk}",
    )
    upload(page, second, change_note="Bổ sung điều về nguồn kinh phí.")
    page.get_by_role("button", name=re.compile("Save the draft|Lưu dự thảo")).click()
    sign_out(page, base)
    sign_in(page, base, "editor@example.com", "demo-editor-2026", f"/admin/pages/{draft.pk}/edit/")
    publish_in_admin(page)
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/"))
    sign_out(page, base)

    page.goto(f"{base}{draft.url}so-sanh/?tu=1&den=2")
    added = page.locator(".draft-change--added")
    expect(added.first).to_contain_text("Điều 4")
    expect(added.first.get_by_role("link")).to_have_attribute("href", re.compile("#art_4$"))
    expect(page.locator(".draft-changes")).to_contain_text("Ngân sách thành phố bảo đảm kinh phí")
    page.goto(f"{base}{draft.url}phien-ban/1/")
    expect(page.locator("#art_4")).to_have_count(0)
