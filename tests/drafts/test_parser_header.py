"""The text parser's header: issuer, number, date, draft label, type, title, bases, preamble."""

from textwrap import dedent

import pytest
from django.utils import translation

from drafts.importers.structure import ParsedDocument, SourceLine
from drafts.importers.text import parse_lines, parse_text

BODY = "Điều 1. Phạm vi điều chỉnh\nNội dung."


def parse(text: str) -> ParsedDocument:
    with translation.override("en"):
        return parse_text(dedent(text))


def header(document: ParsedDocument) -> dict[str, object]:
    fields = document.to_dict()
    for key in ("provisions", "closing", "annexes", "warnings", "attachments"):
        del fields[key]
    return fields


def test_decree_header_laid_out_on_lines():
    document = parse(
        f"""
        CHÍNH PHỦ
        -------
        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        Độc lập - Tự do - Hạnh phúc
        ---------------
        Số: 13/2023/NĐ-CP
        Hà Nội, ngày 17 tháng 4 năm 2023
        NGHỊ ĐỊNH
        BẢO VỆ DỮ LIỆU CÁ NHÂN
        Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
        Căn cứ Bộ luật Dân sự ngày 24 tháng 11 năm 2015;
        Theo đề nghị của Bộ trưởng Bộ Công an;
        Chính phủ ban hành Nghị định bảo vệ dữ liệu cá nhân.
        {BODY}
        """
    )
    assert header(document) == {
        "document_type": "Nghị định",
        "number": "13/2023/NĐ-CP",
        "title": "BẢO VỆ DỮ LIỆU CÁ NHÂN",
        "issuer": "CHÍNH PHỦ",
        "place_and_date": "Hà Nội, ngày 17 tháng 4 năm 2023",
        "draft_label": "",
        "legal_bases": [
            "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
            "Căn cứ Bộ luật Dân sự ngày 24 tháng 11 năm 2015;",
        ],
        "preamble": (
            "Theo đề nghị của Bộ trưởng Bộ Công an;\n"
            "Chính phủ ban hành Nghị định bảo vệ dữ liệu cá nhân."
        ),
    }


def test_draft_resolution_of_a_provincial_council():
    document = parse(
        f"""
        HỘI ĐỒNG NHÂN DÂN
        TỈNH BẮC NINH
        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        Độc lập - Tự do - Hạnh phúc
        Số: …/2026/NQ-HĐND
        Bắc Ninh, ngày    tháng    năm 2026
        DỰ THẢO
        NGHỊ QUYẾT
        Quy định mức chi hỗ trợ cho lực lượng bảo vệ an ninh, trật tự ở cơ sở
        trên địa bàn tỉnh Bắc Ninh
        HỘI ĐỒNG NHÂN DÂN TỈNH BẮC NINH
        KHÓA XIX, KỲ HỌP THỨ 20
        Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;
        Xét Tờ trình số 100/TTr-UBND ngày 10 tháng 5 năm 2026 của Ủy ban nhân dân tỉnh.
        QUYẾT NGHỊ:
        {BODY}
        """
    )
    assert header(document) == {
        "document_type": "Nghị quyết",
        "number": "…/2026/NQ-HĐND",
        "title": (
            "Quy định mức chi hỗ trợ cho lực lượng bảo vệ an ninh, trật tự ở cơ sở "
            "trên địa bàn tỉnh Bắc Ninh"
        ),
        "issuer": "HỘI ĐỒNG NHÂN DÂN TỈNH BẮC NINH",
        "place_and_date": "Bắc Ninh, ngày tháng năm 2026",
        "draft_label": "DỰ THẢO",
        "legal_bases": ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;"],
        "preamble": (
            "HỘI ĐỒNG NHÂN DÂN TỈNH BẮC NINH\n"
            "KHÓA XIX, KỲ HỌP THỨ 20\n"
            "Xét Tờ trình số 100/TTr-UBND ngày 10 tháng 5 năm 2026 của Ủy ban nhân dân tỉnh.\n"
            "QUYẾT NGHỊ:"
        ),
    }


def test_header_as_markdown_table_rows():
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------"
    document = parse(
        f"""
        | ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI ------- | {motto} |
        |---|---|
        | Số: 20/2023/QĐ-UBND | Hà Nội, ngày 12 tháng 4 năm 2023 |
        QUYẾT ĐỊNH
        Ban hành Quy định về quản lý dữ liệu
        ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI
        Căn cứ Luật Tổ chức chính quyền địa phương;
        QUYẾT ĐỊNH:
        {BODY}
        """
    )
    assert document.issuer == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    assert document.number == "20/2023/QĐ-UBND"
    assert document.place_and_date == "Hà Nội, ngày 12 tháng 4 năm 2023"
    assert document.document_type == "Quyết định"
    assert document.title == "Ban hành Quy định về quản lý dữ liệu"
    assert document.preamble == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI\nQUYẾT ĐỊNH:"


