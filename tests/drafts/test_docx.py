"""Reading .docx (hints, auto-numbering, tables), refusing hostile files, exporting round-trip."""

import io
import random
import unicodedata
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

from drafts.importers.docx import MAX_MEMBERS, docx_export, read_docx
from drafts.importers.structure import (
    DraftImportError,
    Kind,
    ParsedDocument,
    ParsedProvision,
    SourceLine,
)
from drafts.importers.text import parse_lines as text_parse_lines
from drafts.importers.text import parse_text
from tests.drafts.conftest import legal_text

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def parse_lines():
    return text_parse_lines


# ---------------------------------------------------------------------------------------------
# Building test documents


def save(document) -> bytes:
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def texts(lines: list[SourceLine]) -> list[str]:
    return [line.text for line in lines]


def add_list(document, num_id: int, levels: list[tuple[str, str, int]]) -> None:
    """A real Word list: an abstractNum with (lvlText, numFmt, start) per level, and its w:num."""
    numbering = document.part.numbering_part.element
    level_xml = "".join(
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for ilvl, (text, fmt, start) in enumerate(levels)
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">{level_xml}</w:abstractNum>'
    )
    # The schema wants every abstractNum before the first num.
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'
        )
    )


def restart_list(document, num_id: int, abstract_id: int, ilvl: int, start: int) -> None:
    """A second w:num on the same abstract list, restarting one level (Word's "Restart at")."""
    document.part.numbering_part.element.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            "</w:num>"
        )
    )


def numbered(paragraph: Paragraph, num_id: int, ilvl: int) -> Paragraph:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return paragraph


