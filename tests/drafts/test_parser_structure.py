"""The text parser's provision tree on constructed texts: labels, headings, eids, numbering."""

from collections import Counter
from textwrap import dedent

import pytest
from django.utils import translation

from drafts.importers.structure import Kind, ParsedDocument, ParsedProvision, SourceLine
from drafts.importers.text import parse_lines, parse_text


def parse(text: str) -> ParsedDocument:
    with translation.override("en"):
        return parse_text(dedent(text))


def counts(document: ParsedDocument) -> Counter[str]:
    return Counter(str(provision.kind) for provision in document.walk())


def by_eid(document: ParsedDocument) -> dict[str, ParsedProvision]:
    return {provision.eid: provision for provision in document.walk()}


def outline(provisions: list[ParsedProvision]) -> list[object]:
    return [(p.eid, outline(p.children)) if p.children else p.eid for p in provisions]


# -- hierarchy -----------------------------------------------------------------------------------


def test_parts_chapters_sections_subsections_articles_nest():
    document = parse(
        """
        PHẦN THỨ NHẤT
        QUY ĐỊNH CHUNG
        Chương I
        NHỮNG QUY ĐỊNH CHUNG
        Điều 1. Phạm vi điều chỉnh
        Bộ luật này quy định địa vị pháp lý.
        PHẦN THỨ HAI
        QUYỀN SỞ HỮU
        Chương II
        QUY ĐỊNH CHUNG
        Mục 1. NỘI DUNG QUYỀN SỞ HỮU
        Tiểu mục 1. QUYỀN CHIẾM HỮU
        Điều 2. Chiếm hữu
        Chiếm hữu là việc nắm giữ tài sản.
        Tiểu mục 2
        QUYỀN SỬ DỤNG
        Điều 3. Quyền sử dụng
        Quyền sử dụng là quyền khai thác công dụng.
        Mục 2
        CĂN CỨ XÁC LẬP
        Điều 4. Căn cứ xác lập
        Quyền sở hữu được xác lập theo luật.
        """
    )
    assert outline(document.provisions) == [
        ("part_1", [("chp_I", ["art_1"])]),
        (
            "part_2",
            [
                (
                    "chp_II",
                    [
                        (
                            "chp_II__sec_1",
                            [
                                ("chp_II__sec_1__subsec_1", ["art_2"]),
                                ("chp_II__sec_1__subsec_2", ["art_3"]),
                            ],
                        ),
                        ("chp_II__sec_2", ["art_4"]),
                    ],
                )
            ],
        ),
    ]
    provisions = by_eid(document)
    assert provisions["part_1"].num == "thứ nhất"
    assert provisions["part_1"].heading == "QUY ĐỊNH CHUNG"
    assert provisions["part_2"].num == "thứ hai"
    assert provisions["chp_II__sec_1__subsec_2"].heading == "QUYỀN SỬ DỤNG"
    assert provisions["chp_II__sec_2"].heading == "CĂN CỨ XÁC LẬP"
    assert document.warnings == []


@pytest.mark.parametrize(
    ("line", "num", "eid"),
    [
        ("Phần thứ nhất", "thứ nhất", "part_1"),
        ("PHẦN THỨ TƯ", "thứ tư", "part_4"),
        ("Phần thứ mười hai", "thứ mười hai", "part_12"),
        ("Phần thứ hai mươi mốt", "thứ hai mươi mốt", "part_21"),
        ("Phần III", "III", "part_3"),
        ("Phần 2", "2", "part_2"),
    ],
)
def test_part_numbers_in_words_roman_or_arabic(line, num, eid):
    document = parse(f"{line}\nNHỮNG QUY ĐỊNH\nĐiều 1. Phạm vi\nNội dung.")
    part = document.provisions[0]
    assert (part.kind, part.num, part.eid, part.heading) == (Kind.PART, num, eid, "NHỮNG QUY ĐỊNH")


def test_part_title_on_the_same_line():
    document = parse("PHẦN THỨ HAI: QUYỀN SỞ HỮU\nĐiều 1. Chiếm hữu\nNội dung.")
    assert (document.provisions[0].num, document.provisions[0].heading) == (
        "thứ hai",
        "QUYỀN SỞ HỮU",
    )


