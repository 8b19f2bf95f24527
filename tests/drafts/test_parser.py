"""The text parser on the two real texts in the shared fixtures, with exact counts, and its input
normalisation; constructed texts are in the test_parser_*.py files next to this one."""

import time
from collections import Counter

import pytest
from django.utils import translation

from drafts.importers.structure import Kind, ParsedDocument, ParsedProvision, SourceLine
from drafts.importers.text import clean_line, parse_lines, parse_text
from tests.drafts.conftest import legal_text


def parse(text: str) -> ParsedDocument:
    with translation.override("en"):
        return parse_text(text)


def counts(document: ParsedDocument) -> Counter[str]:
    return Counter(str(provision.kind) for provision in document.walk())


def by_eid(document: ParsedDocument) -> dict[str, ParsedProvision]:
    return {provision.eid: provision for provision in document.walk()}


@pytest.fixture(scope="module")
def law() -> ParsedDocument:
    return parse(legal_text("67_2006_QH11.txt"))


@pytest.fixture(scope="module")
def decree() -> ParsedDocument:
    return parse(legal_text("48_2013_ND-CP.txt"))


# -- Luật Công nghệ thông tin 67/2006/QH11 -----------------------------------------------------


def test_law_counts_every_level_exactly(law):
    assert counts(law) == {
        "chapter": 6,
        "section": 12,
        "article": 79,
        "clause": 261,
        "point": 120,
    }
    assert [chapter.num for chapter in law.provisions] == ["I", "II", "III", "IV", "V", "VI"]
    assert law.warnings == []


def test_law_header(law):
    assert law.document_type == "Luật"
    assert law.number == "67/2006/QH11"
    assert law.title == "CÔNG NGHỆ THÔNG TIN"
    assert law.issuer == "QUỐC HỘI"
    assert law.place_and_date == "Hà Nội, ngày 29 tháng 6 năm 2006"
    assert law.draft_label == ""
    assert len(law.legal_bases) == 1
    assert law.legal_bases[0].startswith("Căn cứ vào Hiến pháp")
    # The session lines between the date and the type line are preamble, not the title.
    assert law.preamble.splitlines() == [
        "QUỐC HỘI NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Khóa XI, kỳ họp thứ 9",
        "(Từ ngày 16 tháng 5 đến ngày 29 tháng 6 năm 2006)",
        "Luật này quy định về công nghệ thông tin.",
    ]


def test_law_containers_have_their_headings_and_nest_articles(law):
    provisions = by_eid(law)
    assert provisions["chp_I"].heading == "NHỮNG QUY ĐỊNH CHUNG"
    assert provisions["chp_VI"].heading == "ĐIỀU KHOẢN THI HÀNH"
    assert provisions["chp_II__sec_1"].heading == "QUY ĐỊNH CHUNG VỀ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN"
    assert [section.num for section in provisions["chp_IV"].children] == ["1", "2", "3", "4"]
    assert [article.num for article in provisions["chp_V"].children] == ["75", "76", "77"]
    assert [article.num for article in provisions["chp_II__sec_2"].children] == [
        str(number) for number in range(24, 29)
    ]


def test_law_every_article_has_its_heading(law):
    articles = [p for p in law.walk() if p.kind is Kind.ARTICLE]
    assert [article.num for article in articles] == [str(n) for n in range(1, 80)]
    assert all(article.heading for article in articles)
    provisions = by_eid(law)
    assert provisions["art_2"].heading == "Đối tượng áp dụng"  # "Điều 2.Đối tượng"
    assert provisions["art_5"].heading.startswith("Chính sách của Nhà nước")  # no dot
    assert provisions["art_24"].heading.startswith("Nguyên tắc ứng dụng")  # "Điều 24:Nguyên"
    assert provisions["art_68"].heading == "Bảo vệ tên miền quốc gia Việt Nam “.vn”"


