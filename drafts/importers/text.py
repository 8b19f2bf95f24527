"""Parse the paragraphs of a Vietnamese legal text (.txt, or .docx lines) into a ParsedDocument.

The text rules work on plain text alone; the .docx hints (bold, centred, heading style, table)
only break ties. Where real texts are ambiguous the parser decides as follows.

Header: everything before the first Phần / Chương / Mục / Điều. Table rows ("| a | b |" in a
.txt, cells of a .docx) are read cell by cell and a cell holding several fields is split. The
issuer is the upper-case line(s) before the number and the date; the national motto and rule
lines ("-----") are dropped. The type is the upper-case line "NGHỊ ĐỊNH", "LUẬT"... written
"Nghị định", "Luật", or, failing that, read from "Luật số:" or the number's code (NĐ-CP,
QĐ-UBND...). The title is the line(s) right after the type, up to the legal bases, the enacting
sentence or the enacting authority repeated. "Căn cứ ..." lines are legal bases; every other
line is preamble. A blank number ("Số:   /2026/QĐ-UBND") is kept as "…/2026/QĐ-UBND".

Điều: "Điều 5. Title", "Điều 5: Title", "Điều 5.- Title", "Điều 5 Title" (without separator the
title must start with a capital and not be a reference such as "Điều 5 Luật ..."); "Điều 5 của"
is never a label. The text after the label is the heading unless it reads as a sentence: it ends
in . ; ! ? … (kept as heading if the line is bold, or if it is short and clauses follow) or is
over 300 characters; it is then the article's body (the Constitution's style). A heading that
ends in ":" ("... như sau:") is kept, colon included; only a final period is dropped. A bare
"Điều 5" takes the next line as heading only if it is short and has no final punctuation,
":" included.

The footnote marks of a consolidated text ("Điều 5[3].", "1[4].") are skipped after a number.

Khoản: "1. text", "1.text", "2a. text", "2..text"; "1 Text", "1- Text", "1/ Text" only when 1 is
the number expected next. "1)" and "1.1." are text, as are numbered rows of a Word table. Điểm:
"a)", "đ)", "a1)"; "a." or "a/" only as the letter expected next; f, j, w, z are not points. A
point directly under an article (no clause) is the article's child, art_5__point_a; no clause is
invented. A line that is not a label is text of the innermost open provision: after the first
point of a clause, the point.

Quotations: inside an article, a quote mark that starts a line, or follows a colon, and is still
open at the end of the line opens a quotation; its lines, whatever labels they carry, are text of
the provision that opened it until the quote closes. A quotation never closed ends, with a
warning, before the first line that cannot be quoted: the next article or container in
sequence, the next clause/point of the amending article that starts with an amending verb
("2. Sửa đổi ..."), or the signature block.

Closing: "Nơi nhận:", "TM./KT./TL. ...", a signer's title in capitals ("THỦ TƯỚNG"), "(Đã ký)",
the formula "Luật này (đã) được Quốc hội ... thông qua" (unless it is the only text of the last
article, as in some resolutions), or any plain line after one ending in "./." ends the articles.

Annexes: "PHỤ LỤC ...", "Phụ lục I" (in capitals, or alone, while inside the articles), and after
the signature a form ("Mẫu số 01") or a second document (the motto again; "QUY ĐỊNH" / "QUY
CHẾ" ... with "(Ban hành kèm theo ...)") each start an annex, kept as one string: a regulation
attached to a decision is an annex of that decision, not more of its articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum

from django.utils.translation import gettext

from .structure import EID_PREFIX, Kind, ParsedDocument, ParsedProvision, SourceLine

__all__ = ["clean_line", "parse_lines", "parse_text"]

# ---------------------------------------------------------------------------------------------
# Normalisation

# Zero-width characters and the soft hyphen carry nothing a reader sees; the Icelandic eth is a
# look-alike of "Đ" that old Vietnamese fonts and converters produce ("Ðiều 5").
_TRANSLATION = {
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),
    ord("\u00d0"): "\u0110",
    ord("\u00f0"): "\u0111",
}
_WHITESPACE = re.compile(r"\s+")
_RULE_LINE = re.compile(r"^[-_=*~–—\s]{3,}$")
# Markdown left by an HTML-to-text conversion: "**Điều 1.** Phạm vi", "## Chương I".
_MARKDOWN = re.compile(r"\*\*|^\s*#{1,6} ")
_EMPHASIS_LINE = re.compile(r"^\*(?=\S)(.*\S)\*$")


def clean_line(text: str) -> str:
    """One paragraph, NFC-normalised, invisible characters dropped, runs of spaces collapsed."""
    text = unicodedata.normalize("NFC", text.translate(_TRANSLATION))
    text = _WHITESPACE.sub(" ", _MARKDOWN.sub("", text)).strip()
    emphasised = _EMPHASIS_LINE.match(text)  # "*Căn cứ Luật ...;*"
    return emphasised[1] if emphasised else text


def parse_text(text: str) -> ParsedDocument:
    """Parse a plain text: one paragraph per line (any line ending), blank lines ignored."""
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return parse_lines(SourceLine(line) for line in text.splitlines())


def parse_lines(lines: Iterable[SourceLine]) -> ParsedDocument:
    """Parse the paragraphs of a legal text into its header, provision tree, closing and annexes."""
    cleaned: list[SourceLine] = []
    for line in lines:
        text = clean_line(line.text)
        if not text or _RULE_LINE.match(text):
            continue  # decoration under the issuer and the motto, not text
        cleaned.append(line if text == line.text else replace(line, text=text))
    return _Parser(cleaned).parse()


# ---------------------------------------------------------------------------------------------
# Numbers

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN = re.compile(r"^(?=[IVXLC])C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# Letters of points (điểm): the Vietnamese alphabet without the letters Vietnamese lacks.
POINT_LETTERS = tuple("abcdđeghiklmnopqrstuvxy")
_POINT_INDEX = {letter: index for index, letter in enumerate(POINT_LETTERS)}
_VIETNAMESE_DIGITS = {
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}


def roman_to_int(text: str) -> int | None:
    if not _ROMAN.match(text):
        return None
    total = 0
    for char, following in zip(text, [*text[1:], ""], strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def ordinal_to_int(words: list[str]) -> int | None:
    """ "nhất" → 1, "tư" → 4, "mười một" → 11, "hai mươi mốt" → 21 (after "thứ")."""
    if words == ["nhất"]:
        return 1
    if not words:
        return None
    if words[0] == "mười":
        tens, rest = 10, words[1:]
    elif len(words) >= 2 and words[1] == "mươi" and words[0] in _VIETNAMESE_DIGITS:
        tens, rest = _VIETNAMESE_DIGITS[words[0]] * 10, words[2:]
    else:
        tens, rest = 0, words
    if not rest:
        return tens or None
    if len(rest) == 1 and rest[0] in _VIETNAMESE_DIGITS:
        return tens + _VIETNAMESE_DIGITS[rest[0]]
    return None


def _insert_rank(suffix: str) -> int:
    """ "" → 0, "a" → 1, "b" → 2 ...: the rank of an inserted provision (Điều 5a, khoản 2a)."""
    return _POINT_INDEX.get(suffix, ord(suffix[0]) - ord("a")) + 1 if suffix else 0


def _eid_piece(num: str) -> str:
    return num.replace("đ", "dd").replace("Đ", "DD")


Key = tuple[int, int]  # (number, rank of the inserted letter/digit) for ordering and gaps


# ---------------------------------------------------------------------------------------------
# Labels: the number that starts a provision

_SEPARATOR = re.compile(r"^\s*(?:[.:]+\s*[-–—]?|[-–—])\s*")
# "Điều 5 của Luật", "Chương II Luật ..." mention a provision; they do not start one.
_MENTION = re.compile(
    r"^(?:Luật|Bộ luật|Nghị định|Nghị quyết|Quyết định|Thông tư|Pháp lệnh|Hiến pháp|Lệnh|"
    r"Chỉ thị|Chương|Mục|Phần|Khoản|Điểm|Điều|Phụ lục)\b"
)
# A consolidated text (văn bản hợp nhất) puts its footnote marks right after a number: "Điều 5[3].".
_FOOTNOTE = r"(?:\[\d{1,3}\])?"
_ARTICLE = re.compile(
    rf"^(?i:điều)\s*(?P<num>\d{{1,4}})(?P<suffix>[a-zA-ZđĐ]?)(?!\w){_FOOTNOTE}(?P<tail>.*)$"
)
_CONTAINER = re.compile(
    r"^(?P<word>(?i:chương|tiểu mục|mục))\s+(?P<num>[IVXLC]+|\d{1,3})(?P<suffix>[a-z]?)"
    rf"(?!\w){_FOOTNOTE}(?P<tail>.*)$"
)
_PART = re.compile(r"^(?i:phần)\s+(?P<rest>\S.*)$")
_PART_NUMBER = re.compile(r"^(?P<num>[IVXLC]+|\d{1,2})(?!\w)(?P<tail>.*)$")
_CLAUSE = re.compile(
    rf"^(?P<num>\d{{1,3}})(?P<suffix>[a-zđ]?){_FOOTNOTE}\s*\.(?!\d)\.?\s*(?P<rest>.*)$"
)
# "1 Text" (dot forgotten), "1- Text", "1/ Text" (old texts): only as the number expected next.
_CLAUSE_LOOSE = re.compile(r"^(?P<num>\d{1,3})(?: |\s*[-/] )(?P<rest>\S.*)$")
_POINT = re.compile(rf"^(?P<letter>[a-zđ])(?P<digits>\d{{0,2}}){_FOOTNOTE}\)\s*(?P<rest>.*)$")
_POINT_LOOSE = re.compile(r"^(?P<letter>[a-zđ])(?P<digits>\d{0,2})[./] +(?P<rest>\S.*)$")
_CONTAINER_KINDS = {"chương": Kind.CHAPTER, "mục": Kind.SECTION, "tiểu mục": Kind.SUBSECTION}


@dataclass(frozen=True)
class Label:
    kind: Kind
    num: str  # as printed, normalised: Roman numerals upper case, inserted letters lower case
    key: Key
    rest: str  # the text after the number and its separator


def _label_rest(tail: str) -> str | None:
    """The text after a provision's number, or None when the line only mentions the number."""
    if not tail.strip():
        return ""
    separator = _SEPARATOR.match(tail)
    if separator:
        return tail[separator.end() :].strip()
    rest = tail.strip()
    if tail[0].isspace() and rest[0].isupper() and not _MENTION.match(rest):
        return rest  # "Điều 5 Chính sách ...": the dot is missing
    return None