@pytest.mark.parametrize(
    ("line", "num", "eid", "heading"),
    [
        ("Chương II", "II", "chp_II", "QUY ĐỊNH CHUNG"),
        ("CHƯƠNG III", "III", "chp_III", "QUY ĐỊNH CHUNG"),
        ("Chương I.", "I", "chp_I", "QUY ĐỊNH CHUNG"),
        ("Chương 2", "2", "chp_2", "QUY ĐỊNH CHUNG"),
        ("Chương IV. QUẢN LÝ NHÀ NƯỚC", "IV", "chp_IV", "QUẢN LÝ NHÀ NƯỚC"),
        ("Chương IV: QUẢN LÝ NHÀ NƯỚC", "IV", "chp_IV", "QUẢN LÝ NHÀ NƯỚC"),
        ("CHƯƠNG IV - QUẢN LÝ NHÀ NƯỚC", "IV", "chp_IV", "QUẢN LÝ NHÀ NƯỚC"),
        ("Chương IV QUẢN LÝ NHÀ NƯỚC", "IV", "chp_IV", "QUẢN LÝ NHÀ NƯỚC"),
        ("Chương XII. Quản lý nhà nước.", "XII", "chp_XII", "Quản lý nhà nước"),
    ],
)
def test_chapter_label_variants(line, num, eid, heading):
    title = "" if heading != "QUY ĐỊNH CHUNG" else "QUY ĐỊNH CHUNG\n"
    document = parse(f"{line}\n{title}Điều 1. Phạm vi\nNội dung.")
    chapter = document.provisions[0]
    assert (chapter.kind, chapter.num, chapter.eid, chapter.heading) == (
        Kind.CHAPTER,
        num,
        eid,
        heading,
    )
    assert [child.eid for child in chapter.children] == ["art_1"]


def test_chapter_title_in_capitals_broken_over_two_lines_is_joined():
    document = parse(
        """
        Chương IV
        BIỆN PHÁP BẢO ĐẢM ỨNG DỤNG
        VÀ PHÁT TRIỂN CÔNG NGHỆ THÔNG TIN
        Mục 1: CƠ SỞ HẠ TẦNG
        Điều 54. Nguyên tắc
        Nội dung.
        """
    )
    chapter = document.provisions[0]
    assert chapter.heading == "BIỆN PHÁP BẢO ĐẢM ỨNG DỤNG VÀ PHÁT TRIỂN CÔNG NGHỆ THÔNG TIN"
    assert chapter.children[0].heading == "CƠ SỞ HẠ TẦNG"


def test_chapter_title_continued_by_a_line_that_elsewhere_would_be_a_signature():
    document = parse(
        """
        Điều 1. A
        Nội dung.
        Chương II
        NHIỆM VỤ, QUYỀN HẠN CỦA
        CHỦ TỊCH ỦY BAN NHÂN DÂN
        Điều 2. B
        Nội dung.
        """
    )
    assert document.provisions[1].heading == "NHIỆM VỤ, QUYỀN HẠN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN"
    assert document.closing == ""


def test_chapter_title_in_sentence_case_on_the_next_line():
    document = parse("Chương I\nNhững quy định chung\nĐiều 1. Phạm vi\nNội dung.")
    assert document.provisions[0].heading == "Những quy định chung"


def test_chapter_title_is_taken_from_a_bold_centred_docx_line():
    lines = [
        SourceLine("Chương II", bold=True, centered=True),
        SourceLine("Quản lý, sử dụng dữ liệu số quốc gia của cơ quan nhà nước.", bold=True),
        SourceLine("Điều 5. Dữ liệu", bold=True),
        SourceLine("Nội dung."),
    ]
    with translation.override("en"):
        document = parse_lines(lines)
    assert document.provisions[0].heading == (
        "Quản lý, sử dụng dữ liệu số quốc gia của cơ quan nhà nước"
    )


@pytest.mark.parametrize(
    "line",
    ["Mục 1", "Mục 1:", "MỤC 1.", "Mục 1 -"],
)
def test_section_label_variants_take_the_next_line_as_title(line):
    document = parse(f"Chương I\nQUY ĐỊNH CHUNG\n{line}\nQUY ĐỊNH VỀ DỮ LIỆU\nĐiều 1. A\nB.")
    section = document.provisions[0].children[0]
    assert (section.eid, section.heading) == ("chp_I__sec_1", "QUY ĐỊNH VỀ DỮ LIỆU")


def test_sections_without_a_chapter():
    document = parse("Mục 1. DỮ LIỆU\nĐiều 1. A\nB.\nMục 2. DỊCH VỤ\nĐiều 2. C\nD.")
    assert outline(document.provisions) == [("sec_1", ["art_1"]), ("sec_2", ["art_2"])]