def replace_member(data: bytes, name: str, content: bytes, rename: dict | None = None) -> bytes:
    """A copy of a zip with one member's bytes replaced (and optionally members renamed)."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            payload = content if member.filename == name else source.read(member)
            target.writestr((rename or {}).get(member.filename, member.filename), payload)
    return output.getvalue()


def minimal_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Điều 1. Phạm vi")
    return save(document)


# ---------------------------------------------------------------------------------------------
# Reading


def test_auto_numbered_articles_clauses_and_points_show_their_numbers():
    document = docx.Document()
    add_list(
        document, 90, [("Điều %1.", "decimal", 1), ("%2.", "decimal", 1), ("%3)", "lowerLetter", 1)]
    )
    for text, ilvl in [
        ("Phạm vi điều chỉnh", 0),
        ("Khoản một.", 1),
        ("Khoản hai:", 1),
        ("điểm một;", 2),
        ("điểm hai.", 2),
        ("Đối tượng áp dụng", 0),
        ("Khoản một của Điều 2.", 1),
    ]:
        numbered(document.add_paragraph(text), 90, ilvl)

    assert texts(read_docx(save(document))) == [
        "Điều 1. Phạm vi điều chỉnh",
        "1. Khoản một.",
        "2. Khoản hai:",
        "a) điểm một;",
        "b) điểm hai.",
        "Điều 2. Đối tượng áp dụng",
        "1. Khoản một của Điều 2.",
    ]


def test_numbering_honours_start_roman_formats_and_restarts():
    document = docx.Document()
    add_list(document, 91, [("Chương %1", "upperRoman", 1), ("Mục %2.", "decimal", 1)])
    add_list(document, 92, [("Điều %1.", "decimal", 5)])
    add_list(document, 93, [("(%1)", "lowerRoman", 1)])
    restart_list(document, 94, abstract_id=92, ilvl=0, start=20)
    numbered(document.add_paragraph("QUY ĐỊNH CHUNG"), 91, 0)
    numbered(document.add_paragraph("Điều năm"), 92, 0)
    numbered(document.add_paragraph("Điều sáu"), 92, 0)
    numbered(document.add_paragraph("QUY ĐỊNH CỤ THỂ"), 91, 0)
    numbered(document.add_paragraph("Mục một"), 91, 1)
    for text in ("một", "hai", "ba", "bốn"):
        numbered(document.add_paragraph(text), 93, 0)
    numbered(document.add_paragraph("Điều hai mươi"), 94, 0)

    assert texts(read_docx(save(document))) == [
        "Chương I QUY ĐỊNH CHUNG",
        "Điều 5. Điều năm",
        "Điều 6. Điều sáu",
        "Chương II QUY ĐỊNH CỤ THỂ",
        "Mục 1. Mục một",
        "(i) một",
        "(ii) hai",
        "(iii) ba",
        "(iv) bốn",
        "Điều 20. Điều hai mươi",
    ]


def test_letters_run_as_word_draws_them():
    document = docx.Document()
    add_list(document, 95, [("%1)", "lowerLetter", 1)])
    for index in range(28):
        numbered(document.add_paragraph(f"mục {index}"), 95, 0)

    labels = [text.split()[0] for text in texts(read_docx(save(document)))]

    # Word knows no Vietnamese alphabet (no đ, with f and j): drafters who auto-number points
    # get exactly this, and the importer shows what Word shows.
    assert labels[:7] == ["a)", "b)", "c)", "d)", "e)", "f)", "g)"]
    assert labels[25:] == ["z)", "aa)", "bb)"]


def test_numbering_attached_to_paragraph_styles_is_rendered():
    # Drafting templates often number through styles: "Điều" style at level 0, "Khoản" at 1.
    document = docx.Document()
    add_list(document, 96, [("Điều %1.", "decimal", 1), ("%2.", "decimal", 1)])
    for name, ilvl in (("Điều", 0), ("Khoản", 1)):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="96"/></w:numPr>'
            )
        )
    for text, style in (
        ("Phạm vi", "Điều"),
        ("Một.", "Khoản"),
        ("Hai.", "Khoản"),
        ("Đối tượng", "Điều"),
    ):
        document.add_paragraph(text, style=style)
    not_numbered = numbered(document.add_paragraph("Đoạn không đánh số.", style="Khoản"), 0, 0)

    lines = texts(read_docx(save(document)))

    assert lines == [
        "Điều 1. Phạm vi",
        "1. Một.",
        "2. Hai.",
        "Điều 2. Đối tượng",
        not_numbered.text,
    ]


def test_formatting_hints_bold_headings_centering():
    document = docx.Document()
    chapter = document.add_paragraph("Chương I", style="Heading 2")
    chapter.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    document.add_paragraph("LUẬT", style="Title")
    article = document.add_paragraph()
    article.add_run("Điều 1. ").bold = True
    article.add_run("Phạm vi").bold = True
    article.add_run(" ")  # a trailing space in plain type does not make the line not bold
    mixed = document.add_paragraph()
    mixed.add_run("1. ").bold = True
    mixed.add_run("Khoản có chữ thường.")
    strong = document.styles.add_style("Điều in đậm", WD_STYLE_TYPE.PARAGRAPH)
    strong.font.bold = True
    document.add_paragraph("Điều 2. Đối tượng", style=strong)

    lines = read_docx(save(document))

    assert [(line.text, line.heading_level, line.centered) for line in lines[:2]] == [
        ("Chương I", 2, True),
        ("LUẬT", 0, False),
    ]
    assert [line.bold for line in lines[2:]] == [True, False, True]


def test_localized_heading_styles_are_recognised_by_name_id_or_outline_level():
    document = docx.Document()
    # Vietnamese Word: styleId "u3" (from "Đầu đề 3"), built-in name kept as "heading 3".
    localized = document.styles["Heading 3"]
    localized.element.set(qn("w:styleId"), "u3")
    document.add_paragraph("Mục 1", style=localized)
    custom = document.styles.add_style("Chương tự tạo", WD_STYLE_TYPE.PARAGRAPH)
    custom.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>'))
    document.add_paragraph("Chương II", style=custom)

    lines = read_docx(save(document))

    assert [(line.text, line.heading_level) for line in lines] == [("Mục 1", 3), ("Chương II", 1)]


def test_header_table_paragraphs_come_in_reading_order_marked_in_table():
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "BỘ TƯ PHÁP"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    table.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    table.cell(1, 0).text = "Số: 12/2026/TT-BTP"
    table.cell(1, 1).text = "Hà Nội, ngày 1 tháng 7 năm 2026"
    document.add_paragraph("")  # empty paragraphs are skipped
    document.add_paragraph("THÔNG TƯ")

    lines = read_docx(save(document))

    assert [(line.text, line.in_table) for line in lines] == [
        ("BỘ TƯ PHÁP", True),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
        ("Độc lập - Tự do - Hạnh phúc", True),
        ("Số: 12/2026/TT-BTP", True),
        ("Hà Nội, ngày 1 tháng 7 năm 2026", True),
        ("THÔNG TƯ", False),
    ]


def test_text_is_nfc_and_line_breaks_split_a_paragraph():
    document = docx.Document()
    run = document.add_paragraph().add_run(unicodedata.normalize("NFD", "Chương I"))
    run.add_break()
    run.add_text(unicodedata.normalize("NFD", "QUY ĐỊNH  CHUNG"))
    run.bold = True

    lines = read_docx(save(document))

    assert texts(lines) == ["Chương I", "QUY ĐỊNH CHUNG"]
    assert all(unicodedata.is_normalized("NFC", line.text) for line in lines)
    assert all(line.bold for line in lines)


def test_tracked_deletions_are_dropped_and_insertions_kept():
    document = docx.Document()
    paragraph = document.add_paragraph("Mức thu ")
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="1" w:author="A"><w:r><w:delText>20.000</w:delText>'
            "</w:r></w:del>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="2" w:author="A"><w:r><w:t>30.000</w:t></w:r></w:ins>'
        )
    )

    assert texts(read_docx(save(document))) == ["Mức thu 30.000"]


def test_a_document_without_text_is_refused():
    document = docx.Document()
    document.add_paragraph("   ")

    with pytest.raises(DraftImportError, match="no text"):
        read_docx(save(document))


# ---------------------------------------------------------------------------------------------
# Hostile and broken files


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """200 MB of zeros that deflate to about 200 KB, written in chunks."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = bytes(1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    return output.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_inflated(
    zip_bomb, monkeypatch
):
    def no_extraction(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_extraction)

    with pytest.raises(DraftImportError, match="too much data"):
        read_docx(zip_bomb)