def test_header_cells_of_a_word_table_in_any_order():
    lines = [
        SourceLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, in_table=True),
        SourceLine("Độc lập - Tự do - Hạnh phúc", bold=True, in_table=True),
        SourceLine("Đà Nẵng, ngày     tháng     năm 2026", in_table=True),
        SourceLine("ỦY BAN NHÂN DÂN", in_table=True),
        SourceLine("THÀNH PHỐ ĐÀ NẴNG", bold=True, in_table=True),
        SourceLine("Số:       /2026/QĐ-UBND", in_table=True),
        SourceLine("DỰ THẢO 3", bold=True),
        SourceLine("QUYẾT ĐỊNH", bold=True, centered=True),
        SourceLine("Ban hành Quy định về quản lý", bold=True, centered=True),
        SourceLine("Cổng thông tin điện tử thành phố", bold=True, centered=True),
        SourceLine("ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG", bold=True, centered=True),
        SourceLine("Căn cứ Luật Tổ chức chính quyền địa phương;"),
        SourceLine("QUYẾT ĐỊNH:", bold=True, centered=True),
        SourceLine("Điều 1. Phạm vi", bold=True),
        SourceLine("Nội dung."),
    ]
    with translation.override("en"):
        document = parse_lines(lines)
    assert document.issuer == "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG"
    assert document.number == "…/2026/QĐ-UBND"
    assert document.place_and_date == "Đà Nẵng, ngày tháng năm 2026"
    assert document.draft_label == "DỰ THẢO 3"
    assert document.title == "Ban hành Quy định về quản lý Cổng thông tin điện tử thành phố"
    assert document.preamble == "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG\nQUYẾT ĐỊNH:"


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số: 48/2013/NĐ-CP", "48/2013/NĐ-CP"),
        ("Luật số: 67/2006/QH11", "67/2006/QH11"),
        ("Số 48 / 2013 / NĐ - CP", "48/2013/NĐ-CP"),
        ("Số: …/2026/NQ-HĐND", "…/2026/NQ-HĐND"),
        ("Số:      /2026/QĐ-UBND", "…/2026/QĐ-UBND"),
        ("Số: ......./2026/QĐ-UBND", "…/2026/QĐ-UBND"),
        ("Số: ____/2026/TT-BTTTT", "…/2026/TT-BTTTT"),
        ("Số:    /QĐ-UBND", "…/QĐ-UBND"),
        ("Số: 749/QĐ-TTg", "749/QĐ-TTg"),
        ("Số: 15-CP", "15-CP"),
        ("Số:", "…"),
    ],
)
def test_number_variants(line, number):
    document = parse(f"CHÍNH PHỦ\n{line}\nNGHỊ ĐỊNH\nTIÊU ĐỀ\n{BODY}")
    assert document.number == number


def test_number_and_date_in_one_merged_cell():
    document = parse(
        f"| BỘ TÀI CHÍNH Số: 80/2021/TT-BTC Hà Nội, ngày 29 tháng 9 năm 2021 |\n{BODY}"
    )
    assert (document.issuer, document.number, document.place_and_date) == (
        "BỘ TÀI CHÍNH",
        "80/2021/TT-BTC",
        "Hà Nội, ngày 29 tháng 9 năm 2021",
    )


@pytest.mark.parametrize(
    ("type_line", "document_type"),
    [
        ("LUẬT", "Luật"),
        ("BỘ LUẬT", "Bộ luật"),
        ("HIẾN PHÁP", "Hiến pháp"),
        ("PHÁP LỆNH", "Pháp lệnh"),
        ("LỆNH", "Lệnh"),
        ("NGHỊ ĐỊNH", "Nghị định"),
        ("NGHỊ QUYẾT", "Nghị quyết"),
        ("NGHỊ QUYẾT LIÊN TỊCH", "Nghị quyết liên tịch"),
        ("QUYẾT ĐỊNH", "Quyết định"),
        ("THÔNG TƯ", "Thông tư"),
        ("THÔNG TƯ LIÊN TỊCH", "Thông tư liên tịch"),
        ("CHỈ THỊ", "Chỉ thị"),
        ("QUY ĐỊNH", "Quy định"),
        ("Nghị định", "Nghị định"),
    ],
)
def test_document_type_line_in_title_case(type_line, document_type):
    document = parse(f"BỘ TƯ PHÁP\nSố: 01/2026/XX\n{type_line}\nVỀ VIỆC THỬ\n{BODY}")
    assert (document.document_type, document.title) == (document_type, "VỀ VIỆC THỬ")