# -- articles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "num", "eid", "heading"),
    [
        ("Điều 5. Chính sách của Nhà nước", "5", "art_5", "Chính sách của Nhà nước"),
        ("Điều 5 Chính sách của Nhà nước", "5", "art_5", "Chính sách của Nhà nước"),
        ("Điều 5:Chính sách của Nhà nước", "5", "art_5", "Chính sách của Nhà nước"),
        ("Điều 5.Chính sách của Nhà nước", "5", "art_5", "Chính sách của Nhà nước"),
        ("Điều 5.- Chính sách của Nhà nước", "5", "art_5", "Chính sách của Nhà nước"),
        ("Điều 5 - Chính sách của Nhà nước", "5", "art_5", "Chính sách của Nhà nước"),
        ("ĐIỀU 5. CHÍNH SÁCH", "5", "art_5", "CHÍNH SÁCH"),
        ("Điều 5a. Chính sách bổ sung", "5a", "art_5a", "Chính sách bổ sung"),
        ("Ðiều 5. Chính sách", "5", "art_5", "Chính sách"),  # Icelandic eth for Đ
    ],
)
def test_article_label_variants(line, num, eid, heading):
    document = parse(f"{line}\nNội dung của điều.")
    article = document.provisions[0]
    assert (article.kind, article.num, article.eid, article.heading, article.text) == (
        Kind.ARTICLE,
        num,
        eid,
        heading,
        "Nội dung của điều.",
    )


@pytest.mark.parametrize(
    "line",
    [
        "Điều kiện để được hỗ trợ là có hồ sơ hợp lệ.",
        "Điều này áp dụng cho mọi cơ quan.",
        "Điều 5 của Luật này được hướng dẫn như sau.",
        "Điều 5 Luật Đất đai được áp dụng.",
        "Điều 5, Điều 6 và Điều 7 không áp dụng.",
        "Chương trình chuyển đổi số được phê duyệt.",
        "Chương II của Luật này quy định khác.",
        "Mục tiêu của chương trình là phát triển.",
        "Mục 2 Chương III được áp dụng.",
        "Phần vốn nhà nước được quản lý.",
        "Phần thứ hai của Bộ luật này được áp dụng.",
        "Tiểu mục này áp dụng cho hợp đồng.",
    ],
)
def test_sentences_that_start_like_a_label_are_text(line):
    document = parse(f"Điều 1. Phạm vi\n1. Khoản một.\n{line}\nĐiều 2. Hiệu lực\nNội dung.")
    assert counts(document) == {"article": 2, "clause": 1}
    assert document.provisions[0].children[0].text.splitlines() == ["Khoản một.", line]


def test_footnote_marks_of_a_consolidated_text_after_the_numbers():
    document = parse(
        """
        Chương I[1]
        NHIỆM VỤ
        Điều 1[2]. Phạm vi điều chỉnh
        1[3]. Khoản một;
        a[4]) Điểm a.
        """
    )
    assert [p.eid for p in document.walk()] == [
        "chp_I",
        "art_1",
        "art_1__para_1",
        "art_1__para_1__point_a",
    ]
    assert document.provisions[0].children[0].heading == "Phạm vi điều chỉnh"


def test_article_alone_takes_a_short_next_line_as_heading():
    document = parse("Điều 12.\nPhạm vi điều chỉnh\nNghị định này quy định.")
    article = document.provisions[0]
    assert (article.heading, article.text) == ("Phạm vi điều chỉnh", "Nghị định này quy định.")


def test_constitution_articles_have_no_heading():
    document = parse(
        """
        Chương I
        CHẾ ĐỘ CHÍNH TRỊ
        Điều 1
        Nước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập, có chủ quyền, thống nhất.
        Điều 2
        1. Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam là nhà nước pháp quyền xã hội chủ nghĩa.
        2. Nước Cộng hòa xã hội chủ nghĩa Việt Nam do Nhân dân làm chủ.
        Điều 3. Nhà nước bảo đảm và phát huy quyền làm chủ của Nhân dân.
        Điều 4
        Quốc hội có những nhiệm vụ và quyền hạn sau đây:
        1. Làm Hiến pháp;
        2. Làm luật.
        """
    )
    articles = document.provisions[0].children
    assert [article.heading for article in articles] == ["", "", "", ""]
    assert articles[0].text.startswith("Nước Cộng hòa xã hội chủ nghĩa Việt Nam là")
    assert [clause.eid for clause in articles[1].children] == ["art_2__para_1", "art_2__para_2"]
    assert articles[2].text == "Nhà nước bảo đảm và phát huy quyền làm chủ của Nhân dân."
    assert articles[3].text == "Quốc hội có những nhiệm vụ và quyền hạn sau đây:"
    assert len(articles[3].children) == 2


