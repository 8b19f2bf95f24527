"""The header of a legal text: issuer, number, place and date, type, title and legal bases."""

from __future__ import annotations

import re

from .lines import ends_sentence, is_table_row, is_upper, table_cells
from .structure import ParsedDocument, SourceLine

_MOTTO = re.compile(
    r"^(?i:cộng h(?:òa|oà) xã hội chủ nghĩa việt nam|độc lập\s*[-–]\s*tự do\s*[-–]\s*hạnh phúc)"
    r"\s*[-–—_]*\s*"
)
_REPUBLIC = re.compile(r"^(?i:cộng h(?:òa|oà))")
_TYPE_NAMES = (  # longest first: "THÔNG TƯ LIÊN TỊCH" before "THÔNG TƯ"
    "NGHỊ QUYẾT LIÊN TỊCH",
    "THÔNG TƯ LIÊN TỊCH",
    "VĂN BẢN HỢP NHẤT",
    "HIẾN PHÁP",
    "BỘ LUẬT",
    "PHÁP LỆNH",
    "NGHỊ QUYẾT",
    "NGHỊ ĐỊNH",
    "QUYẾT ĐỊNH",
    "THÔNG TƯ",
    "CHỈ THỊ",
    "LUẬT",
    "LỆNH",
)
# Types of documents that are usually attached to a decision; only a line of their own counts.
ATTACHED_TYPE_NAMES = frozenset(
    ("QUY ĐỊNH", "QUY CHẾ", "ĐIỀU LỆ", "KẾ HOẠCH", "HƯỚNG DẪN", "ĐỀ ÁN", "CHƯƠNG TRÌNH")
)
_TYPE_PREFIX = re.compile(rf"^(?P<type>{'|'.join(_TYPE_NAMES)})(?: (?P<title>[^:]+))?$")
_OF_ISSUER = re.compile(r"^CỦA [^,.;]{2,60}$")
# The code after the last "/" of a number: NĐ-CP, QH11, QĐ-UBND, TTLT-BTC-BTP...
_TYPE_CODES = (
    ("NQLT", "Nghị quyết liên tịch"),
    ("TTLT", "Thông tư liên tịch"),
    ("NĐ", "Nghị định"),
    ("NQ", "Nghị quyết"),
    ("QĐ", "Quyết định"),
    ("TT", "Thông tư"),
    ("CT", "Chỉ thị"),
    ("PL", "Pháp lệnh"),
    ("L", "Lệnh"),
    ("QH", "Luật"),
)
_NUMBER = re.compile(
    r"^(?:(?P<prefix>(?i:bộ luật|luật|pháp lệnh|lệnh|nghị quyết|nghị định|quyết định|thông tư|"
    r"chỉ thị))\s+)?(?i:số)\b\s*(?P<colon>[:.])?\s*(?P<value>.*)$"
)
_NUMBER_TOKEN = re.compile(r"^(?P<token>[^\s,;]*(?:/|\d-[A-ZĐ])[^\s,;]*)[,;]?\s*(?P<rest>.*)$")
# "Hà Nội, ngày 14 tháng 5 năm 2013"; in old texts the date alone follows the number.
_PLACE_AND_DATE = re.compile(r"^(?:[^\W\d_][^,;:]{0,60},\s*(?i:ngày)\b|(?i:ngày)\s+\d)")
_DRAFT_LABEL = re.compile(
    r"^[(\[]?\s*(?i:dự thảo)(?P<rest>[^()\[\]]*)[)\]]?$",
)
_DRAFT_LABEL_REST = re.compile(
    r"^\s*(?:[-:]\s*)?(?:lần\s*(?:thứ\s*)?)?(?:\d{1,2}|[ivx]{1,4}|một|hai|ba|bốn|tư|năm|sáu|bảy|"
    r"tám|chín|mười|cuối|cuối cùng)?\s*(?:(?:,\s*)?ngày\s*[\d/.\-]+)?\s*$"
)
_TRAILING_DRAFT_LABEL = re.compile(r"^(?P<before>.*\S)\s*(?P<label>\((?i:dự thảo)[^()]*\))$")
_LEADING_DRAFT_LABEL = re.compile(  # "DỰ THẢO NGHỊ ĐỊNH"
    r"^(?P<label>DỰ THẢO(?: LẦN \S+)?|Dự thảo(?: lần \S+)?)\s+"
    rf"(?P<after>(?:{'|'.join(_TYPE_NAMES)})\b.*)$"
)
_LEGAL_BASIS = re.compile(r"^(?i:căn cứ)\b")
# Where the number or the motto starts inside a merged cell: "BỘ TÀI CHÍNH Số: 80/2021/TT-BTC",
# "CHÍNH PHỦ CỘNG HÒA XÃ HỘI ..." (but not "QUỐC HỘI NƯỚC CỘNG HÒA ...", a name).
_CELL_NUMBER = re.compile(
    r"(?<=\S)(?<!NƯỚC)(?<!nước)(?<!Luật)(?<!LUẬT)(?<!lệnh)(?<!Lệnh)(?<!LỆNH)\s+"
    r"(?=(?:(?:Luật|Bộ luật|Pháp lệnh|Lệnh) )?[Ss]ố\s*:"
    r"|CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|Độc lập\s*[-–]\s*Tự do)"
)
# A header line that holds several fields side by side (a copy of a two-column table).
_MERGED_HEADER = re.compile(
    r"^(?:(?:Luật|Bộ luật|Pháp lệnh|Lệnh) )?[Ss]ố\s*:|(?<!NƯỚC)(?<!nước) (?:CỘNG HÒA XÃ HỘI|CỘNG "
    r"HOÀ XÃ HỘI|Độc lập\s*[-–]\s*Tự do)"
)
_DATE_AFTER_PLACE = re.compile(r",\s*(?i:ngày)\b")
_RULE = re.compile(r"\s*[-=*]{3,}\s*")  # not "___": blanks to fill in ("ngày ___ tháng")
# Lines of the preamble that end the title: bases, reasons, the enacting authority and sentence.
_TITLE_STOP = re.compile(
    r"^(?:(?:Căn cứ|Xét|Theo đề nghị|Trên cơ sở|Thực hiện|Thi hành|Để|Nhằm|Lời nói đầu|LỜI NÓI "
    r"ĐẦU)\b|\((?i:ban hành kèm theo|kèm theo|từ ngày|dự thảo)|(?:QUỐC HỘI|ỦY BAN|UỶ BAN|HỘI ĐỒNG "
    r"NHÂN DÂN|CHÍNH PHỦ|THỦ TƯỚNG|CHỦ TỊCH|BỘ TRƯỞNG|KHÓA|KHOÁ|TỔNG KIỂM TOÁN|THỐNG ĐỐC|CHÁNH "
    r"ÁN|VIỆN TRƯỞNG|HỘI ĐỒNG THẨM PHÁN)\b)"
)
_ENACTING_SENTENCE = re.compile(
    r"^(?!(?i:về việc|v/v)\b)\S.*\s(?i:ban hành|quyết định|quyết nghị)\s+(?:Luật|Bộ luật|Nghị định|"
    r"Nghị quyết|Thông tư|Quyết định|Pháp lệnh|Chỉ thị|Lệnh)\b"
)
_TITLE_CONNECTIVE = re.compile(r"(?:,|\b(?i:của|và|về|cho|tại|trong|đối với|theo|các|với|số))$")
_NOT_ISSUER = re.compile(r"CỘNG HÒA|CỘNG HOÀ|\bKHÓA\b|\bKHOÁ\b|\bKỲ HỌP\b")
ISSUER_WORDS = re.compile(
    r"^(?:QUỐC HỘI|ỦY BAN|UỶ BAN|HỘI ĐỒNG|CHÍNH PHỦ|THỦ TƯỚNG|CHỦ TỊCH|BỘ|TỔNG CỤC|CỤC|SỞ|"
    r"NGÂN HÀNG|KIỂM TOÁN|TÒA ÁN|TOÀ ÁN|VIỆN KIỂM SÁT|VĂN PHÒNG|BAN|THANH TRA|UBND|HĐND)\b"
)