def test_law_clauses_written_without_a_space_or_a_dot(law):
    provisions = by_eid(law)
    definitions = provisions["art_4"]
    assert definitions.text == "Trong Luật này, các từ ngữ dưới đây được hiểu như sau:"
    assert [clause.num for clause in definitions.children] == [str(n) for n in range(1, 19)]
    assert definitions.children[0].text.startswith("Công nghệ thông tin là")  # "1.Công"
    assert definitions.children[1].text.startswith("Thông tin số là")  # "2..Thông"
    # "1 Cá nhân có quyền ..." lost its dot; it is still the first clause.
    assert provisions["art_22__para_1"].text.startswith("Cá nhân có quyền yêu cầu")
    assert [clause.num for clause in provisions["art_49"].children] == ["1", "2", "3"]


def test_law_points_and_lead_in_text(law):
    provisions = by_eid(law)
    article = provisions["art_9"]
    assert article.text == ""
    assert [point.num for point in provisions["art_9__para_4"].children] == list("abcdđeghi")
    assert provisions["art_9__para_4__point_dd"].text.startswith("Sử dụng chữ ký điện tử")
    assert provisions["art_71"].text.startswith("Tổ chức, cá nhân không được tạo ra")
    assert len(provisions["art_71"].children) == 7


def test_law_last_article_stops_at_the_closing_formula(law):
    last = by_eid(law)["art_79"]
    assert last.text == "Chính phủ quy định chi tiết và hướng dẫn thi hành Luật này."
    assert law.closing.splitlines() == [
        "Luật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XI, kỳ họp thứ 9 "
        "thông qua ngày 29 tháng 6 năm 2006.",
        "CHỦ TỊCH QUỐC HỘI",
        "Nguyễn Phú Trọng",
    ]
    assert law.annexes == []


def test_law_eids_are_unique_and_do_not_depend_on_chapters(law):
    eids = [provision.eid for provision in law.walk()]
    assert len(eids) == len(set(eids))
    assert "art_13" in eids
    assert "art_8__para_1__point_dd" in eids
    assert "chp_III__sec_2" in eids


# -- Nghị định 48/2013/NĐ-CP, an amending decree -------------------------------------------------


def test_decree_has_five_articles_and_quoted_ones_are_text(decree):
    assert counts(decree) == {"article": 5, "clause": 19, "point": 4}
    assert [article.num for article in decree.provisions] == ["1", "2", "3", "4", "5"]
    assert [len(article.children) for article in decree.provisions] == [12, 2, 0, 3, 2]
    assert decree.warnings == []


def test_decree_header_laid_out_as_a_table(decree):
    assert decree.document_type == "Nghị định"
    assert decree.number == "48/2013/NĐ-CP"
    assert decree.issuer == "CHÍNH PHỦ"
    assert decree.place_and_date == "Hà Nội, ngày 14 tháng 05 năm 2013"
    assert decree.title == (
        "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA CÁC NGHỊ ĐỊNH LIÊN QUAN ĐẾN KIỂM SOÁT THỦ TỤC HÀNH CHÍNH"
    )
    assert decree.legal_bases == [
        "Căn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;",
        "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 03 tháng 6 năm 2008;",
    ]
    preamble = decree.preamble.splitlines()
    assert preamble[0] == "Theo đề nghị của Bộ trưởng Bộ Tư pháp;"
    assert preamble[1].startswith("Chính phủ ban hành Nghị định sửa đổi")
    assert len(preamble) == 2


def test_decree_quoted_articles_stay_in_the_clause_that_quotes_them(decree):
    provisions = by_eid(decree)
    first = provisions["art_1__para_1"]
    lines = first.text.splitlines()
    assert lines[0] == "Sửa đổi Điều 5:"
    assert lines[1] == "“Điều 5. Cơ quan, đơn vị kiểm soát thủ tục hành chính"
    assert lines[-1].endswith("Bộ, cơ quan ngang Bộ và Sở Tư pháp.”")
    assert first.children == []
    # Points quoted in clause 10 are text; the points of clause 12 are the decree's own.
    assert provisions["art_1__para_10"].children == []
    assert "đ) Vướng mắc, khó khăn" in provisions["art_1__para_10"].text
    assert [point.num for point in provisions["art_1__para_12"].children] == list("abcd")


