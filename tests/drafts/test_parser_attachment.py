"""A decision issuing a regulation: the regulation is parsed into provisions, eIds att_1__..."""

from collections import Counter

import pytest
from django.utils import translation

from drafts import selectors, services
from drafts.importers.akn import akn_export, parse_akn
from drafts.importers.docx import docx_export, read_docx
from drafts.importers.structure import (
    ParsedDocument,
    document_from_dict,
    group_by_attachment,
)
from drafts.importers.text import parse_lines, parse_text

DECISION = """\
ỦY BAN NHÂN DÂN
THÀNH PHỐ ĐÀ NẴNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số:      /2026/QĐ-UBND
Đà Nẵng, ngày     tháng     năm 2026
DỰ THẢO
QUYẾT ĐỊNH
Ban hành Quy định về quản lý, vận hành và khai thác Cổng dữ liệu mở thành phố Đà Nẵng
ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG
Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;
Căn cứ Luật Dữ liệu ngày 30 tháng 11 năm 2024;
Theo đề nghị của Giám đốc Sở Khoa học và Công nghệ tại Tờ trình số 125/TTr-SKHCN.
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy định về quản lý, vận hành và khai thác
Cổng dữ liệu mở thành phố Đà Nẵng.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2026.
Điều 3. Trách nhiệm thi hành
Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc Sở Khoa học và Công nghệ, Thủ trưởng
các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Bộ Khoa học và Công nghệ;
- Lưu: VT, SKHCN.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Lương Nguyễn Minh Triết
ỦY BAN NHÂN DÂN
THÀNH PHỐ ĐÀ NẴNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
QUY ĐỊNH
Về quản lý, vận hành và khai thác Cổng dữ liệu mở thành phố Đà Nẵng
(Ban hành kèm theo Quyết định số      /2026/QĐ-UBND
ngày     tháng     năm 2026 của Ủy ban nhân dân thành phố Đà Nẵng)
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy định này quy định về quản lý, vận hành và khai thác Cổng dữ liệu mở thành phố Đà Nẵng
(sau đây gọi là Cổng dữ liệu mở).
Điều 2. Đối tượng áp dụng
1. Các sở, ban, ngành, Ủy ban nhân dân các phường, xã.
2. Tổ chức, cá nhân khai thác dữ liệu mở.
Điều 3. Giải thích từ ngữ
Trong Quy định này, các từ ngữ dưới đây được hiểu như sau:
1. Dữ liệu mở là dữ liệu được công bố rộng rãi cho mọi tổ chức, cá nhân.
2. Cổng dữ liệu mở là điểm truy cập duy nhất trên môi trường mạng:
a) Để công bố dữ liệu mở của thành phố;
b) Để tiếp nhận ý kiến về dữ liệu mở.
Chương II
QUẢN LÝ, VẬN HÀNH CỔNG DỮ LIỆU MỞ
Mục 1
CẬP NHẬT DỮ LIỆU
Điều 4. Nguyên tắc cập nhật dữ liệu
1. Dữ liệu được cập nhật đầy đủ, chính xác, kịp thời.
2. Dữ liệu mở phải bảo đảm định dạng máy đọc được.
Điều 5. Danh mục dữ liệu mở
1. Sở Khoa học và Công nghệ chủ trì xây dựng danh mục dữ liệu mở.
2. Danh mục dữ liệu mở gồm:
a) Dữ liệu về thủ tục hành chính;
b) Dữ liệu về quy hoạch, đất đai;
c) Dữ liệu về giao thông.
Mục 2
VẬN HÀNH
Điều 6. Trách nhiệm vận hành
Trung tâm Thông tin và Giám sát, điều hành thông minh vận hành Cổng dữ liệu mở.
Chương III
TỔ CHỨC THỰC HIỆN
Điều 7. Trách nhiệm thi hành
Trong quá trình thực hiện, nếu có vướng mắc, các cơ quan, đơn vị phản ánh về Sở Khoa học và
Công nghệ để tổng hợp, báo cáo Ủy ban nhân dân thành phố xem xét, quyết định./.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Lương Nguyễn Minh Triết
Mẫu số 01
PHIẾU ĐỀ NGHỊ CUNG CẤP DỮ LIỆU MỞ
Tên tổ chức, cá nhân: ................
"""


def parse(text: str = DECISION) -> ParsedDocument:
    with translation.override("en"):
        return parse_text(text)


def tree(document: ParsedDocument) -> list[tuple[str, str, str, str, str]]:
    return [
        (str(item.kind), item.num, item.eid, item.heading, item.text) for item in document.walk()
    ]


