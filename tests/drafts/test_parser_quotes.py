"""Quoted replacement text in amending documents: its labels are not provisions of the document."""

from collections import Counter
from textwrap import dedent

import pytest
from django.utils import translation

from drafts.importers.structure import ParsedDocument, ParsedProvision
from drafts.importers.text import parse_text, scan_quotes


def parse(text: str) -> ParsedDocument:
    with translation.override("en"):
        return parse_text(dedent(text))


def counts(document: ParsedDocument) -> Counter[str]:
    return Counter(str(provision.kind) for provision in document.walk())


def by_eid(document: ParsedDocument) -> dict[str, ParsedProvision]:
    return {provision.eid: provision for provision in document.walk()}


@pytest.mark.parametrize(
    ("line", "depth", "opens"),
    [
        ("“Điều 5. Cơ quan kiểm soát", 1, True),
        ("“Điều 5. Cơ quan kiểm soát”", 0, False),
        ("Sửa đổi khoản 3 như sau: “3. Hồ sơ gồm:", 1, True),
        ("Thay cụm từ “A” bằng cụm từ “B” tại Điều 5.", 0, False),
        ("bỏ cụm từ “Văn phòng Chính phủ tại Khoản 4 Điều 13.", 1, False),
        ("tên miền “.vn” và “.com”", 0, False),
        ("các quy định khác của pháp luật.”.", -1, False),
        ('"Điều 7. Trách nhiệm', 1, True),
        ('thay cụm từ "Văn phòng Bộ” bằng "Tổ chức pháp chế" tại Khoản 2.', 0, False),
        ("«đ) Trường hợp khác.»", 0, False),
        ("“Điều 68. Bảo vệ tên miền “.vn”", 1, True),
        ('trong dự thảo văn bản ".', -1, False),
        ('Thay từ "A" bằng từ "B".', 0, False),
    ],
)
def test_scan_quotes(line, depth, opens):
    assert scan_quotes(line) == (depth, opens)


AMENDING_DECREE = """
    Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số 1/2020/NĐ-CP
    1. Sửa đổi Điều 1 và Điều 2 như sau:
    “Điều 1. Phạm vi điều chỉnh
    Nghị định này quy định về dữ liệu.
    Điều 2. Đối tượng áp dụng
    1. Cơ quan nhà nước.
    2. Tổ chức, cá nhân.
    ”
    2. Sửa đổi khoản 3 Điều 4 như sau: "3. Hồ sơ gồm:
    a) Đơn đề nghị;
    b) Bản sao giấy tờ."
    3. Bổ sung điểm đ vào khoản 1 Điều 5 như sau:
    «đ) Trường hợp khác.»
    4. Sửa đổi Chương III như sau:
    “Chương III
    QUẢN LÝ NHÀ NƯỚC
    Mục 1. NỘI DUNG
    Điều 10. Nội dung quản lý
    1. Ban hành văn bản.”;
    5. Sửa đổi điểm a khoản 2 Điều 7 như sau:
    “a) Nội dung mới;”.
    Điều 2. Hiệu lực thi hành
    Nghị định này có hiệu lực từ ngày ký.
"""


def test_quoted_articles_chapters_clauses_and_points_are_text():
    document = parse(AMENDING_DECREE)
    assert counts(document) == {"article": 2, "clause": 5}
    assert document.warnings == []
    provisions = by_eid(document)
    assert provisions["art_1__para_1"].text.splitlines() == [
        "Sửa đổi Điều 1 và Điều 2 như sau:",
        "“Điều 1. Phạm vi điều chỉnh",
        "Nghị định này quy định về dữ liệu.",
        "Điều 2. Đối tượng áp dụng",
        "1. Cơ quan nhà nước.",
        "2. Tổ chức, cá nhân.",
        "”",
    ]
    assert provisions["art_1__para_2"].text.splitlines()[1:] == [
        "a) Đơn đề nghị;",
        'b) Bản sao giấy tờ."',
    ]
    assert provisions["art_1__para_4"].text.splitlines()[1:3] == ["“Chương III", "QUẢN LÝ NHÀ NƯỚC"]
    assert (
        provisions["art_1__para_5"].text
        == "Sửa đổi điểm a khoản 2 Điều 7 như sau:\n“a) Nội dung mới;”."
    )
    assert provisions["art_2"].text == "Nghị định này có hiệu lực từ ngày ký."


def test_quotation_opened_in_a_point_belongs_to_the_point():
    document = parse(
        """
        Điều 1. Sửa đổi Luật X
        1. Sửa đổi Điều 5 như sau:
        a) Sửa đổi khoản 1 như sau:
        “1. Nội dung mới:
        a) Một;
        b) Hai.”;
        b) Bãi bỏ khoản 2.
        """
    )
    provisions = by_eid(document)
    assert [point.num for point in provisions["art_1__para_1"].children] == ["a", "b"]
    assert provisions["art_1__para_1__point_a"].text.splitlines() == [
        "Sửa đổi khoản 1 như sau:",
        "“1. Nội dung mới:",
        "a) Một;",
        "b) Hai.”;",
    ]


def test_quotation_in_the_lead_in_of_an_article_without_clauses():
    document = parse(
        """
        Điều 3. Sửa đổi, bổ sung khoản 1 Điều 17 của Nghị định số 36/2012/NĐ-CP như sau:
        “Điều 17. Văn phòng Bộ
        1. Văn phòng Bộ là tổ chức thuộc Bộ.”
        Điều 4. Hiệu lực
        Nội dung.
        """
    )
    assert counts(document) == {"article": 2}
    assert document.provisions[0].text.splitlines() == [
        "“Điều 17. Văn phòng Bộ",
        "1. Văn phòng Bộ là tổ chức thuộc Bộ.”",
    ]


