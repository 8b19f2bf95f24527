"""The end of the articles: the closing formula, the signature block, annexes and attachments."""

from __future__ import annotations

import re

from .header import ATTACHED_TYPE_NAMES, ISSUER_WORDS, is_motto_line
from .labels import label_rest
from .lines import ends_sentence, is_table_row, is_upper

PASSED_FORMULA = re.compile(
    r"^(?i:hiến pháp|bộ luật|luật|pháp lệnh|nghị quyết(?: liên tịch)?)\s+(?i:này)\s+(?i:đã\s+)?"
    r"(?i:được)\b.*\b(?i:thông qua)\b"
)
# "Nơi nhận:" alone, followed by its list or by the signature beside it ("Nơi nhận: TM. ..."
# copied from a two-column table); "Nơi nhận hồ sơ: ..." is a sentence of an article.
_RECIPIENTS = re.compile(r"^(?i:nơi nhận)\s*:\s*(?P<rest>.*)$")
SIGNATURE_PREFIX = re.compile(
    r"^(?:TM|KT|TL|TUQ|T\.M|K\.T|T\.L|T/M|K/T|T/L|Q)(?:\.\s*|\s+)(?P<rest>\S.*)$"
)
SIGNER_TITLE = re.compile(
    r"^(?:PHÓ )?(?:THỦ TƯỚNG|CHỦ TỊCH|BỘ TRƯỞNG|THỨ TRƯỞNG|CHỦ NHIỆM|TỔNG KIỂM TOÁN|CHÁNH ÁN|"
    r"VIỆN TRƯỞNG|THỐNG ĐỐC|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG|CHÁNH VĂN PHÒNG|"
    r"TRƯỞNG BAN|TỔNG THƯ KÝ|BÍ THƯ|CHÁNH THANH TRA|TỔNG THANH TRA)\b"
)
_SIGNED_MARK = re.compile(
    r"^(?:\((?i:đã ký|ký tên|ký, ghi rõ họ tên|chữ ký)[^()]*\)|(?i:đã ký)\.?)$"
)
_ANNEX = re.compile(
    r"^(?:PHỤ LỤC|(?P<titlecase>Phụ lục))(?:\s+(?i:số)\s*|\s+)?(?P<num>[IVXLC]+|\d{1,3}[a-zA-Z]?)?"
    r"(?!\w)(?P<tail>.*)$"
)
ISSUED_WITH = re.compile(r"^\((?i:ban hành )?(?i:kèm theo)\b")
_FORM = re.compile(r"^(?:(?i:mẫu|biểu mẫu|biểu)\s+(?i:số)?\s*[\dIVX]|DANH MỤC\b|BIỂU\b)")


def is_recipients(text: str) -> bool:
    """ "Nơi nhận:", the first line of the list of recipients of a signed text."""
    found = _RECIPIENTS.match(text)
    if found is None:
        return False
    rest = found["rest"]
    return not rest or rest[0] in "-–+•" or is_upper(rest.split(" ")[0])


def is_signature_start(text: str) -> bool:
    """ "Nơi nhận:", "TM. CHÍNH PHỦ", "KT. BỘ TRƯỞNG" or "(Đã ký)"."""
    prefix = SIGNATURE_PREFIX.match(text)
    return bool(
        is_recipients(text)
        or (prefix and is_upper(prefix["rest"]) and len(text) <= 120)
        or _SIGNED_MARK.match(text)
    )


def issuer_lines(lines: list[str]) -> list[str]:
    """Take the issuer printed above a second document's motto off the end of `lines`."""
    start = len(lines)
    while start > 0 and len(lines) - start < 3:
        line = lines[start - 1]
        if not is_upper(line) or SIGNER_TITLE.match(line) or SIGNATURE_PREFIX.match(line):
            break
        start -= 1
    # "ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG NINH": the issuer starts with the name of a body.
    while start < len(lines) and not ISSUER_WORDS.match(lines[start]):
        start += 1
    taken = lines[start:]
    del lines[start:]
    return taken


def starts_annex(text: str, after_signature: bool = True) -> bool:
    """ "PHỤ LỤC ...", "Phụ lục I", "Phụ lục số 01. Danh mục ..." on a line of its own."""
    found = _ANNEX.match(text)
    if not found:
        return False
    if not found["titlecase"]:
        return True  # "PHỤ LỤC", "PHỤ LỤC I", "PHỤ LỤC KÈM THEO ..."
    tail = found["tail"].strip()
    if not tail:
        return True
    rest = label_rest(found["tail"])
    if rest is None or ends_sentence(tail) or tail.endswith(":"):
        return False  # "Phụ lục I ban hành kèm theo ..." is a sentence of an article
    # Inside the articles a list of annexes ("Phụ lục I. Mẫu tờ khai") looks like headings:
    # there only a title in capitals makes it an annex.
    return after_signature or is_upper(rest)


def starts_attachment(text: str) -> bool:
    """After the signature: a form, or a second document such as an attached regulation."""
    if is_table_row(text):
        return is_motto_line(text)
    return bool(
        starts_annex(text)
        or _FORM.match(text)
        or is_motto_line(text)
        or text in ATTACHED_TYPE_NAMES
    )