def is_motto_line(text: str) -> bool:
    """The national motto ("CỘNG HÒA ...", then "Độc lập - ...") on a line of its own, or a table
    row holding it: the header of a (new) document."""
    if is_table_row(text):
        return any(is_motto_line(cell) for cell in table_cells(text))
    found = _MOTTO.match(text)
    if found is None or not _REPUBLIC.match(text):
        return False
    return found.end() == len(text) or bool(_MOTTO.match(text[found.end() :]))


def _document_type_name(printed: str) -> str:
    """ "NGHỊ ĐỊNH" → "Nghị định", as Vietnamese writes the name of a type in a sentence."""
    return printed.capitalize()


def _type_from_number(number: str) -> str:
    code = number.rsplit("/", 1)[-1].upper()
    first = re.split(r"[-–]", code)[0]
    if first.startswith("QH") and "NQ" in code:
        return "Nghị quyết"
    for prefix, name in _TYPE_CODES:
        if first == prefix or (prefix == "QH" and first.startswith("QH")):
            return name
    return ""


def _is_draft_label(text: str) -> bool:
    found = _DRAFT_LABEL.match(text)
    return bool(found and len(text) <= 60 and _DRAFT_LABEL_REST.match(found["rest"].lower()))


class HeaderReader:
    """Reads the lines before the first provision into the document's header fields."""

    def __init__(self, document: ParsedDocument) -> None:
        self.document = document
        self.issuer: list[str] = []
        self.title: list[str] = []
        self.preamble: list[str] = []
        self.title_open = False
        self.seen_number_or_date = False
        self.type_from_prefix = ""  # "Luật số: ..." names the type when no type line does
        self.after_issuer = False  # the previous header line was (part of) the issuer

    def feed(self, text: str, hint: SourceLine) -> None:
        """One header paragraph or table cell; several fields may share a cell."""
        if hint.in_table or is_table_row(hint.text) or _MERGED_HEADER.search(text):
            # A cell merges its paragraphs: "BỘ TÀI CHÍNH Số: 80/2021/TT-BTC Hà Nội, ngày ...";
            # a text copied from Word puts side by side what was in two columns.
            pieces = _split_cell(text)
            if len(pieces) > 1:
                for piece in pieces:
                    self.feed(piece, SourceLine(piece))
                return
        while text:
            text = self._take(text, hint).strip(" -–—_|")

    def _take(self, text: str, hint: SourceLine) -> str:
        """Record the field the text starts with; return what is left of the text."""
        document = self.document
        after_issuer, self.after_issuer = self.after_issuer, False
        number = _NUMBER.match(text)
        if number and not document.number:
            value = re.sub(r"\s*([/\-–])\s*", r"\1", number["value"])
            token = _NUMBER_TOKEN.match(value)
            if token or (number["colon"] and not value):
                self._set_number(token["token"] if token else "", number["prefix"] or "")
                self.seen_number_or_date = True
                self.title_open = self.title_open and not self.title
                return token["rest"] if token else ""
        rule = _RULE.search(text)
        if rule:  # "CHÍNH PHỦ --------" in a table cell
            before, after = text[: rule.start()], text[rule.end() :]
            if before:
                self.feed(before, hint)
            return after
        motto = _MOTTO.match(text)
        if motto:
            return text[motto.end() :]
        if not document.place_and_date and _PLACE_AND_DATE.match(text) and len(text) <= 120:
            document.place_and_date = text
            self.seen_number_or_date = True
            return ""
        trailing_label = _TRAILING_DRAFT_LABEL.match(text)
        if trailing_label and _is_draft_label(trailing_label["label"]):
            self._take(trailing_label["label"], hint)
            return trailing_label["before"]
        leading_label = _LEADING_DRAFT_LABEL.match(text)
        if leading_label:  # "DỰ THẢO NGHỊ ĐỊNH"
            self._take(leading_label["label"], hint)
            return leading_label["after"]
        if _is_draft_label(text):
            if document.draft_label:
                self.preamble.append(text)
            else:
                document.draft_label = text.strip("()[] ")
            return ""
        if self.title_open:
            if self._continues_title(text, hint):
                self.title.append(text)
                return ""
            self.title_open = False
        if not document.document_type and self._take_type(text):
            return ""
        if _LEGAL_BASIS.match(text):
            document.legal_bases.append(text)
            return ""
        if (
            not document.document_type
            and is_upper(text)
            and not text.endswith(":")
            and self._is_issuer(text, after_issuer)
        ):
            self.issuer.append(text)
            self.after_issuer = True
            return ""
        self.preamble.append(text)
        return ""

    def _set_number(self, token: str, prefix: str) -> None:
        if not token or token.startswith("/"):
            token = "…" + token
        token = re.sub(r"^[.…_]+(?=/)", "…", token)
        self.document.number = token
        if prefix:
            self.type_from_prefix = _document_type_name(prefix.upper())

    def _is_issuer(self, text: str, after_issuer: bool) -> bool:
        if _NOT_ISSUER.search(text):
            return False  # "QUỐC HỘI NƯỚC CỘNG HÒA ...", "KHÓA XI, KỲ HỌP THỨ 9"
        if after_issuer or (self.issuer and not self.seen_number_or_date):
            return True  # the issuer's second line: "ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG NINH"
        if not self.seen_number_or_date:
            return not self.issuer
        # Table cells may come in any order: the issuer after the number, but never a sentence.
        return not self.issuer and bool(ISSUER_WORDS.match(text))

    def _take_type(self, text: str) -> bool:
        if text.endswith(":"):
            return False  # "QUYẾT ĐỊNH:" enacts; it does not name the type
        upper = text.upper()
        if upper in _TYPE_NAMES or upper in ATTACHED_TYPE_NAMES:
            if text != upper and text != text.capitalize():
                return False
            self.document.document_type = _document_type_name(upper)
            self.title_open = True
            return True
        combined = _TYPE_PREFIX.match(text)
        if combined and combined["title"] and is_upper(combined["type"]):
            # "LUẬT SỬA ĐỔI, BỔ SUNG ..." or a merged cell "QUYẾT ĐỊNH Về việc ...".
            self.document.document_type = _document_type_name(combined["type"])
            if _OF_ISSUER.match(combined["title"]):
                self.preamble.append(text)  # old style "NGHỊ ĐỊNH CỦA CHÍNH PHỦ": no title yet
            else:
                self.title.append(combined["title"])
            self.title_open = True
            return True
        return False

    def _continues_title(self, text: str, hint: SourceLine) -> bool:
        if _LEGAL_BASIS.match(text) or text.endswith(":") or _ENACTING_SENTENCE.match(text):
            return False
        if len(self.title) >= 6 or len(text) > 400:
            return False
        if not self.title:
            return not _TITLE_STOP.match(text)
        previous = self.title[-1]
        if _TITLE_CONNECTIVE.search(previous) and not _LEGAL_BASIS.match(text):
            return True  # the title was cut in the middle of a phrase
        if _TITLE_STOP.match(text) or ends_sentence(previous):
            return False
        if text.startswith("("):
            return len(text) <= 60  # "(sửa đổi)"
        if is_upper(self.title[0]):
            return is_upper(text)
        # A title in sentence case broken over lines: what follows it is a sentence or in capitals.
        return not is_upper(text) and (hint.bold or (len(text) <= 200 and not ends_sentence(text)))

    def finish(self) -> None:
        document = self.document
        document.issuer = _join_issuer(self.issuer)
        document.title = " ".join(self.title)
        if not document.document_type:
            document.document_type = self.type_from_prefix or _type_from_number(document.number)


def _split_cell(text: str) -> list[str]:
    """Split a merged header cell before the number and before the place and date."""
    pieces = [piece for piece in _CELL_NUMBER.split(text) if piece]
    split: list[str] = []
    for piece in pieces:
        date = _DATE_AFTER_PLACE.search(piece)
        words = piece[: date.start()].split(" ") if date else []
        # The place is the capitalised words before ", ngày": "Hà Nội", "TP. Hồ Chí Minh".
        start = len(words)
        while start > 0 and (
            words[start - 1][:1].isupper()
            and (not is_upper(words[start - 1]) or words[start - 1].endswith("."))
        ):
            start -= 1
        if 0 < start < len(words):
            split += [" ".join(words[:start]), piece[len(" ".join(words[:start])) + 1 :]]
        else:
            split.append(piece)
    return split


def _join_issuer(lines: list[str]) -> str:
    joined = ""
    for line in lines:
        if not joined:
            joined = line
        elif re.match(r"^(?:BỘ|TỔNG CỤC|CỤC|SỞ|VĂN PHÒNG|BAN)\b", line):
            joined = f"{joined} - {line}"  # two bodies: a joint circular, or a body and its parent
        else:
            joined = f"{joined} {line}"
    return joined
