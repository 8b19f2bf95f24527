"""The end of a legal text: the closing formula, signature, recipients and annexes."""

from collections import Counter
from textwrap import dedent

import pytest
from django.utils import translation

from drafts.importers.structure import ParsedDocument, SourceLine
from drafts.importers.text import parse_lines, parse_text

MOTTO_CELL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------"
HEADER_ROW = f"| ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH ------- | {MOTTO_CELL} |"
SIGNATURE_ROW = (
    "| Nơi nhận: - Như Điều 3; - Lưu: VT. "
    "| TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn Thắng |"
)


def parse(text: str) -> ParsedDocument:
    with translation.override("en"):
        return parse_text(dedent(text))


def counts(document: ParsedDocument) -> Counter[str]:
    return Counter(str(provision.kind) for provision in document.walk())


def last_clause_text(document: ParsedDocument) -> str:
    return document.provisions[-1].children[-1].text


def test_decision_signature_and_recipients():
    document = parse(
        """
        Điều 3. Tổ chức thực hiện
        1. Chánh Văn phòng Ủy ban nhân dân tỉnh tổ chức thực hiện.
        2. Giám đốc các sở chịu trách nhiệm thi hành./.
        Nơi nhận:
        - Như Điều 3;
        - Bộ Tư pháp;
        - Lưu: VT.
        TM. ỦY BAN NHÂN DÂN
        KT. CHỦ TỊCH
        PHÓ CHỦ TỊCH
        (Đã ký)
        Nguyễn Văn A
        """
    )
    assert last_clause_text(document) == "Giám đốc các sở chịu trách nhiệm thi hành./."
    assert document.closing.splitlines() == [
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Bộ Tư pháp;",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "(Đã ký)",
        "Nguyễn Văn A",
    ]


@pytest.mark.parametrize(
    "first_closing_line",
    [
        "Nơi nhận:",
        "Nơi nhận: TM. ỦY BAN NHÂN DÂN",
        "TM. CHÍNH PHỦ",
        "T/M ỦY BAN NHÂN DÂN",
        "KT. BỘ TRƯỞNG",
        "TL. BỘ TRƯỞNG",
        "THỦ TƯỚNG",
        "CHỦ TỊCH QUỐC HỘI",
        "PHÓ CHỦ TỊCH",
        "BỘ TRƯỞNG",
        "(đã ký)",
        "| Nơi nhận: - Như Điều 5; - Lưu: VT. | TM. CHÍNH PHỦ THỦ TƯỚNG Nguyễn Văn B |",
        "| | CHỦ TỊCH QUỐC HỘI Nguyễn Thị C |",
        "Luật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp "
        "thứ 9 thông qua ngày 01 tháng 7 năm 2025.",
        "Luật này được Quốc hội khóa XV thông qua ngày 01 tháng 7 năm 2025.",
        "Pháp lệnh này đã được Ủy ban thường vụ Quốc hội thông qua ngày 1 tháng 7 năm 2025.",
    ],
)
def test_each_kind_of_closing_line_ends_the_last_article(first_closing_line):
    document = parse(
        f"Điều 5. Hiệu lực\n1. Có hiệu lực từ ngày ký.\n2. Các Bộ chịu trách nhiệm thi hành.\n"
        f"{first_closing_line}\nNgười ký"
    )
    assert last_clause_text(document) == "Các Bộ chịu trách nhiệm thi hành."
    assert document.closing.endswith("Người ký")


def test_lines_after_the_end_mark_are_the_closing():
    document = parse("Điều 2. Hiệu lực\nNghị định này có hiệu lực từ ngày ký./.\nNguyễn Văn A")
    assert (document.provisions[0].text, document.closing) == (
        "Nghị định này có hiệu lực từ ngày ký./.",
        "Nguyễn Văn A",
    )


def test_the_resolution_formula_as_the_only_text_of_its_article_stays_in_it():
    formula = (
        "Nghị quyết này đã được Hội đồng nhân dân tỉnh X khóa XIX, kỳ họp thứ 20 thông qua "
        "ngày 10 tháng 7 năm 2026 và có hiệu lực từ ngày 20 tháng 7 năm 2026."
    )
    document = parse(f"Điều 3. Hiệu lực thi hành\n{formula}\nCHỦ TỊCH\nNguyễn Văn A")
    assert document.provisions[0].text == formula
    assert document.closing == "CHỦ TỊCH\nNguyễn Văn A"


def test_the_resolution_formula_after_the_clauses_is_the_closing():
    document = parse(
        """
        Điều 3. Tổ chức thực hiện
        1. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện.
        2. Giao Thường trực Hội đồng nhân dân tỉnh giám sát.
        Nghị quyết này đã được Hội đồng nhân dân tỉnh X thông qua ngày 10 tháng 7 năm 2026./.
        Nơi nhận:
        - Chính phủ;
        CHỦ TỊCH
        Nguyễn Văn A
        """
    )
    assert last_clause_text(document) == "Giao Thường trực Hội đồng nhân dân tỉnh giám sát."
    assert document.closing.splitlines()[0].startswith("Nghị quyết này đã được")


