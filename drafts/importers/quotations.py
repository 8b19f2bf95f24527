"""Quotations in an amending article: quote marks, and the lines that end a quotation."""

from __future__ import annotations

import re

from .closing import PASSED_FORMULA, SIGNER_TITLE, is_signature_start
from .header import is_motto_line
from .lines import is_table_row, table_cells

# Words that open an amending instruction: "2. Sửa đổi khoản 3 ...", "b) Bổ sung điểm đ ...".
AMENDING = re.compile(
    r"^(?:(?:Sửa đổi|Sửa|Bổ sung|Bãi bỏ|Thay thế|Thay|Bỏ|Hủy bỏ|Huỷ bỏ|Đính chính|Tại|Cụm từ|"
    r"Các cụm từ)\b|(?:Điều|Khoản|Chương|Mục|Phụ lục) [\dIVXLC]|Điểm [a-zđ]\b)"
)
_OPENING_QUOTES = "“«„"
_CLOSING_QUOTES = "”»"
QUOTES = _OPENING_QUOTES + _CLOSING_QUOTES + '"'


def scan_quotes(text: str) -> tuple[int, bool]:
    """The net number of quotations a line leaves open (negative: it closes earlier ones), and
    whether it opens replacement text: an open quote that starts the line or follows a colon.

    Straight quotes open at the start of a word and close at its end.
    """
    opened: list[int] = []
    unmatched_closes = 0
    for index, char in enumerate(text):
        if char == '"':
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            opening = (before.isspace() or before in "([{:") and (after.isalnum() or after in "(…")
            if not opening and (opened or not (before.isspace() and after.isspace())):
                char = "”"
            else:
                char = "“"
        if char in _OPENING_QUOTES:
            opened.append(index)
        elif char in _CLOSING_QUOTES:
            if opened:
                opened.pop()
            else:
                unmatched_closes += 1
    opens_block = bool(opened) and (opened[0] == 0 or text[: opened[-1]].rstrip().endswith(":"))
    return len(opened) - unmatched_closes, opens_block


def ends_any_quotation(text: str) -> bool:
    """The signature block or a second document: never part of a quotation. (A signer's
    title alone is not enough: "CHỦ TỊCH NƯỚC" may be the title of a quoted chapter.)"""
    if is_table_row(text):
        cells = table_cells(text)
        signer = len(cells) <= 2 and bool(cells) and bool(SIGNER_TITLE.match(cells[-1]))
        return signer or is_motto_line(text) or any(is_signature_start(c) for c in cells)
    return bool(is_signature_start(text) or is_motto_line(text) or PASSED_FORMULA.match(text))
