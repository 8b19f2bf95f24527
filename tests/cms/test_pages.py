"""The portal shell: home, standard and news pages in Vietnamese first, English second."""

import datetime
import re

import pytest
from wagtail.models import Site

from cms.models import NewsIndexPage, NewsPage, PortalSettings
from cms.services import portal_settings_update

pytestmark = pytest.mark.django_db


def test_home_page_is_vietnamese_with_the_demo_content(client, demo_site):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi"' in html
    assert "Cổng lấy ý kiến dự thảo văn bản" in html
    assert "Chuyển đến nội dung chính" in html
    assert 'id="main-content"' in html
    assert "Ra mắt Cổng lấy ý kiến" in html  # latest news


def test_english_is_available_under_its_prefix(client, demo_site):
    response = client.get("/en/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Skip to main content" in html
    assert 'hreflang="vi"' in html and 'href="/"' in html


def test_vietnamese_stays_the_default_whatever_the_browser_asks(client, demo_site):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert '<html lang="vi"' in response.content.decode()


def test_landmarks_and_navigation(client, demo_site):
    html = client.get("/").content.decode()

    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in html
    found = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S)
    assert found is not None
    menu = found.group(0)
    assert "Giới thiệu" in menu and "Tin tức – Thông báo" in menu and "Liên hệ" in menu
    assert 'aria-current="page"' in menu  # the home page marks itself current


def test_footer_shows_the_agency_contact(client, demo_site):
    portal_settings_update(
        site=Site.objects.get(is_default_site=True),
        phone="0236 3 999 999",
        email="lienhe@example.vn",
    )

    footer = client.get("/").content.decode().split("<footer", 1)[1]

    assert "Sở Thông tin và Truyền thông" in footer
    assert 'href="tel:02363999999"' in footer
    assert "lienhe@example.vn" in footer
    assert "Liên hệ" in footer


def test_news_index_lists_newest_first_and_paginates(client, demo_site):
    news_index = NewsIndexPage.objects.get()
    for day in range(1, 13):
        news_index.add_child(
            instance=NewsPage(
                title=f"Thông báo số {day}",
                slug=f"thong-bao-{day}",
                date=datetime.date(2026, 1, day),
            )
        )

    first = client.get(news_index.url).content.decode()
    second = client.get(news_index.url, {"page": 2}).content.decode()
    beyond = client.get(news_index.url, {"page": "abc"})

    assert first.index("Thông báo lấy ý kiến dự thảo") < first.index("Thông báo số 12")
    assert "Thông báo số 5" in first and "Thông báo số 4" not in first  # ten a page
    assert "Thông báo số 4" in second and "Thông báo số 5" not in second
    assert beyond.status_code == 200  # a bad page number shows the first page, never a 500


def test_unpublished_news_is_not_shown(client, demo_site):
    draft = NewsPage.objects.get(slug="ra-mat-cong-lay-y-kien")
    draft.unpublish()

    assert "Ra mắt Cổng lấy ý kiến" not in client.get("/").content.decode()
    assert client.get("/tin-tuc/ra-mat-cong-lay-y-kien/").status_code == 404


def test_portal_settings_reject_a_bad_email(demo_site):
    from django.core.exceptions import ValidationError

    site = Site.objects.get(is_default_site=True)
    with pytest.raises(ValidationError):
        portal_settings_update(site=site, email="not an address")

    assert PortalSettings.for_site(site).email == "stttt@example.com"


def test_missing_page_answers_404_in_the_portal_design(client, demo_site):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'class="govuk-skip-link"' in html


def test_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "hệ thống đang gặp sự cố" in html
    assert 'lang="vi"' in html