def test_a_sentence_after_the_article_number_is_its_body():
    document = parse(
        """
        Điều 1. Ban hành kèm theo Quyết định này Quy định về quản lý cổng thông tin điện tử.
        Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
        Điều 3. Chánh Văn phòng và các cơ quan chịu trách nhiệm thi hành Quyết định này./.
        """
    )
    assert [(a.heading, a.text[:20]) for a in document.provisions] == [
        ("", "Ban hành kèm theo Qu"),
        ("", "Quyết định này có hi"),
        ("", "Chánh Văn phòng và c"),
    ]


def test_a_heading_with_a_stray_period_before_clauses_stays_a_heading():
    document = parse("Điều 3. Đối tượng áp dụng.\n1. Cơ quan nhà nước.\n2. Doanh nghiệp.")
    assert document.provisions[0].heading == "Đối tượng áp dụng"


def test_a_bold_docx_heading_with_a_period_stays_a_heading():
    lines = [
        SourceLine("Điều 1. Phạm vi điều chỉnh.", bold=True),
        SourceLine("Quy định này quy định về dữ liệu."),
        SourceLine("Điều 2. Quy định này có hiệu lực từ ngày ký."),
    ]
    with translation.override("en"):
        document = parse_lines(lines)
    assert [a.heading for a in document.provisions] == ["Phạm vi điều chỉnh", ""]
    assert document.provisions[1].text == "Quy định này có hiệu lực từ ngày ký."


def test_heading_ending_in_a_colon_is_kept_as_printed():
    document = parse("Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số 1/2020/NĐ-CP như sau:")
    assert document.provisions[0].heading.endswith("như sau:")


def test_a_very_long_unpunctuated_text_after_the_number_is_body():
    long_text = "Nội dung " * 60
    document = parse(f"Điều 1. {long_text}")
    assert (document.provisions[0].heading, document.provisions[0].text) == ("", long_text.strip())


# -- clauses and points --------------------------------------------------------------------------


def test_clause_label_variants():
    document = parse(
        """
        Điều 1. Giải thích từ ngữ
        Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
        1. Một là một.
        2.Hai là hai.
        2a. Hai a là hai a.
        3..Ba là ba.
        4 Bốn là bốn.
        5- Năm là năm.
        """
    )
    article = document.provisions[0]
    assert [(c.num, c.eid, c.text) for c in article.children] == [
        ("1", "art_1__para_1", "Một là một."),
        ("2", "art_1__para_2", "Hai là hai."),
        ("2a", "art_1__para_2a", "Hai a là hai a."),
        ("3", "art_1__para_3", "Ba là ba."),
        ("4", "art_1__para_4", "Bốn là bốn."),
        ("5", "art_1__para_5", "Năm là năm."),
    ]
    assert article.text == "Trong Luật này, các từ ngữ dưới đây được hiểu như sau:"
    assert document.warnings == []


@pytest.mark.parametrize(
    "line",
    [
        "1) Mục con kiểu khác.",
        "1.1. Tiểu mục đánh số thập phân.",
        "3.000.000 đồng cho mỗi hồ sơ.",
        "2026 là năm chuyển đổi số.",
        "7 Nội dung không đúng số thứ tự.",  # without a dot only as the number expected next
        "- Gạch đầu dòng.",
        "+ Dấu cộng.",
    ],
)
def test_lines_that_are_not_clauses(line):
    document = parse(f"Điều 1. Phạm vi\n1. Khoản một:\n{line}")
    clause = document.provisions[0].children[0]
    assert clause.text.splitlines() == ["Khoản một:", line]
    assert len(document.provisions[0].children) == 1


def test_points_with_every_letter_and_inserted_points():
    letters = list("abcdđeghiklmnopqrstuvxy")
    points = "\n".join(f"{letter}) Điểm {letter};" for letter in letters)
    document = parse(f"Điều 1. Phạm vi\n1. Gồm:\n{points}\na1) Chen sau a?")
    clause = document.provisions[0].children[0]
    assert [point.num for point in clause.children] == [*letters, "a1"]
    assert clause.children[4].eid == "art_1__para_1__point_dd"
    assert clause.children[4].text == "Điểm đ;"
    assert clause.children[-1].eid == "art_1__para_1__point_a1"


