"""Akoma Ntoso export and import: an exact round trip, and hostile XML refused."""

import pytest
from lxml import etree

from drafts.importers.akn import AKN_NS, akn_export, parse_akn
from drafts.importers.structure import DraftImportError, Kind, ParsedDocument, ParsedProvision
from drafts.importers.text import parse_text
from tests.drafts.conftest import legal_text

pytestmark = pytest.mark.usefixtures("english")

NS = {"akn": AKN_NS}


def provision(
    kind: Kind,
    num: str,
    eid: str,
    heading: str = "",
    text: str = "",
    *children: ParsedProvision,
) -> ParsedProvision:

    return ParsedProvision(kind, num, eid, heading, text, list(children))


def rich_document() -> ParsedDocument:
    """Parts, chapters, sections, a subsection, Điều 5a, khoản 2a, điểm đ and a1, many lines."""
    return ParsedDocument(
        document_type="Nghị quyết",
        number="…/2026/NQ-HĐND",
        title="Quy định mức thu phí tham quan",
        issuer="HỘI ĐỒNG NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI",
        place_and_date="Hà Nội, ngày 29 tháng 6 năm 2026",
        draft_label="Dự thảo lần 2",
        legal_bases=[
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
            "Căn cứ Luật Phí và lệ phí ngày 25 tháng 11 năm 2015;",
        ],
        preamble="Xét Tờ trình số 12/TTr-UBND;\nHội đồng nhân dân thành phố ban hành Nghị quyết.",
        provisions=[
            provision(
                Kind.PART,
                "I",
                "part_1",
                "QUY ĐỊNH CHUNG",
                "",
                provision(
                    Kind.CHAPTER,
                    "I",
                    "chp_I",
                    "PHẠM VI",
                    "",
                    provision(Kind.ARTICLE, "1", "art_1", "Phạm vi điều chỉnh", "Nghị quyết này."),
                ),
            ),
            provision(
                Kind.CHAPTER,
                "II",
                "chp_II",
                "MỨC THU",
                "",
                provision(
                    Kind.SECTION,
                    "1",
                    "chp_II__sec_1",
                    "MỨC THU CHUNG",
                    "",
                    provision(
                        Kind.SUBSECTION,
                        "1",
                        "chp_II__sec_1__subsec_1",
                        "DI TÍCH",
                        "",
                        provision(
                            Kind.ARTICLE,
                            "5",
                            "art_5",
                            "Mức thu",
                            "Mức thu như sau:\nĐơn vị tính: đồng/lượt.",
                            provision(Kind.CLAUSE, "1", "art_5__para_1", "", "Người lớn: 30.000."),
                            provision(
                                Kind.CLAUSE,
                                "2",
                                "art_5__para_2",
                                "",
                                "Miễn phí cho:",
                                provision(Kind.POINT, "a", "art_5__para_2__point_a", "", "Trẻ em;"),
                                provision(
                                    Kind.POINT, "đ", "art_5__para_2__point_đ", "", "Người cao tuổi;"
                                ),
                                provision(
                                    Kind.POINT, "a1", "art_5__para_2__point_a1", "", "Thương binh."
                                ),
                            ),
                            provision(
                                Kind.CLAUSE, "2a", "art_5__para_2a", "", "Dòng một.\nDòng hai."
                            ),
                        ),
                        provision(Kind.ARTICLE, "5a", "art_5a", "Giảm phí", "Giảm 50%."),
                    ),
                ),
            ),
            provision(Kind.ARTICLE, "6", "art_6", "", "Điều không có tiêu đề."),
            provision(Kind.ARTICLE, "7", "art_7", "Hiệu lực", ""),
        ],
        closing="Nơi nhận:\n- Như Điều 7;\nTM. HỘI ĐỒNG NHÂN DÂN\nCHỦ TỊCH",
        annexes=["PHỤ LỤC I\nBảng mức thu", "PHỤ LỤC II"],
    )


def test_parse_akn_gives_back_exactly_what_akn_export_wrote():
    document = rich_document()

    assert parse_akn(akn_export(document)).to_dict() == document.to_dict()


@pytest.mark.parametrize("name", ["67_2006_QH11.txt", "48_2013_ND-CP.txt"])
def test_real_laws_go_through_akoma_ntoso_and_back_unchanged(name):
    document = parse_text(legal_text(name))
    document.warnings = []

    assert parse_akn(akn_export(document)).to_dict() == document.to_dict()


def test_round_trip_keeps_empty_header_fields_and_a_date_still_to_fill():
    document = ParsedDocument(
        place_and_date="Hà Nội, ngày … tháng … năm 2026",
        provisions=[provision(Kind.ARTICLE, "1", "art_1", "Phạm vi", "Văn bản.")],
    )

    assert parse_akn(akn_export(document)).to_dict() == document.to_dict()


def test_export_is_a_pretty_printed_utf8_akoma_ntoso_bill():
    data = akn_export(rich_document())
    root = etree.fromstring(data)

    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "\n    <meta>" in data.decode("utf-8")
    assert root.tag == f"{{{AKN_NS}}}akomaNtoso"
    bill = root.find("akn:bill", NS)
    assert bill is not None and bill.get("name") == "nghi-quyet"
    identification = "akn:bill/akn:meta/akn:identification"
    assert root.find(f"{identification}/akn:FRBRWork/akn:FRBRcountry", NS).get("value") == "vn"
    language = root.find(f"{identification}/akn:FRBRExpression/akn:FRBRlanguage", NS)
    assert language.get("language") == "vie"
    assert root.find(f"{identification}/akn:FRBRWork/akn:FRBRdate", NS).get("date") == "2026-06-29"
    assert root.findtext("akn:bill/akn:preface//akn:docNumber", namespaces=NS) == "…/2026/NQ-HĐND"
    assert len(root.findall("akn:bill/akn:preamble/akn:citations/akn:citation", NS)) == 2