def match_article(text: str) -> Label | None:
    found = _ARTICLE.match(text)
    if not found:
        return None
    rest = _label_rest(found["tail"])
    if rest is None:
        return None
    suffix = found["suffix"].lower()
    number = int(found["num"])
    return Label(Kind.ARTICLE, f"{number}{suffix}", (number, _insert_rank(suffix)), rest)


def match_container(text: str) -> Label | None:
    """Phần, Chương, Mục or Tiểu mục with its number."""
    if text.startswith(("P", "p")):
        return _match_part(text)
    found = _CONTAINER.match(text)
    if not found:
        return None
    rest = _label_rest(found["tail"])
    if rest is None:
        return None
    printed = found["num"]
    value = int(printed) if printed.isdigit() else roman_to_int(printed)
    if value is None:
        return None
    suffix = found["suffix"]
    kind = _CONTAINER_KINDS[found["word"].lower()]
    return Label(kind, printed + suffix, (value, _insert_rank(suffix)), rest)


def _match_part(text: str) -> Label | None:
    found = _PART.match(text)
    if not found:
        return None
    rest = found["rest"]
    words = rest.split(" ")
    if words[0].lower() == "thứ":
        # "Phần thứ nhất", "PHẦN THỨ MƯỜI HAI": the longest run of number words that reads.
        for length in (3, 2, 1):
            candidate = [word.lower().rstrip(".:") for word in words[1 : 1 + length]]
            value = ordinal_to_int(candidate) if len(candidate) == length else None
            if value is not None:
                printed = " ".join(["thứ", *candidate])
                tail = rest[len(" ".join(words[: 1 + length])) :]
                if words[length].endswith((".", ":")):
                    tail = words[length][-1] + tail
                break
        else:
            return None
    else:
        number = _PART_NUMBER.match(rest)
        if not number:
            return None
        printed, tail = number["num"], number["tail"]
        value = int(printed) if printed.isdigit() else roman_to_int(printed)
        if value is None:
            return None
    title = _label_rest(tail)
    if title is None:
        return None
    return Label(Kind.PART, printed, (value, 0), title)