def test_inserted_point_in_sequence_does_not_warn():
    document = parse("Điều 1. A\n1. B:\na) C;\na1) D;\nb) E;\nđ1) F.")
    assert [p.num for p in document.provisions[0].children[0].children] == ["a", "a1", "b", "đ1"]
    assert document.warnings == ["point b) is followed by đ1) in Điều 1 khoản 1"]


@pytest.mark.parametrize("line", ["f) Không phải điểm.", "j) Không phải.", "w) Không."])
def test_letters_vietnamese_does_not_use_are_not_points(line):
    document = parse(f"Điều 1. A\n1. B:\n{line}")
    assert document.provisions[0].children[0].children == []


def test_loose_point_labels_only_in_sequence():
    document = parse("Điều 1. A\n1. Gồm:\na. Thứ nhất;\nb/ Thứ hai;\nd. Không theo thứ tự.")
    clause = document.provisions[0].children[0]
    assert [point.num for point in clause.children] == ["a", "b"]
    assert clause.children[-1].text == "Thứ hai;\nd. Không theo thứ tự."


def test_points_directly_under_an_article_are_its_children():
    document = parse(
        """
        Điều 5. Căn cứ xác lập quyền sở hữu
        Quyền sở hữu được xác lập trong trường hợp sau đây:
        a) Do lao động;
        b) Được chuyển quyền sở hữu.
        """
    )
    article = document.provisions[0]
    assert article.text == "Quyền sở hữu được xác lập trong trường hợp sau đây:"
    assert [(p.kind, p.eid) for p in article.children] == [
        (Kind.POINT, "art_5__point_a"),
        (Kind.POINT, "art_5__point_b"),
    ]


def test_texts_belong_to_the_nearest_open_provision():
    document = parse(
        """
        Điều 2. Mức chi
        Mức chi được quy định như sau:
        Bảng mức chi kèm theo.
        1. Hỗ trợ hằng tháng:
        Theo mức sau đây.
        a) Tổ trưởng: 1.500.000 đồng;
        - Trường hợp kiêm nhiệm: thêm 10%;
        b) Tổ viên: 1.200.000 đồng.
        Trường hợp đặc biệt do Chủ tịch quyết định.
        2. Hỗ trợ bảo hiểm y tế.
        """
    )
    provisions = by_eid(document)
    assert provisions["art_2"].text == "Mức chi được quy định như sau:\nBảng mức chi kèm theo."
    assert provisions["art_2__para_1"].text == "Hỗ trợ hằng tháng:\nTheo mức sau đây."
    assert provisions["art_2__para_1__point_a"].text == (
        "Tổ trưởng: 1.500.000 đồng;\n- Trường hợp kiêm nhiệm: thêm 10%;"
    )
    assert provisions["art_2__para_1__point_b"].text == (
        "Tổ viên: 1.200.000 đồng.\nTrường hợp đặc biệt do Chủ tịch quyết định."
    )
    assert provisions["art_2__para_2"].text == "Hỗ trợ bảo hiểm y tế."


def test_clause_and_point_lines_outside_an_article_are_text():
    document = parse("Chương I\nQUY ĐỊNH CHUNG\n1. Không thuộc điều nào.\na) Cũng vậy.")
    chapter = document.provisions[0]
    assert chapter.children == []
    assert chapter.text == "1. Không thuộc điều nào.\na) Cũng vậy."


def test_numbered_rows_of_a_docx_table_are_not_clauses():
    lines = [
        SourceLine("Điều 1. Mức thu"),
        SourceLine("Mức thu như sau:"),
        SourceLine("1.", in_table=True),
        SourceLine("Cấp mới", in_table=True),
        SourceLine("2. Mức thu được điều chỉnh hằng năm."),
    ]
    with translation.override("en"):
        document = parse_lines(lines)
    article = document.provisions[0]
    assert article.text == "Mức thu như sau:\n1.\nCấp mới"
    assert [clause.num for clause in article.children] == ["2"]


def test_markdown_table_rows_inside_an_article_are_its_text():
    document = parse(
        """
        Điều 2. Mức thu
        1. Mức thu lệ phí:
        | STT | Nội dung | Mức thu |
        |---|---|---|
        | 1 | Cấp mới | 50.000 |
        2. Lệ phí nộp vào ngân sách.
        """
    )
    first = by_eid(document)["art_2__para_1"]
    assert first.text.splitlines()[1:] == [
        "| STT | Nội dung | Mức thu |",
        "|---|---|---|",
        "| 1 | Cấp mới | 50.000 |",
    ]
    assert counts(document) == {"article": 1, "clause": 2}