def test_export_marks_up_provisions_with_eid_num_heading_intro_and_content():
    root = etree.fromstring(akn_export(rich_document()))

    article = root.find(".//akn:article[@eId='art_5']", NS)
    assert article.findtext("akn:num", namespaces=NS) == "Điều 5."
    assert article.findtext("akn:heading", namespaces=NS) == "Mức thu"
    assert [p.text for p in article.findall("akn:intro/akn:p", NS)] == [
        "Mức thu như sau:",
        "Đơn vị tính: đồng/lượt.",
    ]
    point = root.find(
        ".//akn:paragraph[@eId='art_5__para_2']/akn:point[@eId='art_5__para_2__point_đ']", NS
    )
    assert point.findtext("akn:num", namespaces=NS) == "đ)"
    assert point.findtext("akn:content/akn:p", namespaces=NS) == "Người cao tuổi;"
    assert root.find(".//akn:chapter[@eId='chp_II']/akn:section/akn:subsection", NS) is not None
    assert root.findtext("akn:bill/akn:conclusions/akn:p", namespaces=NS) == "Nơi nhận:"
    annexes = root.findall("akn:bill/akn:attachments/akn:attachment/akn:doc", NS)
    assert [annex.get("name") for annex in annexes] == ["annex", "annex"]


def test_export_eids_are_unique_as_the_schema_requires():
    root = etree.fromstring(akn_export(rich_document()))
    eids = [element.get("eId") for element in root.iter() if element.get("eId")]

    assert len(eids) == len(set(eids))


def test_parse_akn_reads_an_act_and_computes_missing_eids_from_numbers():
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
    <akomaNtoso xmlns="{AKN_NS}">
      <act name="luat">
        <meta/>
        <body>
          <chapter><num>Chương II</num><heading>QUY ĐỊNH</heading>
            <section><num>Mục 1</num>
              <article><num>Điều 5.</num><heading>Chính sách</heading>
                <paragraph><num>2.</num><intro><p>Ưu tiên:</p></intro>
                  <point><num>a)</num><content><p>
                      Đầu tư   hạ tầng;
                  </p></content></point>
                </paragraph>
              </article>
            </section>
          </chapter>
        </body>
      </act>
    </akomaNtoso>""".encode()

    chapter = parse_akn(data).provisions[0]
    section = chapter.children[0]
    article = section.children[0]
    point = article.children[0].children[0]

    assert (chapter.eid, section.eid, article.eid) == ("chp_II", "chp_II__sec_1", "art_5")
    assert (point.eid, point.num, point.text) == ("art_5__para_2__point_a", "a", "Đầu tư hạ tầng;")
    assert article.children[0].text == "Ưu tiên:"


def test_parse_akn_keeps_provisions_inside_unknown_containers_and_warns():
    data = f"""<akomaNtoso xmlns="{AKN_NS}"><bill name="x"><meta/><body>
      <hcontainer name="wrapper"><article eId="art_1"><num>Điều 1.</num>
        <content><p>Văn bản.</p></content></article></hcontainer>
    </body></bill></akomaNtoso>""".encode()

    document = parse_akn(data)

    assert [item.eid for item in document.provisions] == ["art_1"]
    assert "hcontainer" in document.warnings[0]


def test_billion_laughs_is_refused_without_expanding():
    entities = "\n".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )
    data = f"""<?xml version="1.0"?>
    <!DOCTYPE akomaNtoso [<!ENTITY lol0 "lol">{entities}]>
    <akomaNtoso xmlns="{AKN_NS}"><bill name="x">&lol9;</bill></akomaNtoso>""".encode()

    with pytest.raises(DraftImportError, match="DOCTYPE"):
        parse_akn(data)


def test_external_entity_is_refused_and_the_file_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    data = f"""<?xml version="1.0"?>
    <!DOCTYPE akomaNtoso [<!ENTITY xxe SYSTEM "file://{secret}">]>
    <akomaNtoso xmlns="{AKN_NS}"><bill name="x"><body><article eId="art_1">
      <content><p>&xxe;</p></content></article></body></bill></akomaNtoso>""".encode()

    with pytest.raises(DraftImportError, match="DOCTYPE") as refused:
        parse_akn(data)

    assert "TOP-SECRET-VALUE" not in str(refused.value)


def test_a_doctype_hidden_in_utf16_is_refused_too():
    data = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        f'<!DOCTYPE a [<!ENTITY e "x">]><akomaNtoso xmlns="{AKN_NS}"/>'
    )

    with pytest.raises(DraftImportError, match="DOCTYPE"):
        parse_akn(data.encode("utf-16"))


def test_malformed_xml_is_reported_with_its_line_number():
    data = f'<akomaNtoso xmlns="{AKN_NS}">\n<bill name="x">\n</akomaNtoso>'.encode()

    with pytest.raises(DraftImportError, match="line 3"):
        parse_akn(data)


def test_a_root_other_than_akoma_ntoso_is_refused_by_name():
    with pytest.raises(DraftImportError, match=r"not an Akoma Ntoso document.*<html>"):
        parse_akn(b"<html><body><p>Dieu 1</p></body></html>")


def test_an_akoma_ntoso_file_without_act_or_bill_is_refused():
    data = f'<akomaNtoso xmlns="{AKN_NS}"><judgment name="x"/></akomaNtoso>'.encode()

    with pytest.raises(DraftImportError, match="no <act> or <bill>"):
        parse_akn(data)