def test_decree_quote_in_the_article_lead_in(decree):
    article = by_eid(decree)["art_3"]
    assert article.heading.startswith("Sửa đổi, bổ sung Khoản 1 Điều 17")
    assert article.children == []
    assert article.text.splitlines()[0] == "“Điều 17. Văn phòng Bộ"


def test_decree_a_quote_opened_mid_sentence_does_not_swallow_the_text(decree):
    # Điều 2 khoản 1 has “Văn phòng Chính phủ with no closing quote, in the middle of a line.
    clause = by_eid(decree)["art_2__para_1"]
    assert len(clause.text.splitlines()) == 4
    assert by_eid(decree)["art_2__para_2"].text.startswith("Sửa đổi Điều 22:")


def test_decree_article_headings_and_last_article(decree):
    provisions = by_eid(decree)
    assert provisions["art_1"].heading.startswith("Sửa đổi, bổ sung, bãi bỏ một số điều, khoản")
    assert provisions["art_5"].heading == "Điều khoản thi hành"
    assert provisions["art_5__para_2"].text.endswith("chịu trách nhiệm thi hành Nghị định này.")


def test_decree_signature_table_is_the_closing(decree):
    closing = decree.closing.splitlines()
    assert closing[0].startswith("Nơi nhận: - Ban Bí thư Trung ương Đảng;")
    assert closing[1] == "TM. CHÍNH PHỦ THỦ TƯỚNG Nguyễn Tấn Dũng"


# -- input normalisation -------------------------------------------------------------------------


def test_clean_line_normalises_unicode_and_spaces():
    decomposed = "Đie\u0302\u0300u 5.\u00a0\u00a0Pha\u0323m vi\u200b"
    assert clean_line(decomposed) == "Điều 5. Phạm vi"
    assert clean_line("\ufeff  Ðiều  1. ") == "Điều 1."  # BOM, Icelandic eth, spaces
    assert clean_line("**Điều 1.** Phạm vi") == "Điều 1. Phạm vi"


def test_parse_text_accepts_any_line_ending_and_a_byte_order_mark():
    text = "\ufeffĐiều 1. Phạm vi\r\n1. Một.\r2. Hai.\n\n\n3. Ba.\u2028Điều 2. Hiệu lực"
    document = parse(text)
    assert counts(document) == {"article": 2, "clause": 3}
    assert document.provisions[0].heading == "Phạm vi"


def test_parse_lines_takes_docx_paragraphs_and_drops_rule_lines():
    lines = [
        SourceLine("CHÍNH PHỦ", bold=True, in_table=True),
        SourceLine("-------", in_table=True),
        SourceLine("  "),
        SourceLine("Điều 1. Phạm vi", bold=True),
        SourceLine("Nghị định này quy định.", bold=False),
    ]
    with translation.override("en"):
        document = parse_lines(lines)
    assert document.issuer == "CHÍNH PHỦ"
    assert document.provisions[0].text == "Nghị định này quy định."


def test_an_empty_text_warns_that_no_provisions_were_found():
    document = parse("\n\n")
    assert document.provisions == []
    assert document.warnings == ["no provisions found"]


def test_a_long_law_parses_in_linear_time():
    lines = ["QUỐC HỘI", "Luật số: 1/2026/QH15", "LUẬT", "THỬ NGHIỆM", "Căn cứ Hiến pháp;"]
    number = 0
    for chapter in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"):
        lines += [f"Chương {chapter}", "QUY ĐỊNH"]
        for _ in range(10):
            number += 1
            lines.append(f"Điều {number}. Tiêu đề {number}")
            for clause in range(1, 6):
                lines.append(f"{clause}. Nội dung “trích dẫn” của khoản {clause} " * 8 + ":")
                lines += [f"{letter}) Nội dung điểm {letter} " * 10 + ";" for letter in "abcd"]
    started = time.perf_counter()
    document = parse("\n".join(lines))
    elapsed = time.perf_counter() - started
    assert counts(document) == {"chapter": 12, "article": 120, "clause": 600, "point": 2400}
    assert elapsed < 1.0
