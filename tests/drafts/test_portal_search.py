"""Portal search (/tim-kiem/): drafts and pages through Wagtail search, the drafts' filters, bad
input and the header's search box.

The whole module runs on the backend the settings choose: the database backend in `make test`,
Wagtail's Elasticsearch 8 backend in `make test-services` (ELASTICSEARCH_URL set), each test
then writing to an index of its own.
"""

import datetime
import io
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.utils import timezone

from drafts.models import DocumentType, DraftPage
from tests.drafts.conftest import article, parsed_document, published_draft

pytestmark = pytest.mark.django_db

URL = "/tim-kiem/"


@contextmanager
def own_page_index(settings) -> Iterator[None]:
    """With Elasticsearch configured, an index prefix of this test's own, removed afterwards:
    pages are indexed as they are published, and other test runs share the cluster."""
    config = settings.WAGTAILSEARCH_BACKENDS["default"]
    if not config["BACKEND"].endswith("elasticsearch8"):
        yield
        return
    prefix = f"consult-test-{uuid.uuid4().hex[:12]}-"
    settings.WAGTAILSEARCH_BACKENDS = {"default": {**config, "INDEX_PREFIX": prefix}}
    from wagtail.search.backends import get_search_backend

    try:
        yield
    finally:
        get_search_backend().es.indices.delete(index=f"{prefix}*", ignore_unavailable=True)


def update_page_index() -> None:
    """As after a deployment: the index built anew (on Elasticsearch, its mapping, a refresh)."""
    call_command("update_index", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _own_page_index(settings):
    with own_page_index(settings):
        yield


@pytest.fixture
def drafts(draft_index):
    """The demo draft (open), a closed draft of another type and body, and an unpublished one."""
    demo = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")
    closed = published_draft(
        index=draft_index,
        parsed=parsed_document(article("1", "Phạm vi", "Quy định về bảo vệ môi trường biển.")),
        slug="du-thao-moi-truong-bien",
    )
    now = timezone.now()
    DraftPage.objects.filter(pk=closed.pk).update(
        title="Quy định bảo vệ môi trường biển",
        document_type=DocumentType.objects.get(code="nghi-quyet-hdnd-tinh"),
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=2),
    )
    closed.refresh_from_db()
    closed.save_revision().publish()  # reindexed with its new title
    hidden = published_draft(
        index=draft_index,
        parsed=parsed_document(),
        slug="du-thao-chua-cong-bo",
    )
    hidden.title = "Quy định bí mật về môi trường biển"
    hidden.save_revision().publish()
    hidden.unpublish()
    update_page_index()
    return {"demo": demo, "closed": DraftPage.objects.get(pk=closed.pk), "hidden": hidden}


def result_titles(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="govuk-heading-m[^"]*"><a class="govuk-link" href="[^"]*">([^<]*)</a>', html
    )


def test_text_finds_drafts_and_pages_not_unpublished_ones(client, drafts):
    response = client.get(URL, {"q": "môi trường biển"})

    assert response.status_code == 200
    titles = result_titles(response.content.decode())
    assert titles == ["Quy định bảo vệ môi trường biển"]  # not the unpublished draft

    response = client.get(URL, {"q": "chuyển đổi số"})
    titles = result_titles(response.content.decode())
    assert drafts["demo"].title in titles
    assert any(title.startswith("Thông báo lấy ý kiến") for title in titles)  # a news page


def test_a_draft_hit_shows_its_type_body_and_status(client, drafts):
    html = client.get(URL, {"q": "môi trường biển"}).content.decode()

    closed = drafts["closed"]
    assert closed.document_type.name in html
    assert closed.drafting_body.name in html
    assert "govuk-tag--grey" in html  # closed


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, {"demo"}),
        ({"status": "closed"}, {"closed"}),
        ({"status": "upcoming"}, set()),
        ({"document_type": "nghi-quyet-hdnd-tinh"}, {"closed"}),
        ({"q": "quy định", "status": "open"}, {"demo"}),
    ],
)
def test_draft_filters(client, drafts, params, expected):
    response = client.get(URL, params)

    assert response.status_code == 200
    titles = set(result_titles(response.content.decode()))
    assert titles == {drafts[key].title for key in expected}


def test_filter_by_drafting_body(client, drafts):
    closed = drafts["closed"]
    response = client.get(URL, {"drafting_body": closed.drafting_body.slug})

    assert result_titles(response.content.decode()) == [closed.title]


def test_a_search_is_a_shareable_url_and_pages_keep_it(client, drafts, monkeypatch):
    monkeypatch.setattr("drafts.selectors_search.PAGE_SIZE", 1)
    response = client.get(URL, {"q": "môi trường", "document_type": "nghi-quyet-hdnd-tinh"})
    html = response.content.decode()
    assert 'value="môi trường"' in html
    assert '<option value="nghi-quyet-hdnd-tinh" selected>' in html

    response = client.get(URL, {"q": "quy định"})
    html = response.content.decode()
    assert len(result_titles(html)) == 1
    assert 'href="?q=quy+%C4%91%E1%BB%8Bnh&amp;page=2"' in html
    assert 'aria-current="page"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "draft"}, "Select a valid choice"),
        ({"document_type": "khong-co"}, "Select a valid choice"),
    ],
)
def test_bad_parameters_get_a_message_not_an_error_page(client, drafts, english, params, message):
    response = client.get("/en" + URL, params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a" * 600, "The search text is too long: at most 500 characters."),
        ('"môi trường', "A quotation mark is not closed."),
        ("****", "Wildcards are only allowed at the end of a word"),
        ("*ng", "Wildcards are only allowed at the end of a word"),
    ],
)
def test_text_no_engine_should_run_gets_its_message(client, drafts, english, text, message):
    response = client.get("/en" + URL, {"q": text})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "govuk-error-summary" in html
    assert result_titles(html) == []


@pytest.mark.parametrize("text", ["AND OR NOT", "-", "(", "điều:5", "NEAR(a b)", "-biển", "trườ*"])
def test_odd_text_never_breaks_the_search(client, drafts, text):
    response = client.get(URL, {"q": text, "page": "10000"})

    assert response.status_code == 200
    assert "govuk-error-summary" not in response.content.decode()


def test_excluded_words_and_phrases(client, drafts):
    titles = result_titles(client.get(URL, {"q": "quy định -biển"}).content.decode())
    assert drafts["demo"].title in titles and drafts["closed"].title not in titles

    titles = result_titles(client.get(URL, {"q": '"môi trường biển"'}).content.decode())
    assert titles == [drafts["closed"].title]


def test_nothing_asked_shows_the_form_only(client, drafts):
    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in html and result_titles(html) == []


def test_the_header_search_box_leads_here(client, drafts):
    html = client.get("/").content.decode()

    form = re.search(r'<form class="portal-header__search[^>]*>.*?</form>', html, re.S)
    assert form is not None
    assert 'action="/tim-kiem/"' in form.group(0) and 'name="q"' in form.group(0)
    assert '<label class="govuk-visually-hidden" for="portal-header-search">' in form.group(0)
