"""The public draft: header, contents, anchored provisions, versions, comparison, exports."""

import pytest
from django.core.cache import cache

from drafts.importers import parse_upload
from drafts.models import DraftPage
from drafts.selectors import version_to_parsed
from drafts.services import draft_version_create
from tests.drafts.conftest import article, parsed_document, published_draft
from tests.drafts.test_parser_attachment import DECISION, parse, tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_the_demo_draft_reads_with_header_contents_and_anchors(client, demo_site):
    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")

    html = client.get(draft.url).content.decode()

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Ban hành Quy định về chuyển đổi số" in html
    assert 'id="art_5__para_2__point_dd"' in html  # version 2 added point đ
    assert 'href="#chp_II"' in html and 'href="#art_9"' in html  # table of contents
    assert "Đang lấy ý kiến" in html or "Open for comments" in html
    assert html.count('class="provision provision--article"') == 9


def test_version_one_stays_readable_after_version_two(client, demo_site):
    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")

    html = client.get(f"{draft.url}phien-ban/1/").content.decode()

    assert html.count('class="provision provision--article"') == 8
    assert 'id="art_5__para_2__point_dd"' not in html


def test_an_unpublished_version_is_not_shown(client, open_draft):
    draft_version_create(draft=open_draft, parsed=parsed_document())

    assert client.get(f"{open_draft.url}phien-ban/2/").status_code == 404
    assert client.get(f"{open_draft.url}phien-ban/1/").status_code == 200


def test_compare_shows_added_and_renumbered_provisions(client, demo_site):
    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")

    response = client.get(f"{draft.url}so-sanh/", {"tu": 1, "den": 2})

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "art_7" in html and "Văn bản điện tử trao đổi" in html
    )  # the new article on digital signatures
    assert "<ins>" in html and "<del>" in html
    assert "art_8" in html  # was art_7, renumbered


def test_compare_ignores_bad_version_numbers(client, demo_site):
    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")

    response = client.get(f"{draft.url}so-sanh/", {"tu": "abc", "den": "999"})

    assert response.status_code == 200


def test_compare_needs_two_published_versions(client, open_draft):
    assert client.get(f"{open_draft.url}so-sanh/").status_code == 404


def test_akoma_ntoso_export_reimports_to_the_same_tree(client, demo_site):
    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")
    version = draft.versions.get(number=2)

    response = client.get(f"{draft.url}tai-ve/2/xml/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/akn+xml"
    reimported = parse_upload("export.xml", response.content)
    assert [p.to_dict() for p in reimported.provisions] == [
        p.to_dict() for p in version_to_parsed(version=version).provisions
    ]


def test_docx_export_reimports_to_the_same_tree(client, open_draft):
    response = client.get(f"{open_draft.url}tai-ve/1/docx/")

    reimported = parse_upload("export.docx", response.content)
    assert [p.to_dict() for p in reimported.provisions] == [
        p.to_dict() for p in parsed_document().provisions
    ]


def test_pdf_export_is_a_pdf_with_the_text(client, open_draft):
    response = client.get(f"{open_draft.url}tai-ve/1/pdf/")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_unknown_export_format_is_404(client, open_draft):
    assert client.get(f"{open_draft.url}tai-ve/1/exe/").status_code == 404


def test_print_view_has_the_whole_text(client, open_draft):
    html = client.get(f"{open_draft.url}ban-in/1/").content.decode()

    assert "Dữ liệu quy hoạch." in html
    assert 'id="art_2__para_2__point_b"' in html


def test_draft_index_filters_by_status_type_and_body(client, demo_site, open_draft):
    index_url = open_draft.get_parent().url

    everything = client.get(index_url).content.decode()
    by_body = client.get(
        index_url, {"drafting_body": open_draft.drafting_body.slug}
    ).content.decode()
    upcoming = client.get(index_url, {"status": "upcoming"}).content.decode()
    nonsense = client.get(index_url, {"status": "<script>", "page": "x"})

    assert "Ban hành Quy định về chuyển đổi số" in everything and open_draft.title in everything
    assert open_draft.title in by_body and "chuyển đổi số trong cơ quan" not in by_body
    assert open_draft.title not in upcoming
    assert nonsense.status_code == 200


def test_new_article_version_changes_the_export(client, open_draft):
    draft_version_create(
        draft=open_draft, parsed=parsed_document(article("1", "Phạm vi", "Nội dung mới."))
    )
    open_draft.save_revision().publish()

    response = client.get(f"{open_draft.url}tai-ve/2/xml/")

    assert "Nội dung mới." in response.content.decode()


def test_targeted_questions_and_accompanying_documents_are_shown(client, open_draft):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from drafts.models import AccompanyingDocument, TargetedQuestion

    memo = Document(title="Tờ trình số 12")
    memo.file.save("to-trinh.pdf", ContentFile(b"%PDF-1.4 memo"), save=True)
    AccompanyingDocument.objects.create(page=open_draft, document=memo, kind="cover_memo")
    TargetedQuestion.objects.create(
        page=open_draft, respondent_group="businesses", text="Mức phí đề xuất có phù hợp không?"
    )

    html = client.get(open_draft.url).content.decode()

    assert "Tờ trình số 12" in html and memo.url in html
    assert "Mức phí đề xuất có phù hợp không?" in html


@pytest.fixture
def decision_draft(draft_index):
    return published_draft(index=draft_index, parsed=parse(DECISION), slug="cong-du-lieu-mo")


def test_an_attached_regulation_reads_with_its_heading_before_its_articles(client, decision_draft):
    html = client.get(decision_draft.url).content.decode()

    heading = html.index('id="att_1"')
    assert html.index('id="art_3"') < heading < html.index('id="att_1__chp_I"')
    assert "(Ban hành kèm theo Quyết định số /2026/QĐ-UBND" in html
    assert 'href="#att_1"' in html and 'href="#att_1__art_7"' in html  # contents
    assert html.count('class="provision provision--article"') == 10
    assert "Mẫu số 01" in html  # the form stays an annex


def test_an_attached_regulation_prints_and_exports(client, decision_draft):
    printed = client.get(f"{decision_draft.url}ban-in/1/").content.decode()
    assert printed.index('id="art_3"') < printed.index('id="att_1"')
    assert printed.index('id="att_1"') < printed.index('id="att_1__art_1"')
    assert client.get(f"{decision_draft.url}tai-ve/1/pdf/").content.startswith(b"%PDF-")
    for extension in ("xml", "docx"):
        response = client.get(f"{decision_draft.url}tai-ve/1/{extension}/")
        reimported = parse_upload(f"export.{extension}", response.content)
        assert tree(reimported) == tree(parse(DECISION))
        assert reimported.attachments == parse(DECISION).attachments