@pytest.mark.parametrize(
    "line",
    [
        "Nơi nhận hồ sơ: Bộ phận một cửa của Ủy ban nhân dân cấp xã.",
        "Chữ ký số là thông tin đi kèm dữ liệu.",
        "Chủ tịch Ủy ban nhân dân tỉnh quyết định.",
        "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2027.",
    ],
)
def test_sentences_that_look_like_a_closing_line_stay_in_the_article(line):
    document = parse(f"Điều 1. Phạm vi\n1. Khoản một.\n{line}\nĐiều 2. Hiệu lực\nNội dung.")
    assert document.provisions[0].children[0].text.splitlines() == ["Khoản một.", line]
    assert document.closing == ""


def test_signer_title_before_any_article_is_the_enacting_authority():
    document = parse("QUYẾT ĐỊNH\nVề việc thử\nTHỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật A;\nĐiều 1. B\nC.")
    assert document.preamble == "THỦ TƯỚNG CHÍNH PHỦ"
    assert document.closing == ""


def test_annexes_after_the_signature_are_one_string_each():
    document = parse(
        """
        Điều 5. Hiệu lực thi hành
        Thông tư này có hiệu lực từ ngày 01 tháng 01 năm 2027./.
        Nơi nhận:
        - Lưu: VT.
        KT. BỘ TRƯỞNG
        THỨ TRƯỞNG
        Nguyễn Văn A
        PHỤ LỤC I
        DANH MỤC MẪU BIỂU
        (Kèm theo Thông tư số 01/2026/TT-BTTTT)
        1. Mẫu số 01
        Điều 1. Một dòng trong mẫu.
        Phụ lục II
        MẪU TỜ KHAI
        """
    )
    assert counts(document) == {"article": 1}
    assert document.annexes == [
        "PHỤ LỤC I\nDANH MỤC MẪU BIỂU\n(Kèm theo Thông tư số 01/2026/TT-BTTTT)\n1. Mẫu số 01\n"
        "Điều 1. Một dòng trong mẫu.",
        "Phụ lục II\nMẪU TỜ KHAI",
    ]
    assert document.closing.splitlines()[-1] == "Nguyễn Văn A"


@pytest.mark.parametrize(
    "heading", ["PHỤ LỤC", "Phụ lục", "Phụ lục I", "Phụ lục số 01", "PHỤ LỤC KÈM THEO NGHỊ ĐỊNH"]
)
def test_annex_headings_right_after_the_articles(heading):
    document = parse(f"Điều 1. Phạm vi\nNội dung.\n{heading}\nDANH MỤC\n1. Một.")
    assert counts(document) == {"article": 1}
    assert document.annexes == [f"{heading}\nDANH MỤC\n1. Một."]


@pytest.mark.parametrize(
    "line",
    [
        "Phụ lục I ban hành kèm theo Nghị định này quy định danh mục hồ sơ.",
        "Phụ lục II. Mẫu tờ khai đăng ký",
        "Phụ lục III: Danh mục thủ tục;",
    ],
)
def test_annexes_named_inside_an_article_are_text(line):
    document = parse(f"Điều 1. Ban hành kèm theo các phụ lục\n{line}\nĐiều 2. Hiệu lực\nNội dung.")
    assert document.annexes == []
    assert document.provisions[0].text == line


def test_regulation_attached_to_a_decision_is_parsed_as_an_attachment():
    document = parse(
        f"""
        {HEADER_ROW}
        |---|---|
        | Số: 25/2023/QĐ-UBND | Quảng Ninh, ngày 12 tháng 4 năm 2023 |
        QUYẾT ĐỊNH
        BAN HÀNH QUY ĐỊNH VỀ QUẢN LÝ HỆ THỐNG THÔNG TIN
        ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH
        Căn cứ Luật Tổ chức chính quyền địa phương;
        QUYẾT ĐỊNH:
        Điều 1. Ban hành kèm theo Quyết định này Quy định về quản lý hệ thống thông tin.
        Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày 25 tháng 4 năm 2023.
        Điều 3. Các cơ quan có liên quan chịu trách nhiệm thi hành Quyết định này./.
        {SIGNATURE_ROW}
        |---|---|
        {HEADER_ROW}
        |---|---|
        QUY ĐỊNH
        VỀ QUẢN LÝ HỆ THỐNG THÔNG TIN
        (Ban hành kèm theo Quyết định số 25/2023/QĐ-UBND ngày 12 tháng 4 năm 2023)
        Chương I
        QUY ĐỊNH CHUNG
        Điều 1. Phạm vi điều chỉnh
        1. Quy định này quy định về quản lý.
        """
    )
    assert counts(document) == {"article": 4, "chapter": 1, "clause": 1}
    assert [provision.eid for provision in document.provisions] == [
        "art_1",
        "art_2",
        "art_3",
        "att_1__chp_I",
    ]
    assert document.closing.splitlines() == [
        "Nơi nhận: - Như Điều 3; - Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn Thắng",
    ]
    # The issuer and motto printed again above the regulation are not an annex.
    assert document.annexes == []
    assert document.attachments == [
        {
            "eid_prefix": "att_1",
            "heading": "QUY ĐỊNH\nVỀ QUẢN LÝ HỆ THỐNG THÔNG TIN",
            "note": "(Ban hành kèm theo Quyết định số 25/2023/QĐ-UBND ngày 12 tháng 4 năm 2023)",
        }
    ]
    assert document.warnings == []