def test_roman_headings_inside_an_article_restart_clause_numbers_with_a_warning():
    document = parse(
        """
        Điều 1. Phê duyệt Chương trình với các nội dung sau:
        I. MỤC TIÊU
        1. Mục tiêu chung
        2. Mục tiêu cụ thể
        II. NHIỆM VỤ
        1. Nhiệm vụ thứ nhất.
        Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
        """
    )
    article = document.provisions[0]
    assert article.text == "I. MỤC TIÊU"
    assert [clause.eid for clause in article.children] == [
        "art_1__para_1",
        "art_1__para_2",
        "art_1__para_1_2",
    ]
    assert article.children[1].text == "Mục tiêu cụ thể\nII. NHIỆM VỤ"
    assert document.warnings == ["khoản 1 appears twice in Điều 1"]


def test_a_report_outline_announced_by_a_colon_is_not_a_part():
    document = parse(
        """
        Điều 3. Nội dung báo cáo
        Báo cáo gồm các phần sau đây:
        Phần I. Tình hình thực hiện
        Phần II. Kiến nghị
        Điều 4. Hiệu lực
        Nội dung.
        """
    )
    assert counts(document) == {"article": 2}
    assert document.provisions[0].text.splitlines()[1:] == [
        "Phần I. Tình hình thực hiện",
        "Phần II. Kiến nghị",
    ]


# -- numbering checks and eids -------------------------------------------------------------------


def test_gaps_duplicates_and_disorder_are_warned_and_eids_stay_unique():
    document = parse(
        """
        Chương I
        A
        Điều 1. A
        1. Một.
        2. Hai.
        4. Bốn.
        4. Bốn lại.
        Điều 2. B
        a) Một;
        b) Hai;
        d) Bốn.
        Chương III
        C
        Điều 2. Trùng
        Nội dung.
        Điều 4. D
        Nội dung.
        Điều 3. E
        Nội dung.
        """
    )
    assert document.warnings == [
        "khoản 2 is followed by khoản 4 in Điều 1",
        "khoản 4 appears twice in Điều 1",
        "point b) is followed by d) in Điều 2",
        "Chương I is followed by Chương III",
        "Điều 2 appears twice",
        "Điều 2 is followed by Điều 4",
        "Điều 4 is followed by Điều 3",
    ]
    eids = [provision.eid for provision in document.walk()]
    assert len(eids) == len(set(eids))
    assert "art_2_2" in eids
    assert "art_1__para_4_2" in eids


def test_inserted_articles_and_clauses_are_in_sequence():
    document = parse(
        "Điều 1. A\n1. X.\n1a. Y.\n2. Z.\n"
        "Điều 1a. B\nNội dung.\nĐiều 1b. C\nNội dung.\nĐiều 2. D\nE."
    )
    assert [article.eid for article in document.provisions] == [
        "art_1",
        "art_1a",
        "art_1b",
        "art_2",
    ]
    assert document.warnings == []


def test_numbering_that_does_not_start_at_one_is_warned():
    document = parse("Điều 3. A\n2. X.\nb) Y.")
    assert document.warnings == [
        "the first Điều is Điều 3",
        "the first khoản is khoản 2 in Điều 3",
        "the first point of Điều 3 khoản 2 is b)",
    ]


def test_arabic_chapters_in_old_texts_keep_their_number_in_the_eid():
    document = parse("Chương 1\nQUY ĐỊNH CHUNG\nĐiều 1. A\nB.\nChương 2\nTHI HÀNH\nĐiều 2. C\nD.")
    assert [chapter.eid for chapter in document.provisions] == ["chp_1", "chp_2"]
    assert document.warnings == []


def test_to_dict_has_the_shape_the_command_prints():
    document = parse("Điều 1. A\n1. B:\na) C.")
    data = document.to_dict()
    assert data["provisions"] == [
        {
            "kind": "article",
            "num": "1",
            "eid": "art_1",
            "heading": "A",
            "text": "",
            "children": [
                {
                    "kind": "clause",
                    "num": "1",
                    "eid": "art_1__para_1",
                    "heading": "",
                    "text": "B:",
                    "children": [
                        {
                            "kind": "point",
                            "num": "a",
                            "eid": "art_1__para_1__point_a",
                            "heading": "",
                            "text": "C.",
                            "children": [],
                        }
                    ],
                }
            ],
        }
    ]