@pytest.mark.parametrize(
    ("number_line", "document_type"),
    [
        ("Luật số: 67/2006/QH11", "Luật"),
        ("Số: 67/2006/QH11", "Luật"),
        ("Số: 48/2013/NĐ-CP", "Nghị định"),
        ("Số: 05/2026/NQ-HĐND", "Nghị quyết"),
        ("Số: 12/NQ-CP", "Nghị quyết"),
        ("Số: 20/2026/QĐ-UBND", "Quyết định"),
        ("Số: 749/QĐ-TTg", "Quyết định"),
        ("Số: 01/2026/TT-BTP", "Thông tư"),
        ("Số: 52/2016/TTLT-BTC-BTP", "Thông tư liên tịch"),
        ("Số: 05/CT-TTg", "Chỉ thị"),
        ("Số: 01/2026/UBTVQH15", ""),
    ],
)
def test_document_type_inferred_from_the_number_when_no_type_line(number_line, document_type):
    document = parse(f"{number_line}\n{BODY}")
    assert document.document_type == document_type


def test_type_and_title_on_one_line():
    document = parse(f"QUỐC HỘI\nLUẬT SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA LUẬT ĐẤT ĐAI\n{BODY}")
    assert (document.document_type, document.title) == (
        "Luật",
        "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA LUẬT ĐẤT ĐAI",
    )


def test_enacting_word_with_a_colon_is_not_the_type():
    document = parse(f"ỦY BAN NHÂN DÂN TỈNH X\nQUYẾT ĐỊNH:\n{BODY}")
    assert (document.document_type, document.preamble) == ("", "QUYẾT ĐỊNH:")


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("DỰ THẢO", "DỰ THẢO"),
        ("Dự thảo lần 2", "Dự thảo lần 2"),
        ("DỰ THẢO 3", "DỰ THẢO 3"),
        ("(Dự thảo)", "Dự thảo"),
        ("(DỰ THẢO LẦN THỨ HAI)", "DỰ THẢO LẦN THỨ HAI"),
        ("Dự thảo ngày 15/5/2026", "Dự thảo ngày 15/5/2026"),
    ],
)
def test_draft_labels(line, label):
    document = parse(f"BỘ TƯ PHÁP\n{line}\nTHÔNG TƯ\nQUY ĐỊNH VỀ THỬ\n{BODY}")
    assert (document.draft_label, document.title, document.preamble) == (
        label,
        "QUY ĐỊNH VỀ THỬ",
        "",
    )


def test_draft_label_attached_to_the_type_line():
    document = parse(f"DỰ THẢO NGHỊ ĐỊNH\nQUY ĐỊNH CHI TIẾT\n{BODY}")
    assert (document.draft_label, document.document_type, document.title) == (
        "DỰ THẢO",
        "Nghị định",
        "QUY ĐỊNH CHI TIẾT",
    )
    document = parse(f"NGHỊ ĐỊNH (Dự thảo lần 2)\nQUY ĐỊNH CHI TIẾT\n{BODY}")
    assert (document.draft_label, document.document_type) == ("Dự thảo lần 2", "Nghị định")


def test_title_in_capitals_over_several_lines_stops_at_the_enacting_authority():
    document = parse(
        f"""
        BỘ TRƯỞNG BỘ TÀI CHÍNH
        THÔNG TƯ
        QUY ĐỊNH VỀ QUẢN LÝ VÀ SỬ DỤNG KINH PHÍ CỦA
        BỘ TÀI CHÍNH VÀ CÁC ĐƠN VỊ TRỰC THUỘC
        BỘ TRƯỞNG BỘ TÀI CHÍNH
        Căn cứ Luật Ngân sách nhà nước;
        {BODY}
        """
    )
    assert document.title == (
        "QUY ĐỊNH VỀ QUẢN LÝ VÀ SỬ DỤNG KINH PHÍ CỦA BỘ TÀI CHÍNH VÀ CÁC ĐƠN VỊ TRỰC THUỘC"
    )
    assert document.issuer == "BỘ TRƯỞNG BỘ TÀI CHÍNH"
    assert document.preamble == "BỘ TRƯỞNG BỘ TÀI CHÍNH"


def test_title_stops_at_the_enacting_sentence():
    document = parse(
        f"""
        QUỐC HỘI
        LUẬT
        AN NINH MẠNG
        Quốc hội ban hành Luật An ninh mạng.
        {BODY}
        """
    )
    assert (document.title, document.preamble) == (
        "AN NINH MẠNG",
        "Quốc hội ban hành Luật An ninh mạng.",
    )