def test_the_decision_and_its_regulation_are_both_provisions():
    document = parse()
    groups = group_by_attachment(document.provisions)
    assert [prefix for prefix, _items in groups] == ["", "att_1"]
    decision = Counter(str(item.kind) for item in groups[0][1] for item in item.walk())
    regulation = Counter(str(item.kind) for item in groups[1][1] for item in item.walk())
    assert decision == {"article": 3}
    assert regulation == {"chapter": 3, "section": 2, "article": 7, "clause": 8, "point": 5}
    assert document.title.startswith("Ban hành Quy định về quản lý, vận hành")
    assert document.warnings == []


def test_the_regulation_has_its_own_eids_and_keeps_its_heading_and_note():
    document = parse()
    eids = [item.eid for item in document.walk()]
    assert eids[:5] == ["art_1", "art_2", "art_3", "att_1__chp_I", "att_1__art_1"]
    assert "att_1__chp_II__sec_1" in eids
    assert "att_1__art_5__para_2__point_a" in eids
    assert len(eids) == len(set(eids))
    assert "art_1_2" not in eids  # the regulation's Điều 1 is no duplicate of the decision's
    assert document.attachments == [
        {
            "eid_prefix": "att_1",
            "heading": "QUY ĐỊNH\nVề quản lý, vận hành và khai thác Cổng dữ liệu mở thành phố "
            "Đà Nẵng",
            "note": "(Ban hành kèm theo Quyết định số /2026/QĐ-UBND\nngày tháng năm 2026 của Ủy "
            "ban nhân dân thành phố Đà Nẵng)",
        }
    ]


def test_the_signatures_are_closing_and_the_form_an_annex():
    document = parse()
    assert document.closing.splitlines().count("TM. ỦY BAN NHÂN DÂN") == 2
    assert document.annexes == [
        "Mẫu số 01\nPHIẾU ĐỀ NGHỊ CUNG CẤP DỮ LIỆU MỞ\nTên tổ chức, cá nhân: ................"
    ]


def test_a_second_attached_regulation_is_att_2():
    second = "QUY CHẾ\nPhối hợp\n(Ban hành kèm theo Quyết định số …/2026/QĐ-UBND)\n"
    second += "Điều 1. Phạm vi\nNội dung.\nĐiều 2. Hiệu lực\nNội dung./.\n"
    text = DECISION.replace("Mẫu số 01", second + "Mẫu số 01")
    document = parse(text)
    assert [item["eid_prefix"] for item in document.attachments] == ["att_1", "att_2"]
    assert [item.eid for item in document.provisions][-2:] == ["att_2__art_1", "att_2__art_2"]
    assert document.warnings == []


def test_numbering_warnings_restart_in_the_regulation():
    # Only the regulation's own numbering counts: its Điều 1-7 follow no decision article.
    text = DECISION.replace("Điều 2. Đối tượng áp dụng", "Điều 3. Đối tượng áp dụng", 1)
    assert parse(text).warnings == ["Điều 1 is followed by Điều 3", "Điều 3 appears twice"]


def test_dict_round_trip():
    document = parse()
    again = document_from_dict(document.to_dict())
    assert again.attachments == document.attachments
    assert tree(again) == tree(document)


def test_akn_round_trip():
    document = parse()
    data = akn_export(document)
    assert b'<attachment eId="att_1">' in data
    assert b'<doc name="regulation">' in data
    assert b'<attachment eId="att_2">' in data  # the form, an annex after the regulation
    again = parse_akn(data)
    assert tree(again) == tree(document)
    assert again.attachments == document.attachments
    assert again.annexes == document.annexes
    assert again.closing == document.closing


def test_docx_round_trip():
    document = parse()
    with translation.override("en"):
        again = parse_lines(read_docx(docx_export(document)))
    assert tree(again) == tree(document)
    assert again.attachments == document.attachments
    assert again.annexes == document.annexes
    assert again.warnings == []


@pytest.mark.django_db
def test_a_saved_version_reads_back_with_its_attachment(open_draft):
    document = parse()
    version = services.draft_version_create(draft=open_draft, parsed=document)
    version.refresh_from_db()
    assert version.attachments == document.attachments
    again = selectors.version_to_parsed(version=version)
    assert again.attachments == document.attachments
    assert tree(again) == tree(document)


def test_akn_regulation_without_eids_gets_prefixed_ones():
    data = """<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><bill>
    <body><article><num>Điều 1.</num><content><p>A.</p></content></article></body>
    <attachments><attachment><doc name="regulation">
      <preface><p class="heading">QUY ĐỊNH</p></preface>
      <mainBody><chapter><num>Chương I</num><article><num>Điều 1.</num>
        <paragraph><num>1.</num><content><p>B.</p></content></paragraph>
      </article></chapter></mainBody>
    </doc></attachment></attachments></bill></akomaNtoso>""".encode()
    document = parse_akn(data)
    assert [item.eid for item in document.walk()] == [
        "art_1",
        "att_1__chp_I",
        "att_1__art_1",
        "att_1__art_1__para_1",
    ]
    assert document.attachments == [{"eid_prefix": "att_1", "heading": "QUY ĐỊNH", "note": ""}]