def match_clause(text: str, previous: Key | None) -> Label | None:
    """Khoản "1. text"; "1 Text", "1- Text" only when 1 is the number expected next."""
    found = _CLAUSE.match(text)
    if found:
        suffix = found["suffix"]
        number = int(found["num"])
        return Label(
            Kind.CLAUSE, f"{number}{suffix}", (number, _insert_rank(suffix)), found["rest"]
        )
    found = _CLAUSE_LOOSE.match(text)
    if found and found["rest"][0].isupper():
        number = int(found["num"])
        if number == (previous[0] + 1 if previous else 1):
            return Label(Kind.CLAUSE, str(number), (number, 0), found["rest"])
    return None


def match_point(text: str, previous: Key | None) -> Label | None:
    """Điểm "a) text", "đ) text", "a1) text"; "a. text" only when a is the letter expected next."""
    found = _POINT.match(text)
    loose = False
    if not found:
        found = _POINT_LOOSE.match(text)
        loose = True
    if not found or found["letter"] not in _POINT_INDEX:
        return None
    key = (_POINT_INDEX[found["letter"]], int(found["digits"] or 0))
    if loose and key != _next_point(previous):
        return None
    return Label(Kind.POINT, found["letter"] + found["digits"], key, found["rest"])


def _next_point(previous: Key | None) -> Key:
    return (previous[0] + 1, 0) if previous else (0, 0)


def _follows(previous: Key | None, key: Key) -> bool:
    """Whether `key` is the number expected after `previous` (an insert like 5a included)."""
    if previous is None:
        return key[0] in (0, 1)
    return key[0] == previous[0] + 1 or (key[0] == previous[0] and key[1] > previous[1])