def test_constitution_title_and_preface():
    document = parse(
        """
        QUỐC HỘI
        HIẾN PHÁP
        NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        LỜI NÓI ĐẦU
        Trải qua mấy nghìn năm lịch sử, Nhân dân Việt Nam dựng nước và giữ nước.
        Chương I
        CHẾ ĐỘ CHÍNH TRỊ
        Điều 1
        Nước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập.
        """
    )
    assert (document.document_type, document.title) == (
        "Hiến pháp",
        "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    )
    assert document.preamble.startswith("LỜI NÓI ĐẦU\nTrải qua")


def test_joint_circular_issuers():
    document = parse(f"BỘ TÀI CHÍNH\nBỘ TƯ PHÁP\nSố: 52/2016/TTLT-BTC-BTP\n{BODY}")
    assert document.issuer == "BỘ TÀI CHÍNH - BỘ TƯ PHÁP"


def test_a_text_without_header_starts_with_its_first_provision():
    document = parse(BODY)
    assert header(document) == {
        "document_type": "",
        "number": "",
        "title": "",
        "issuer": "",
        "place_and_date": "",
        "draft_label": "",
        "legal_bases": [],
        "preamble": "",
    }
    assert document.provisions[0].eid == "art_1"


def test_header_lines_never_get_lost():
    document = parse(
        f"""
        CHÍNH PHỦ
        Số: 01/2026/NĐ-CP
        NGHỊ ĐỊNH
        TIÊU ĐỀ
        Căn cứ Luật A;
        Xét đề nghị của Bộ trưởng;
        Một dòng lạ không thuộc trường nào.
        1. Một dòng đánh số trước điều đầu tiên.
        {BODY}
        """
    )
    assert document.preamble.splitlines() == [
        "Xét đề nghị của Bộ trưởng;",
        "Một dòng lạ không thuộc trường nào.",
        "1. Một dòng đánh số trước điều đầu tiên.",
    ]


def test_header_copied_from_word_with_both_columns_on_one_line():
    document = parse(
        f"""
        CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        -------- Độc lập - Tự do - Hạnh phúc
        Số: 48/2013/NĐ-CP Hà Nội, ngày 14 tháng 5 năm 2013
        NGHỊ ĐỊNH
        SỬA ĐỔI MỘT SỐ ĐIỀU
        {BODY}
        """
    )
    assert (document.issuer, document.number, document.place_and_date, document.title) == (
        "CHÍNH PHỦ",
        "48/2013/NĐ-CP",
        "Hà Nội, ngày 14 tháng 5 năm 2013",
        "SỬA ĐỔI MỘT SỐ ĐIỀU",
    )
    assert document.preamble == ""


def test_markdown_emphasis_left_by_a_conversion_is_ignored():
    document = parse(
        """
        # CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        **Độc lập - Tự do - Hạnh phúc**
        # CHÍNH PHỦ
        Số: **180/2024/NĐ-CP**
        *Hà Nội, ngày 31 tháng 12 năm 2024*
        ## NGHỊ ĐỊNH
        ### Quy định chính sách giảm thuế giá trị gia tăng
        *Căn cứ Luật Tổ chức Chính phủ;*
        ### **Điều 1.** Giảm thuế
        Nội dung.
        """
    )
    assert (document.issuer, document.number, document.place_and_date) == (
        "CHÍNH PHỦ",
        "180/2024/NĐ-CP",
        "Hà Nội, ngày 31 tháng 12 năm 2024",
    )
    assert document.title == "Quy định chính sách giảm thuế giá trị gia tăng"
    assert document.legal_bases == ["Căn cứ Luật Tổ chức Chính phủ;"]
    assert document.provisions[0].heading == "Giảm thuế"


def test_the_session_of_the_national_assembly_is_not_the_issuer():
    document = parse(
        f"""
        QUỐC HỘI
        QUỐC HỘI NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        KHÓA XV, KỲ HỌP THỨ 9
        LUẬT
        DỮ LIỆU
        {BODY}
        """
    )
    assert document.issuer == "QUỐC HỘI"
    assert document.title == "DỮ LIỆU"


def test_old_decree_header_with_the_date_after_the_number():
    document = parse(
        f"""
        CHÍNH PHỦ
        NGHỊ ĐỊNH CỦA CHÍNH PHỦ
        Số 15-CP ngày 2-3-1993
        Về nhiệm vụ, quyền hạn và trách nhiệm quản lý nhà nước của Bộ
        CHÍNH PHỦ
        Căn cứ Luật Tổ chức Chính phủ ngày 30 tháng 9 năm 1992;
        NGHỊ ĐỊNH:
        {BODY}
        """
    )
    assert header(document) == {
        "document_type": "Nghị định",
        "number": "15-CP",
        "title": "Về nhiệm vụ, quyền hạn và trách nhiệm quản lý nhà nước của Bộ",
        "issuer": "CHÍNH PHỦ",
        "place_and_date": "ngày 2-3-1993",
        "draft_label": "",
        "legal_bases": ["Căn cứ Luật Tổ chức Chính phủ ngày 30 tháng 9 năm 1992;"],
        "preamble": "NGHỊ ĐỊNH CỦA CHÍNH PHỦ\nCHÍNH PHỦ\nNGHỊ ĐỊNH:",
    }
