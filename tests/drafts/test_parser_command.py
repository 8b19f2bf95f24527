"""`manage.py parse_draft`: prints what the parser finds; never touches the database."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

DRAFT = """\
ỦY BAN NHÂN DÂN
THÀNH PHỐ ĐÀ NẴNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: …/2026/QĐ-UBND
Đà Nẵng, ngày     tháng     năm 2026
DỰ THẢO
QUYẾT ĐỊNH
Ban hành Quy định về dữ liệu mở
Căn cứ Luật Công nghệ thông tin;
QUYẾT ĐỊNH:
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
1. Dữ liệu mở gồm:
a) Dữ liệu thủ tục hành chính;
b) Dữ liệu quy hoạch.
3. Khoản bị nhảy số.
Nơi nhận:
- Lưu: VT.
"""


@pytest.fixture
def draft_file(tmp_path: Path) -> Path:
    path = tmp_path / "du-thao.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("parse_draft", *args, stdout=out)
    return out.getvalue()


def test_json_output_is_the_parsed_document(draft_file):
    data = json.loads(run(str(draft_file)))
    assert data["document_type"] == "Quyết định"
    assert data["number"] == "…/2026/QĐ-UBND"
    assert data["title"] == "Ban hành Quy định về dữ liệu mở"
    assert data["draft_label"] == "DỰ THẢO"
    chapter = data["provisions"][0]
    assert (chapter["kind"], chapter["eid"], chapter["heading"]) == (
        "chapter",
        "chp_I",
        "QUY ĐỊNH CHUNG",
    )
    clause = chapter["children"][0]["children"][0]
    assert [point["eid"] for point in clause["children"]] == [
        "art_1__para_1__point_a",
        "art_1__para_1__point_b",
    ]
    assert data["warnings"] == ["khoản 1 is followed by khoản 3 in Điều 1"]
    assert data["closing"] == "Nơi nhận:\n- Lưu: VT."


def test_json_keeps_vietnamese_characters_unescaped(draft_file):
    output = run(str(draft_file), "--format", "json")
    assert "Phạm vi điều chỉnh" in output
    assert "\\u" not in output


def test_text_output_is_an_outline_with_the_warnings(draft_file):
    lines = run(str(draft_file), "--format", "text").splitlines()
    assert lines[:2] == ["Quyết định …/2026/QĐ-UBND", "Ban hành Quy định về dữ liệu mở"]
    assert "chapter I QUY ĐỊNH CHUNG" in lines
    assert "  article 1 Phạm vi điều chỉnh" in lines
    assert "      point a" in lines
    assert lines[-2:] == ["Warnings:", "- khoản 1 is followed by khoản 3 in Điều 1"]


def test_an_import_error_becomes_a_command_error(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(CommandError):
        run(str(path))
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing.txt"))


def test_the_outline_shows_an_attached_regulation_before_its_provisions():
    from drafts.management.commands.parse_draft import outline
    from tests.drafts.test_parser_attachment import parse

    lines = outline(parse())
    start = lines.index(
        "att_1 QUY ĐỊNH Về quản lý, vận hành và khai thác Cổng dữ liệu mở thành phố Đà Nẵng"
    )
    assert lines[start - 2 : start + 2] == [
        "article 3 Trách nhiệm thi hành",
        "",
        lines[start],
        "chapter I QUY ĐỊNH CHUNG",
    ]