# ---------------------------------------------------------------------------------------------
# Recognisers for the header, closing and annexes

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
_ATTACHED_TYPE_NAMES = frozenset(
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
_ISSUER_WORDS = re.compile(
    r"^(?:QUỐC HỘI|ỦY BAN|UỶ BAN|HỘI ĐỒNG|CHÍNH PHỦ|THỦ TƯỚNG|CHỦ TỊCH|BỘ|TỔNG CỤC|CỤC|SỞ|"
    r"NGÂN HÀNG|KIỂM TOÁN|TÒA ÁN|TOÀ ÁN|VIỆN KIỂM SÁT|VĂN PHÒNG|BAN|THANH TRA|UBND|HĐND)\b"
)
_PASSED_FORMULA = re.compile(
    r"^(?i:hiến pháp|bộ luật|luật|pháp lệnh|nghị quyết(?: liên tịch)?)\s+(?i:này)\s+(?i:đã\s+)?"
    r"(?i:được)\b.*\b(?i:thông qua)\b"
)
# "Nơi nhận:" alone, followed by its list or by the signature beside it ("Nơi nhận: TM. ..."
# copied from a two-column table); "Nơi nhận hồ sơ: ..." is a sentence of an article.
_RECIPIENTS = re.compile(r"^(?i:nơi nhận)\s*:\s*(?P<rest>.*)$")
_SIGNATURE_PREFIX = re.compile(
    r"^(?:TM|KT|TL|TUQ|T\.M|K\.T|T\.L|T/M|K/T|T/L|Q)(?:\.\s*|\s+)(?P<rest>\S.*)$"
)
_SIGNER_TITLE = re.compile(
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
_ISSUED_WITH = re.compile(r"^\((?i:ban hành )?(?i:kèm theo)\b")
_FORM = re.compile(r"^(?:(?i:mẫu|biểu mẫu|biểu)\s+(?i:số)?\s*[\dIVX]|DANH MỤC\b|BIỂU\b)")
# Words that open an amending instruction: "2. Sửa đổi khoản 3 ...", "b) Bổ sung điểm đ ...".
_AMENDING = re.compile(
    r"^(?:(?:Sửa đổi|Sửa|Bổ sung|Bãi bỏ|Thay thế|Thay|Bỏ|Hủy bỏ|Huỷ bỏ|Đính chính|Tại|Cụm từ|"
    r"Các cụm từ)\b|(?:Điều|Khoản|Chương|Mục|Phụ lục) [\dIVXLC]|Điểm [a-zđ]\b)"
)
_OPENING_QUOTES = "“«„"
_CLOSING_QUOTES = "”»"
_QUOTES = _OPENING_QUOTES + _CLOSING_QUOTES + '"'
_TRAILING_CLOSERS = '”»"’)] '


def _is_motto_line(text: str) -> bool:
    """The national motto ("CỘNG HÒA ...", then "Độc lập - ...") on a line of its own, or a table
    row holding it: the header of a (new) document."""
    if _is_table_row(text):
        return any(_is_motto_line(cell) for cell in _table_cells(text))
    found = _MOTTO.match(text)
    if found is None or not _REPUBLIC.match(text):
        return False
    return found.end() == len(text) or bool(_MOTTO.match(text[found.end() :]))


def _is_recipients(text: str) -> bool:
    """ "Nơi nhận:", the first line of the list of recipients of a signed text."""
    found = _RECIPIENTS.match(text)
    if found is None:
        return False
    rest = found["rest"]
    return not rest or rest[0] in "-–+•" or _is_upper(rest.split(" ")[0])


def _is_signature_start(text: str) -> bool:
    """ "Nơi nhận:", "TM. CHÍNH PHỦ", "KT. BỘ TRƯỞNG" or "(Đã ký)"."""
    prefix = _SIGNATURE_PREFIX.match(text)
    return bool(
        _is_recipients(text)
        or (prefix and _is_upper(prefix["rest"]) and len(text) <= 120)
        or _SIGNED_MARK.match(text)
    )


def _is_upper(text: str) -> bool:
    """An upper-case line: has letters and no lower-case one (digits and Roman numerals allowed)."""
    return text == text.upper() and sum(char.isalpha() for char in text) >= 2


def _final_char(text: str) -> str:
    stripped = text.rstrip(_TRAILING_CLOSERS)
    return stripped[-1:] if stripped else ""


def _ends_sentence(text: str) -> bool:
    return _final_char(text) in (".", ";", "!", "?", "…")


def _strip_period(text: str) -> str:
    if text.endswith(".") and not text.endswith(("..", "./.")):
        return text[:-1].rstrip()
    return text


def _is_table_row(text: str) -> bool:
    return text.startswith("|")


def _is_table_rule(text: str) -> bool:
    return not text.strip("|:- ")


def _table_cells(text: str) -> list[str]:
    return [cell for cell in (part.strip() for part in text.strip("|").split("|")) if cell]


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


# ---------------------------------------------------------------------------------------------
# The header


class _Header:
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
        if hint.in_table or _is_table_row(hint.text) or _MERGED_HEADER.search(text):
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
            and _is_upper(text)
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
        return not self.issuer and bool(_ISSUER_WORDS.match(text))

    def _take_type(self, text: str) -> bool:
        if text.endswith(":"):
            return False  # "QUYẾT ĐỊNH:" enacts; it does not name the type
        upper = text.upper()
        if upper in _TYPE_NAMES or upper in _ATTACHED_TYPE_NAMES:
            if text != upper and text != text.capitalize():
                return False
            self.document.document_type = _document_type_name(upper)
            self.title_open = True
            return True
        combined = _TYPE_PREFIX.match(text)
        if combined and combined["title"] and _is_upper(combined["type"]):
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
        if _TITLE_STOP.match(text) or _ends_sentence(previous):
            return False
        if text.startswith("("):
            return len(text) <= 60  # "(sửa đổi)"
        if _is_upper(self.title[0]):
            return _is_upper(text)
        # A title in sentence case broken over lines: what follows it is a sentence or in capitals.
        return not _is_upper(text) and (
            hint.bold or (len(text) <= 200 and not _ends_sentence(text))
        )

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
            and (not _is_upper(words[start - 1]) or words[start - 1].endswith("."))
        ):
            start -= 1
        if 0 < start < len(words):
            split += [" ".join(words[:start]), piece[len(" ".join(words[:start])) + 1 :]]
        else:
            split.append(piece)
    return split


def _issuer_lines(lines: list[str]) -> list[str]:
    """Take the issuer printed above a second document's motto off the end of `lines`."""
    start = len(lines)
    while start > 0 and len(lines) - start < 3:
        line = lines[start - 1]
        if not _is_upper(line) or _SIGNER_TITLE.match(line) or _SIGNATURE_PREFIX.match(line):
            break
        start -= 1
    # "ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG NINH": the issuer starts with the name of a body.
    while start < len(lines) and not _ISSUER_WORDS.match(lines[start]):
        start += 1
    taken = lines[start:]
    del lines[start:]
    return taken


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


# ---------------------------------------------------------------------------------------------
# Numbering continuity


@dataclass
class _Sequence:
    """The numbers seen at one level (articles of a document, clauses of an article...)."""

    last: Key | None = None
    last_num: str = ""
    seen: set[Key] = field(default_factory=set)
    first: int = 1

    def add(self, key: Key, num: str) -> str:
        """Record a number; return "", "duplicate", "gap", "order" or "start"."""
        problem = ""
        if key in self.seen:
            problem = "duplicate"
        elif self.last is None:
            problem = "" if key[0] == self.first else "start"
        elif key < self.last:
            problem = "order"
        elif key[0] > self.last[0] + 1:
            problem = "gap"
        self.seen.add(key)
        if problem != "duplicate" or self.last is None or key > self.last:
            self.last, self.last_num = key, num
        return problem


# ---------------------------------------------------------------------------------------------
# The parser


class _Mode(Enum):
    HEADER = "header"
    BODY = "body"
    CLOSING = "closing"
    ANNEX = "annex"


@dataclass
class _Pending:
    """A provision whose heading may be on the next line(s)."""

    provision: ParsedProvision
    lines: int = 0


@dataclass
class _Quotation:
    target: ParsedProvision
    last_line: int


_KIND_NAMES = {
    Kind.PART: "Phần",
    Kind.CHAPTER: "Chương",
    Kind.SECTION: "Mục",
    Kind.SUBSECTION: "Tiểu mục",
    Kind.ARTICLE: "Điều",
    Kind.CLAUSE: "khoản",
}


class _Parser:
    def __init__(self, lines: list[SourceLine]) -> None:
        self.lines = lines
        self.document = ParsedDocument()
        self.header = _Header(self.document)
        self.mode = _Mode.HEADER
        self.texts: dict[int, list[str]] = {}
        self.closing: list[str] = []
        self.annexes: list[list[str]] = []
        self.warnings: list[str] = []
        self.used_eids: set[str] = set()
        # The open provisions, outermost first.
        self.part: ParsedProvision | None = None
        self.chapter: ParsedProvision | None = None
        self.section: ParsedProvision | None = None
        self.subsection: ParsedProvision | None = None
        self.article: ParsedProvision | None = None
        self.clause: ParsedProvision | None = None
        self.point: ParsedProvision | None = None
        self.pending: _Pending | None = None
        self.quotation: _Quotation | None = None
        self.body_ended = False  # a line ended in "./.", the mark of the end of the text
        self.listed_kind: Kind | None = None  # "Phần I." items listed in an article's text
        self.quote_deltas: list[int] = []
        self.signature_lines: list[bool] = []
        # Numbering, to warn on gaps and duplicates.
        self.parts = _Sequence()
        self.chapters = _Sequence()
        self.sections = _Sequence()
        self.subsections = _Sequence()
        self.articles = _Sequence()
        self.clauses = _Sequence()
        self.points = _Sequence(first=0)

    # -- driver -----------------------------------------------------------------------------

    def parse(self) -> ParsedDocument:
        for index, line in enumerate(self.lines):
            if self.quotation is not None:
                self._append(self.quotation.target, line.text)
                if index >= self.quotation.last_line:
                    self.quotation = None
                continue
            if self.mode is _Mode.HEADER:
                self._header_line(index, line)
            elif self.mode is _Mode.BODY:
                self._body_line(index, line)
            elif self.mode is _Mode.CLOSING:
                self._closing_line(line)
            else:
                self._annex_line(line)
        return self._finish()

    def _finish(self) -> ParsedDocument:
        document = self.document
        self.header.finish()
        document.preamble = "\n".join(self.header.preamble)
        document.closing = "\n".join(self.closing)
        document.annexes = ["\n".join(annex) for annex in self.annexes]
        for provision in document.walk():
            provision.text = "\n".join(self.texts.get(id(provision), ()))
        if not document.provisions:
            self.warnings.append(gettext("no provisions found"))
        document.warnings = self.warnings
        return document

    # -- header -----------------------------------------------------------------------------

    def _header_line(self, index: int, line: SourceLine) -> None:
        text = line.text
        label = match_container(text) or match_article(text)
        if label:
            self.mode = _Mode.BODY
            self._open(label, index, line)
            return
        if _is_table_row(text):
            if _is_table_rule(text):
                return
            cells = _table_cells(text)
            for position, cell in enumerate(cells):
                if _is_recipients(cell):  # a text with no articles, signed
                    self.mode = _Mode.CLOSING
                    self.closing.extend(cells[position:])
                    return
                self.header.feed(cell, line)
            return
        if _is_recipients(text):
            self.mode = _Mode.CLOSING
            self.closing.append(text)
            return
        self.header.feed(text, line)

    # -- body -------------------------------------------------------------------------------

    def _body_line(self, index: int, line: SourceLine) -> None:
        text = line.text
        if self.pending is not None and self._take_heading(line):
            return
        self.pending = None
        if _is_table_row(text):
            self._body_table_row(text)
            return
        if self._starts_closing(text):
            self._enter_closing()
            self._closing_line(line)
            return
        if (
            self._starts_annex(text, after_signature=False)
            or _is_motto_line(text)
            or self._starts_attached_regulation(index)
        ):
            innermost = self._innermost()
            carried = _issuer_lines(self.texts.get(id(innermost), [])) if innermost else []
            self._start_annex(text, carried)
            return
        label = self._structural_label(text)
        if label is None and self.article is not None and not line.in_table:
            # In a Word table "1." is a row number, not a clause.
            label = match_clause(text, self.clauses.last) or match_point(text, self.points.last)
        if label is not None:
            self._open(label, index, line)
            if label.kind in (Kind.CLAUSE, Kind.POINT):
                self._check_quotation(index, label.rest)
        elif self.body_ended:
            self._enter_closing()
            self._closing_line(line)
            return
        else:
            self._append(self._innermost(), text)
            if self.article is not None:
                self._check_quotation(index, text)
        # "./." marks the end of the text: what follows is the signature, not provisions.
        self.body_ended = text.endswith("./.") and self.quotation is None

    def _structural_label(self, text: str) -> Label | None:
        """Phần / Chương / Mục / Điều starting the line; a container named in a list announced by
        a colon ("Báo cáo gồm:" / "Phần I. Tình hình ...") is the list's item, not a container."""
        label = match_container(text)
        if label is not None and self.article is not None:
            innermost = self._innermost()
            previous = self.texts.get(id(innermost), [""])[-1] if innermost else ""
            if previous.endswith(":") or label.kind is self.listed_kind:
                self.listed_kind = label.kind  # its siblings are items of the same list
                return None
        return label or match_article(text)

    def _body_table_row(self, text: str) -> None:
        cells = _table_cells(text)
        # The signature block as a table: "| Nơi nhận: ... | TM. CHÍNH PHỦ THỦ TƯỚNG ... |".
        signer = len(cells) <= 2 and bool(cells) and bool(_SIGNER_TITLE.match(cells[-1]))
        if signer or any(
            self._starts_closing(cell) or _SIGNATURE_PREFIX.match(cell) for cell in cells
        ):
            self._enter_closing()
            self._closing_line(SourceLine(text))
            return
        if _is_motto_line(text):
            self._start_annex(text, [])
            return
        self._append(self._innermost(), text)  # a table in the text of a provision

    def _take_heading(self, line: SourceLine) -> bool:
        """Whether the line is (the rest of) the heading of the provision just opened."""
        pending = self.pending
        assert pending is not None  # noqa: S101  (checked by the caller)
        text = line.text
        if (
            _is_table_row(text)
            or text[0] in _QUOTES + "-+•*"
            or match_container(text)
            or match_article(text)
            or _CLAUSE.match(text)
            or _POINT.match(text)
        ):
            return False
        provision = pending.provision
        if provision.kind is Kind.ARTICLE:
            self.pending = None
            # Constitution style: "Điều 1" alone, then its body, a sentence.
            short = len(text) <= 200 or (line.bold and len(text) <= 300)
            if short and (not _ends_sentence(text) or line.bold) and not text.endswith(":"):
                provision.heading = _strip_period(text)
                return True
            return False
        if not provision.heading:
            heading_like = _is_upper(text) or (not _ends_sentence(text) and len(text) <= 200)
            hinted = line.bold or line.centered or line.heading_level is not None
            if heading_like or (hinted and len(text) <= 300):
                provision.heading = _strip_period(text)
                pending.lines = 1
                return True
            return False
        # A title in capitals broken over lines: "BIỆN PHÁP BẢO ĐẢM ỨNG DỤNG" / "VÀ PHÁT TRIỂN".
        # Nothing but a container or an article can follow a title: a capitalised line that is
        # neither continues it, even "CHỦ TỊCH ỦY BAN NHÂN DÂN" which elsewhere is a signature.
        if pending.lines < 4 and _is_upper(provision.heading) and _is_upper(text):
            provision.heading = _strip_period(f"{provision.heading} {text}")
            pending.lines += 1
            return True
        return False

    def _open(self, label: Label, index: int, line: SourceLine) -> None:
        if label.kind is Kind.ARTICLE:
            self._open_article(label, index, line)
        elif label.kind is Kind.CLAUSE:
            self._open_clause(label)
        elif label.kind is Kind.POINT:
            self._open_point(label)
        else:
            self._open_container(label)

    def _open_container(self, label: Label) -> None:
        kind = label.kind
        parent: ParsedProvision | None
        if kind is Kind.PART:
            parent, eid = None, f"{EID_PREFIX[kind]}_{label.key[0]}"
            self.part = self.chapter = self.section = self.subsection = None
            self._check(self.parts, label, "")
            self.sections = _Sequence()
        elif kind is Kind.CHAPTER:
            parent, eid = self.part, f"{EID_PREFIX[kind]}_{label.num.upper()}"
            self.chapter = self.section = self.subsection = None
            self._check(self.chapters, label, "")
            self.sections = _Sequence()
        elif kind is Kind.SECTION:
            parent = self.chapter or self.part
            eid = self._child_eid(parent, kind, label.num)
            self.section = self.subsection = None
            self._check(self.sections, label, self._where(parent))
            self.subsections = _Sequence()
        else:
            parent = self.section or self.chapter or self.part
            eid = self._child_eid(parent, kind, label.num)
            self.subsection = None
            self._check(self.subsections, label, self._where(parent))
        provision = ParsedProvision(kind, label.num, self._unique(eid), _strip_period(label.rest))
        self._attach(parent, provision)
        setattr(self, _CONTAINER_ATTRIBUTES[kind], provision)
        self.article = self.clause = self.point = None
        self.pending = _Pending(provision, lines=1 if provision.heading else 0)

    def _open_article(self, label: Label, index: int, line: SourceLine) -> None:
        parent = self.subsection or self.section or self.chapter or self.part
        eid = self._unique(f"{EID_PREFIX[Kind.ARTICLE]}_{_eid_piece(label.num.lower())}")
        provision = ParsedProvision(Kind.ARTICLE, label.num, eid)
        self._check(self.articles, label, "")
        self._attach(parent, provision)
        self.article, self.clause, self.point = provision, None, None
        self.clauses, self.points = _Sequence(), _Sequence(first=0)
        self.listed_kind = None
        if not label.rest:
            self.pending = _Pending(provision)
            return
        following = self.lines[index + 1].text if index + 1 < len(self.lines) else ""
        if self._is_heading(label.rest, line, following):
            provision.heading = _strip_period(label.rest)
        else:
            self._append(provision, label.rest)
            self._check_quotation(index, label.rest)

    @staticmethod
    def _is_heading(rest: str, line: SourceLine, following: str) -> bool:
        """Whether the text after "Điều N." is its heading rather than its body."""
        if not _ends_sentence(rest):
            return len(rest) <= 300 or line.bold
        if line.bold and len(rest) <= 300:
            return True
        # "Điều 3. Đối tượng áp dụng." followed by its clauses: a heading with a stray period.
        return (
            _final_char(rest) == "."
            and rest.endswith(".")
            and not rest.endswith("./.")
            and len(rest) <= 120
            and bool(_CLAUSE.match(following) or _POINT.match(following))
        )

    def _open_clause(self, label: Label) -> None:
        article = self.article
        assert article is not None  # noqa: S101  (clauses are matched inside articles only)
        self._check(self.clauses, label, f"Điều {article.num}")
        eid = self._unique(f"{article.eid}__{EID_PREFIX[Kind.CLAUSE]}_{_eid_piece(label.num)}")
        provision = ParsedProvision(Kind.CLAUSE, label.num, eid)
        self._attach(article, provision)
        self.clause, self.point = provision, None
        self.points = _Sequence(first=0)
        if label.rest:
            self._append(provision, label.rest)

    def _open_point(self, label: Label) -> None:
        # A point sits in its clause or, when the article has no clauses, in the article.
        parent = self.clause or self.article
        assert parent is not None  # noqa: S101  (points are matched inside articles only)
        self._check_point(label, parent)
        eid = self._unique(f"{parent.eid}__{EID_PREFIX[Kind.POINT]}_{_eid_piece(label.num)}")
        provision = ParsedProvision(Kind.POINT, label.num, eid)
        self._attach(parent, provision)
        self.point = provision
        if label.rest:
            self._append(provision, label.rest)

    # -- quotations -------------------------------------------------------------------------

    def _check_quotation(self, index: int, text: str) -> None:
        """Open a quotation if `text` (line `index`, label removed) leaves one open."""
        depth, opens = scan_quotes(text)
        if depth <= 0 or not opens:
            return
        target = self._innermost()
        assert target is not None  # noqa: S101  (called with an article open)
        replacement = text[0] in _QUOTES and bool(
            match_container(text[1:].lstrip())
            or match_article(text[1:].lstrip())
            or _CLAUSE.match(text[1:].lstrip())
            or _POINT.match(text[1:].lstrip())
        )
        replacement = replacement or text[0] not in _QUOTES or self._previous_ends_colon(target)
        last_line, closed = self._quotation_end(index, depth, replacement)
        if not closed:
            article = self.article.num if self.article else ""
            self.warnings.append(
                gettext("a quotation opened in Điều %(article)s is never closed")
                % {"article": article}
            )
        if last_line > index:
            self.quotation = _Quotation(target, last_line)

    def _previous_ends_colon(self, target: ParsedProvision) -> bool:
        """Whether the text before the quotation announces it ("... như sau:")."""
        texts = self.texts.get(id(target), [])
        if len(texts) >= 2:
            return texts[-2].endswith(":")
        return target.heading.endswith(":")

    def _quotation_end(self, start: int, depth: int, replacement: bool) -> tuple[int, bool]:
        """The last line of a quotation opened on line `start`, and whether its quote closes.

        A quote that never closes ends before the first line that cannot be quoted text.
        """
        if not self.quote_deltas:  # computed once: a text may hold hundreds of quotations
            self.quote_deltas = [scan_quotes(line.text)[0] for line in self.lines]
            self.signature_lines = [
                line.text[0] not in _QUOTES and self._ends_any_quotation(line.text)
                for line in self.lines
            ]
        fallback: int | None = None
        for index in range(start + 1, len(self.lines)):
            if self.signature_lines[index]:
                break
            if fallback is None and self._ends_open_quotation(self.lines[index].text, replacement):
                fallback = index
            depth += self.quote_deltas[index]
            if depth <= 0:
                return index, True
        else:
            index = len(self.lines)
        return (index if fallback is None else fallback) - 1, False

    @staticmethod
    def _ends_any_quotation(text: str) -> bool:
        """The signature block or a second document: never part of a quotation. (A signer's
        title alone is not enough: "CHỦ TỊCH NƯỚC" may be the title of a quoted chapter.)"""
        if _is_table_row(text):
            cells = _table_cells(text)
            signer = len(cells) <= 2 and bool(cells) and bool(_SIGNER_TITLE.match(cells[-1]))
            return signer or _is_motto_line(text) or any(_is_signature_start(c) for c in cells)
        return bool(
            _is_signature_start(text) or _is_motto_line(text) or _PASSED_FORMULA.match(text)
        )

    def _ends_open_quotation(self, text: str, replacement: bool) -> bool:
        """A line that cannot belong to an unclosed quotation: the next provision in sequence."""
        if text[0] in _QUOTES:
            return False
        article = match_article(text)
        if article:
            return _follows(self.articles.last, article.key)
        container = match_container(text)
        if container:
            sequence = {
                Kind.PART: self.parts,
                Kind.CHAPTER: self.chapters,
                Kind.SECTION: self.sections,
                Kind.SUBSECTION: self.subsections,
            }[container.kind]
            return sequence.last is not None and _follows(sequence.last, container.key)
        if self._starts_annex(text) and _is_upper(text[:7]):
            return True
        # An instruction of the amending article itself, next in sequence: "2. Sửa đổi ...".
        clause = match_clause(text, self.clauses.last)
        if clause and _follows(self.clauses.last, clause.key):
            return not replacement or bool(_AMENDING.match(clause.rest))
        point = match_point(text, self.points.last)
        if point and _follows(self.points.last, point.key):
            if not replacement:
                return True
            return self.point is not None and bool(_AMENDING.match(point.rest))
        return False

    # -- closing and annexes ----------------------------------------------------------------

    def _starts_closing(self, text: str) -> bool:
        if _is_recipients(text):
            return True
        if self.article is None:
            return False
        if _PASSED_FORMULA.match(text):
            # In a resolution the formula may be the only text of the last article.
            return not self._is_empty(self.article)
        # After the articles a signer's title in capitals is the signature ("THỦ TƯỚNG").
        return _is_signature_start(text) or (
            _is_upper(text) and len(text) <= 80 and bool(_SIGNER_TITLE.match(text))
        )

    @staticmethod
    def _starts_annex(text: str, after_signature: bool = True) -> bool:
        """ "PHỤ LỤC ...", "Phụ lục I", "Phụ lục số 01. Danh mục ..." on a line of its own."""
        found = _ANNEX.match(text)
        if not found:
            return False
        if not found["titlecase"]:
            return True  # "PHỤ LỤC", "PHỤ LỤC I", "PHỤ LỤC KÈM THEO ..."
        tail = found["tail"].strip()
        if not tail:
            return True
        rest = _label_rest(found["tail"])
        if rest is None or _ends_sentence(tail) or tail.endswith(":"):
            return False  # "Phụ lục I ban hành kèm theo ..." is a sentence of an article
        # Inside the articles a list of annexes ("Phụ lục I. Mẫu tờ khai") looks like headings:
        # there only a title in capitals makes it an annex.
        return after_signature or _is_upper(rest)

    def _starts_attached_regulation(self, index: int) -> bool:
        """ "QUY ĐỊNH" on a line of its own after the articles, then "(Ban hành kèm theo ...)":
        the regulation a decision issues, printed after it without its own header."""
        if self.article is None or self.lines[index].text not in _ATTACHED_TYPE_NAMES:
            return False
        following = (line.text for line in self.lines[index + 1 : index + 4])
        return self.body_ended or any(_ISSUED_WITH.match(text) for text in following)

    def _starts_attachment(self, text: str) -> bool:
        """After the signature: a form, or a second document such as an attached regulation."""
        if _is_table_row(text):
            return _is_motto_line(text)
        return bool(
            self._starts_annex(text)
            or _FORM.match(text)
            or _is_motto_line(text)
            or text in _ATTACHED_TYPE_NAMES
        )

    def _enter_closing(self) -> None:
        self.mode = _Mode.CLOSING
        self.pending = None

    def _start_annex(self, text: str, carried: list[str]) -> None:
        self.mode = _Mode.ANNEX
        self.pending = None
        self.annexes.append([*carried, text])

    def _closing_line(self, line: SourceLine) -> None:
        text = line.text
        if self._starts_attachment(text):
            carried = _issuer_lines(self.closing) if _is_motto_line(text) else []
            self._start_annex(text, carried)
            return
        if _is_table_row(text):
            if not _is_table_rule(text):
                self.closing.extend(_table_cells(text))
            return
        self.closing.append(text)

    def _annex_line(self, line: SourceLine) -> None:
        text = line.text
        if self._starts_annex(text) and not _is_table_row(text):
            self._start_annex(text, [])
        elif _is_motto_line(text):
            self._start_annex(text, _issuer_lines(self.annexes[-1]))
        else:
            self.annexes[-1].append(text)

    # -- helpers ----------------------------------------------------------------------------

    def _innermost(self) -> ParsedProvision | None:
        return (
            self.point
            or self.clause
            or self.article
            or self.subsection
            or self.section
            or self.chapter
            or self.part
        )

    def _append(self, provision: ParsedProvision | None, text: str) -> None:
        if provision is None:
            self.header.preamble.append(text)
            return
        self.texts.setdefault(id(provision), []).append(text)

    def _is_empty(self, provision: ParsedProvision) -> bool:
        return not provision.children and not self.texts.get(id(provision))

    def _attach(self, parent: ParsedProvision | None, provision: ParsedProvision) -> None:
        (parent.children if parent is not None else self.document.provisions).append(provision)

    def _unique(self, eid: str) -> str:
        candidate, count = eid, 1
        while candidate in self.used_eids:
            count += 1
            candidate = f"{eid}_{count}"
        self.used_eids.add(candidate)
        return candidate

    @staticmethod
    def _child_eid(parent: ParsedProvision | None, kind: Kind, num: str) -> str:
        own = f"{EID_PREFIX[kind]}_{_eid_piece(num)}"
        return f"{parent.eid}__{own}" if parent is not None else own

    @staticmethod
    def _where(parent: ParsedProvision | None) -> str:
        return f"{_KIND_NAMES[parent.kind]} {parent.num}" if parent is not None else ""

    def _check(self, sequence: _Sequence, label: Label, where: str) -> None:
        previous = sequence.last_num
        problem = sequence.add(label.key, label.num)
        if not problem:
            return
        name = _KIND_NAMES[label.kind]
        values = {"name": name, "num": label.num, "previous": previous, "where": where}
        if problem == "duplicate":
            message = gettext("%(name)s %(num)s appears twice")
        elif problem == "start":
            message = gettext("the first %(name)s is %(name)s %(num)s")
        else:
            message = gettext("%(name)s %(previous)s is followed by %(name)s %(num)s")
        message %= values
        if where:
            message = gettext("%(message)s in %(where)s") % {"message": message, "where": where}
        self.warnings.append(message)

    def _check_point(self, label: Label, parent: ParsedProvision) -> None:
        previous = self.points.last_num
        problem = self.points.add(label.key, label.num)
        if not problem:
            return
        where = f"Điều {self.article.num}" if self.article else ""
        if parent.kind is Kind.CLAUSE:
            where = f"{where} khoản {parent.num}"
        values = {"num": label.num, "previous": previous, "where": where}
        if problem == "duplicate":
            message = gettext("point %(num)s) appears twice in %(where)s")
        elif problem == "start":
            message = gettext("the first point of %(where)s is %(num)s)")
        else:
            message = gettext("point %(previous)s) is followed by %(num)s) in %(where)s")
        self.warnings.append(message % values)


_CONTAINER_ATTRIBUTES = {
    Kind.PART: "part",
    Kind.CHAPTER: "chapter",
    Kind.SECTION: "section",
    Kind.SUBSECTION: "subsection",
}