def test_a_member_compressed_more_than_100_times_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("word/document.xml", bytes(5 * 1024 * 1024))

    with pytest.raises(DraftImportError, match="too much data"):
        read_docx(output.getvalue())


def test_more_than_1000_members_are_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for index in range(MAX_MEMBERS + 1):
            archive.writestr(f"word/media/{index}.xml", "")

    with pytest.raises(DraftImportError, match="too much data"):
        read_docx(output.getvalue())


def test_an_encrypted_docx_says_so():
    # Word wraps an encrypted .docx in an OLE2 compound file with these streams.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")

    with pytest.raises(DraftImportError, match="encrypted or password-protected"):
        read_docx(data)


def test_an_old_doc_file_says_to_save_as_docx():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le")

    with pytest.raises(DraftImportError, match=r"old Word 97-2003 \.doc"):
        read_docx(data)


def test_a_truncated_docx_is_reported_as_damaged():
    data = minimal_docx()

    with pytest.raises(DraftImportError, match="damaged"):
        read_docx(data[: len(data) // 2])


def test_a_zip_that_is_not_a_word_document_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")

    with pytest.raises(DraftImportError, match=r"word/document\.xml is missing"):
        read_docx(output.getvalue())


def test_bytes_that_are_not_a_zip_are_refused():
    with pytest.raises(DraftImportError, match=r"not a Word \.docx"):
        read_docx(random.Random(1).randbytes(2048))


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {name} "{("&" + prev + ";") * 10}">'.encode()
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
)


def test_entity_expansion_in_document_xml_is_refused():
    data = replace_member(minimal_docx(), "word/document.xml", BILLION_LAUGHS)

    with pytest.raises(DraftImportError, match="DOCTYPE"):
        read_docx(data)


def test_an_external_entity_in_any_part_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:style><w:name w:val='&xxe;'/></w:style></w:styles>"
    ).encode()
    data = replace_member(minimal_docx(), "word/styles.xml", xxe)

    with pytest.raises(DraftImportError, match="DOCTYPE") as refused:
        read_docx(data)

    assert "TOP-SECRET-VALUE" not in str(refused.value)


def test_a_doctype_in_a_part_renamed_away_from_xml_is_still_refused():
    # python-docx parses a part by its declared content type, whatever its file name.
    source = minimal_docx()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        content_types = archive.read("[Content_Types].xml").replace(b"styles.xml", b"styles.bin")
        relationships = archive.read("word/_rels/document.xml.rels").replace(
            b"styles.xml", b"styles.bin"
        )
    data = replace_member(
        source, "word/styles.xml", BILLION_LAUGHS, {"word/styles.xml": "word/styles.bin"}
    )
    data = replace_member(data, "[Content_Types].xml", content_types)
    data = replace_member(data, "word/_rels/document.xml.rels", relationships)

    with pytest.raises(DraftImportError, match="DOCTYPE"):
        read_docx(data)


# ---------------------------------------------------------------------------------------------
# Export


def point(num: str, eid: str, text: str) -> ParsedProvision:
    return ParsedProvision(Kind.POINT, num, eid, text=text)