def test_a_quotation_that_quotes_the_next_article_number_still_ends_at_its_closing_quote():
    document = parse(
        """
        Điều 1. Sửa đổi Luật X
        1. Sửa đổi Điều 2 như sau:
        “Điều 2. Đối tượng áp dụng
        Luật này áp dụng đối với cơ quan.”
        2. Bãi bỏ Điều 3.
        Điều 2. Hiệu lực thi hành
        Luật này có hiệu lực từ ngày 01 tháng 01 năm 2027.
        """
    )
    assert [article.num for article in document.provisions] == ["1", "2"]
    assert len(document.provisions[0].children) == 2
    assert document.warnings == []


def test_a_quotation_never_closed_ends_before_the_next_article_in_sequence():
    document = parse(
        """
        Điều 1. Sửa đổi Luật X
        1. Bổ sung Điều 190a như sau:
        “Điều 190a. Điều kiện chuyển nhượng
        1. Điều kiện thứ nhất;
        2. Điều kiện thứ hai.
        Điều 2. Hiệu lực thi hành
        Luật này có hiệu lực từ ngày ký.
        """
    )
    assert [article.num for article in document.provisions] == ["1", "2"]
    assert by_eid(document)["art_1__para_1"].text.splitlines()[-1] == "2. Điều kiện thứ hai."
    assert document.warnings == ["a quotation opened in Điều 1 is never closed"]


def test_a_quotation_never_closed_ends_before_the_next_amending_instruction():
    document = parse(
        """
        Điều 1. Sửa đổi Luật X
        1. Bổ sung Điều 190a như sau:
        “Điều 190a. Điều kiện
        1. Điều kiện thứ nhất;
        2. Điều kiện thứ hai.
        2. Sửa đổi khoản 3 Điều 200 như sau:
        “3. Nội dung mới.”.
        3. Bãi bỏ điểm c khoản 1 Điều 210.
        Điều 2. Hiệu lực thi hành
        Luật này có hiệu lực từ ngày ký.
        """
    )
    assert [clause.num for clause in document.provisions[0].children] == ["1", "2", "3"]
    assert document.provisions[0].children[1].text.splitlines() == [
        "Sửa đổi khoản 3 Điều 200 như sau:",
        "“3. Nội dung mới.”.",
    ]
    assert document.warnings == ["a quotation opened in Điều 1 is never closed"]


def test_a_stray_quote_in_a_definition_ends_at_the_next_clause():
    document = parse(
        """
        Điều 3. Giải thích từ ngữ
        1. “Dữ liệu cá nhân là thông tin gắn với một con người cụ thể.
        2. “Xử lý dữ liệu” là hoạt động tác động tới dữ liệu.
        3. “Chủ thể dữ liệu” là người được dữ liệu phản ánh.
        """
    )
    assert [clause.num for clause in document.provisions[0].children] == ["1", "2", "3"]
    assert "a quotation opened in Điều 3 is never closed" in document.warnings


def test_a_quotation_never_closed_does_not_swallow_the_signature():
    document = parse(
        """
        Điều 1. Sửa đổi Luật X
        1. Sửa đổi Điều 5 như sau:
        “Điều 5. Nội dung
        Nội dung mới.
        Luật này được Quốc hội khóa XV thông qua ngày 29 tháng 6 năm 2024.
        CHỦ TỊCH QUỐC HỘI
        Trần Thanh Mẫn
        """
    )
    assert document.provisions[0].children[0].text.splitlines()[-1] == "Nội dung mới."
    assert document.closing.splitlines()[1:] == ["CHỦ TỊCH QUỐC HỘI", "Trần Thanh Mẫn"]


def test_quotes_only_matter_inside_articles():
    document = parse(
        """
        NGHỊ ĐỊNH
        “Về việc thử nghiệm
        Căn cứ Luật A;
        Chương I
        “QUY ĐỊNH CHUNG
        Điều 1. Phạm vi
        Nội dung.
        """
    )
    assert counts(document) == {"chapter": 1, "article": 1}
    assert document.warnings == []


def test_a_closing_quote_on_the_same_line_opens_nothing():
    document = parse(
        """
        Điều 1. Sửa đổi Luật X
        1. Sửa đổi khoản 2 Điều 3 như sau: “2. Nội dung mới.”
        2. Thay thế cụm từ “A” bằng cụm từ “B” tại Điều 4.
        3. Bãi bỏ Điều 6.
        """
    )
    assert [clause.num for clause in document.provisions[0].children] == ["1", "2", "3"]
    assert document.warnings == []


def test_a_quoted_chapter_titled_like_a_signature_stays_quoted():
    document = parse(
        """
        Điều 1. Sửa đổi Hiến pháp
        1. Sửa đổi Chương VI như sau:
        “Chương VI
        CHỦ TỊCH NƯỚC
        Điều 86. Chủ tịch nước là người đứng đầu Nhà nước.”
        2. Bãi bỏ Điều 90.
        Điều 2. Hiệu lực
        Nội dung.
        """
    )
    assert [clause.num for clause in document.provisions[0].children] == ["1", "2"]
    assert document.provisions[0].children[0].text.splitlines()[2] == "CHỦ TỊCH NƯỚC"
    assert document.closing == ""
    assert document.warnings == []
