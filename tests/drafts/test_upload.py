"""parse_upload and parse_file: format by content, name cross-checked, clear messages."""

import io
import random
import zipfile
from pathlib import Path

import pytest

from drafts.importers import (
    MAX_UPLOAD_BYTES,
    DraftImportError,
    Kind,
    ParsedDocument,
    ParsedProvision,
    parse_file,
    parse_upload,
)
from drafts.importers.akn import akn_export
from drafts.importers.docx import docx_export
from tests.drafts.conftest import legal_text_path

pytestmark = pytest.mark.usefixtures("english")


def small_document(*provisions: ParsedProvision) -> ParsedDocument:
    return ParsedDocument(
        document_type="Quyết định",
        title="Ban hành quy chế",
        provisions=list(provisions),
    )


ARTICLE = ParsedProvision(Kind.ARTICLE, "1", "art_1", "Phạm vi", "Quyết định này quy định.")


# ---------------------------------------------------------------------------------------------
# Refused before any parser runs


def test_an_empty_file_is_refused():
    with pytest.raises(DraftImportError, match="empty"):
        parse_upload("du-thao.docx", b"")


def test_an_over_size_file_is_refused_naming_the_limit():
    with pytest.raises(DraftImportError, match="larger than 20 MB"):
        parse_upload("du-thao.txt", bytes(MAX_UPLOAD_BYTES + 1))


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("du-thao.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),  # a PDF renamed .docx
        ("report.pdf", "Điều 1. Phạm vi".encode()),
        ("du-thao.odt", b"PK\x03\x04rest"),
        ("du-thao", "Điều 1. Phạm vi".encode()),
    ],
)
def test_only_docx_txt_and_akn_xml_are_accepted(filename, data):
    with pytest.raises(DraftImportError, match=r"only \.docx, \.txt or Akoma Ntoso \.xml"):
        parse_upload(filename, data)


def test_random_bytes_named_txt_are_not_a_text_file():
    with pytest.raises(DraftImportError, match="not a text file"):
        parse_upload("du-thao.txt", random.Random(7).randbytes(4096))


def test_control_characters_betray_a_binary_file_that_happens_to_be_utf8():
    with pytest.raises(DraftImportError, match="not a text file"):
        parse_upload("du-thao.txt", b"Dieu 1\x00\x00\x01\x02")


def test_a_word_file_named_txt_is_refused():
    with pytest.raises(DraftImportError, match=r"should end in \.docx"):
        parse_upload("du-thao.txt", docx_export(small_document(ARTICLE)))


def test_text_named_docx_is_refused():
    with pytest.raises(DraftImportError, match=r"named \.docx but is not a Word document"):
        parse_upload("du-thao.docx", "Điều 1. Phạm vi".encode())


def test_an_old_doc_file_gets_the_save_as_docx_message_whatever_its_name():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le")

    with pytest.raises(DraftImportError, match=r"old Word 97-2003 \.doc"):
        parse_upload("du-thao.doc", data)


def test_a_truncated_docx_upload_is_reported_as_damaged():
    data = docx_export(small_document(ARTICLE))

    with pytest.raises(DraftImportError, match="damaged"):
        parse_upload("du-thao.docx", data[:-200])


def test_text_named_xml_is_refused():
    with pytest.raises(DraftImportError, match=r"named \.xml but is not an XML file"):
        parse_upload("du-thao.xml", "Điều 1. Phạm vi".encode())


def test_xml_that_is_not_akoma_ntoso_is_refused():
    with pytest.raises(DraftImportError, match="not an Akoma Ntoso document"):
        parse_upload("du-thao.xml", b"\xef\xbb\xbf  \n<html><body/></html>")


# ---------------------------------------------------------------------------------------------
# Parsed


def test_an_akoma_ntoso_upload_is_parsed_by_content():
    document = small_document(ARTICLE)

    parsed = parse_upload("DU-THAO.XML", akn_export(document))

    assert parsed.to_dict() == document.to_dict()


def test_an_upload_without_any_article_is_refused():
    with pytest.raises(DraftImportError, match=r"No articles \(Điều\) were found"):
        parse_upload("du-thao.xml", akn_export(small_document()))


def test_a_text_without_provisions_is_refused():
    data = "Ý kiến của tôi về dự thảo: nên giảm phí.\nXin cảm ơn.".encode()

    with pytest.raises(DraftImportError, match=r"No articles \(Điều\) were found"):
        parse_upload("gop-y.txt", data)


def test_a_real_law_as_utf8_text_is_parsed():
    parsed = parse_upload("67_2006_QH11.txt", legal_text_path("67_2006_QH11.txt").read_bytes())

    articles = [item for item in parsed.walk() if item.kind == Kind.ARTICLE]
    assert len(articles) == 79


def test_utf16_text_with_a_bom_is_read():
    parsed = parse_upload("du-thao.txt", "Điều 1. Phạm vi\nVăn bản này quy định.".encode("utf-16"))

    assert [item.eid for item in parsed.provisions] == ["art_1"]


def test_a_docx_upload_is_parsed():
    parsed = parse_upload("du-thao.docx", docx_export(small_document(ARTICLE)))

    assert [item.to_dict() for item in parsed.provisions] == [ARTICLE.to_dict()]


# ---------------------------------------------------------------------------------------------
# Files on disk


def test_parse_file_checks_the_size_before_reading(tmp_path, monkeypatch):
    huge = tmp_path / "huge.docx"
    with huge.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no disk space used

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)

    with pytest.raises(DraftImportError, match="larger than 20 MB"):
        parse_file(huge)


def test_parse_file_parses_an_akoma_ntoso_file(tmp_path):
    path = tmp_path / "du-thao.xml"
    path.write_bytes(akn_export(small_document(ARTICLE)))

    assert [item.eid for item in parse_file(path).provisions] == ["art_1"]


def test_parse_file_reports_a_missing_file(tmp_path):
    with pytest.raises(DraftImportError, match="cannot be read"):
        parse_file(tmp_path / "missing.docx")


def test_a_zip_bomb_upload_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("word/document.xml", bytes(60 * 1024 * 1024))

    with pytest.raises(DraftImportError, match="too much data"):
        parse_upload("du-thao.docx", output.getvalue())