def test_attached_regulation_whose_issuer_is_printed_on_lines():
    document = parse(
        """
        Điều 3. Các cơ quan chịu trách nhiệm thi hành Quyết định này./.
        Nơi nhận:
        - Lưu: VT.
        TM. ỦY BAN NHÂN DÂN
        CHỦ TỊCH
        Nguyễn Văn A
        ỦY BAN NHÂN DÂN
        TỈNH QUẢNG NINH
        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        Độc lập - Tự do - Hạnh phúc
        QUY ĐỊNH
        Điều 1. Phạm vi
        """
    )
    assert document.closing.splitlines()[-1] == "Nguyễn Văn A"
    assert document.annexes == []
    assert document.attachments == [{"eid_prefix": "att_1", "heading": "QUY ĐỊNH", "note": ""}]
    assert [provision.eid for provision in document.walk()] == ["art_3", "att_1__art_1"]


def test_attached_regulation_without_a_signature_block():
    document = parse(
        """
        Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
        QUY ĐỊNH
        Về quản lý hệ thống thông tin
        (Ban hành kèm theo Quyết định số …/2026/QĐ-UBND)
        Chương I
        QUY ĐỊNH CHUNG
        Điều 1. Phạm vi
        """
    )
    assert [provision.eid for provision in document.walk()] == [
        "art_2",
        "att_1__chp_I",
        "att_1__art_1",
    ]
    assert document.annexes == []
    assert document.attachments[0]["heading"] == "QUY ĐỊNH\nVề quản lý hệ thống thông tin"


def test_a_plan_attached_without_articles_stays_an_annex():
    document = parse(
        """
        Điều 3. Các cơ quan chịu trách nhiệm thi hành Quyết định này./.
        Nơi nhận:
        - Lưu: VT.
        TM. ỦY BAN NHÂN DÂN
        CHỦ TỊCH
        Nguyễn Văn A
        KẾ HOẠCH
        Chuyển đổi số năm 2026
        (Ban hành kèm theo Quyết định số …/QĐ-UBND)
        I. MỤC ĐÍCH, YÊU CẦU
        1. Mục đích
        """
    )
    assert document.attachments == []
    assert document.annexes[0].startswith("KẾ HOẠCH\nChuyển đổi số")


def test_a_form_after_the_signature_is_an_annex():
    document = parse("Điều 1. A\nB.\nNơi nhận:\n- Lưu.\nMẫu số 01\nTỜ KHAI\nĐiều 1. Không phải.")
    assert document.annexes == ["Mẫu số 01\nTỜ KHAI\nĐiều 1. Không phải."]


def test_a_text_without_articles_still_has_its_closing():
    document = parse(
        """
        CHỈ THỊ
        Về việc tăng cường kỷ luật
        Trong thời gian qua, công tác cải cách hành chính đã đạt kết quả.
        1. Các Bộ thực hiện nghiêm.
        Nơi nhận:
        - Lưu: VT.
        THỦ TƯỚNG
        """
    )
    assert document.provisions == []
    assert document.preamble.splitlines()[-1] == "1. Các Bộ thực hiện nghiêm."
    assert document.closing == "Nơi nhận:\n- Lưu: VT.\nTHỦ TƯỚNG"
    assert document.warnings == ["no provisions found"]


def test_docx_signature_table_cells():
    lines = [
        SourceLine("Điều 8. Hiệu lực thi hành", bold=True),
        SourceLine("Quyết định này có hiệu lực kể từ ngày 01 tháng 01 năm 2027."),
        SourceLine("Nơi nhận:", bold=True, in_table=True),
        SourceLine("- Như Điều 8;", in_table=True),
        SourceLine("TM. ỦY BAN NHÂN DÂN", bold=True, in_table=True, centered=True),
        SourceLine("CHỦ TỊCH", bold=True, in_table=True, centered=True),
    ]
    with translation.override("en"):
        document = parse_lines(lines)
    assert document.provisions[0].text.endswith("năm 2027.")
    assert document.closing == "Nơi nhận:\n- Như Điều 8;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