def exported_document() -> ParsedDocument:
    article_5 = ParsedProvision(
        Kind.ARTICLE,
        "5",
        "art_5",
        "Mức thu phí",
        "Mức thu được quy định như sau:",
        [
            ParsedProvision(Kind.CLAUSE, "1", "art_5__para_1", text="Người lớn: 30.000 đồng/lượt."),
            ParsedProvision(
                Kind.CLAUSE,
                "2",
                "art_5__para_2",
                text="Miễn phí cho các đối tượng sau:",
                children=[
                    point("a", "art_5__para_2__point_a", "Trẻ em dưới 6 tuổi;"),
                    point("b", "art_5__para_2__point_b", "Người khuyết tật đặc biệt nặng."),
                ],
            ),
            ParsedProvision(
                Kind.CLAUSE,
                "3",
                "art_5__para_3",
                text="Mức thu được niêm yết công khai.\nTiền phí nộp vào ngân sách.",
            ),
        ],
    )
    return ParsedDocument(
        document_type="Nghị quyết",
        number="…/2026/NQ-HĐND",
        title="Quy định mức thu phí tham quan di tích trên địa bàn thành phố",
        issuer="HỘI ĐỒNG NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI",
        place_and_date="Hà Nội, ngày … tháng … năm 2026",
        draft_label="DỰ THẢO",
        legal_bases=[
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
            "Căn cứ Luật Phí và lệ phí ngày 25 tháng 11 năm 2015;",
        ],
        preamble="Hội đồng nhân dân thành phố ban hành Nghị quyết quy định mức thu phí.",
        provisions=[
            ParsedProvision(
                Kind.CHAPTER,
                "I",
                "chp_I",
                "QUY ĐỊNH CHUNG",
                children=[
                    ParsedProvision(
                        Kind.ARTICLE,
                        "1",
                        "art_1",
                        "Phạm vi điều chỉnh",
                        "Nghị quyết này quy định mức thu phí tham quan di tích.",
                    ),
                ],
            ),
            ParsedProvision(
                Kind.CHAPTER,
                "II",
                "chp_II",
                "MỨC THU VÀ MIỄN GIẢM",
                children=[
                    ParsedProvision(
                        Kind.SECTION,
                        "1",
                        "chp_II__sec_1",
                        "MỨC THU",
                        children=[
                            article_5,
                            ParsedProvision(
                                Kind.ARTICLE, "5a", "art_5a", "Giảm phí", "Giảm 50% cho học sinh."
                            ),
                        ],
                    ),
                ],
            ),
            ParsedProvision(
                Kind.CHAPTER,
                "III",
                "chp_III",
                "ĐIỀU KHOẢN THI HÀNH",
                children=[
                    ParsedProvision(
                        Kind.ARTICLE,
                        "6",
                        "art_6",
                        "Hiệu lực thi hành",
                        "Nghị quyết có hiệu lực từ ngày ký.",
                    ),
                ],
            ),
        ],
        closing="Nơi nhận:\n- Như Điều 6;\n- Lưu: VT.\nTM. HỘI ĐỒNG NHÂN DÂN\nCHỦ TỊCH",
        annexes=["PHỤ LỤC\nBảng mức thu chi tiết"],
    )


def test_export_lays_out_a_vietnamese_legal_text():
    lines = read_docx(docx_export(exported_document()))
    by_text = {line.text: line for line in lines}

    assert texts(lines)[:9] == [
        "HỘI ĐỒNG NHÂN DÂN",
        "THÀNH PHỐ HÀ NỘI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: …/2026/NQ-HĐND",
        "Hà Nội, ngày … tháng … năm 2026",
        "DỰ THẢO",
        "NGHỊ QUYẾT",
        "Quy định mức thu phí tham quan di tích trên địa bàn thành phố",
    ]
    assert all(line.in_table for line in lines[:6])
    assert by_text["NGHỊ QUYẾT"].bold and by_text["NGHỊ QUYẾT"].centered
    assert by_text["Chương II"].bold and by_text["Chương II"].centered
    assert by_text["MỨC THU VÀ MIỄN GIẢM"].bold and by_text["MỨC THU VÀ MIỄN GIẢM"].centered
    assert by_text["Mục 1"].centered
    assert by_text["Điều 5a. Giảm phí"].bold and not by_text["Điều 5a. Giảm phí"].centered
    assert not by_text["a) Trẻ em dưới 6 tuổi;"].bold
    assert "Tiền phí nộp vào ngân sách." in by_text
    assert by_text["TM. HỘI ĐỒNG NHÂN DÂN"].in_table
    assert texts(lines)[-2:] == ["PHỤ LỤC", "Bảng mức thu chi tiết"]


def test_export_types_the_numbers_and_uses_times_new_roman():
    data = docx_export(exported_document())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()

    assert "<w:numPr>" not in body  # no Word auto-numbering: re-imports exactly
    assert "Times New Roman" in styles
    normal = docx.Document(io.BytesIO(data)).styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14


@pytest.mark.parametrize("name", ["67_2006_QH11.txt", "48_2013_ND-CP.txt"])
def test_real_laws_go_through_word_and_back_unchanged(name, parse_lines):
    document = parse_text(legal_text(name))
    parsed = parse_lines(read_docx(docx_export(document)))

    parsed.warnings = document.warnings = []  # parser notes, not part of the text

    assert parsed.to_dict() == document.to_dict()


def test_export_then_import_gives_back_the_same_tree(parse_lines):
    document = exported_document()

    parsed = parse_lines(read_docx(docx_export(document)))

    assert [item.to_dict() for item in parsed.provisions] == [
        item.to_dict() for item in document.provisions
    ]
