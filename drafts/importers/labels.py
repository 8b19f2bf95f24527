"""The labels that start a provision (Phần, Chương, Mục, Điều, khoản, điểm), their numbers, eIds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .structure import EID_PREFIX, Kind, ParsedProvision

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
CLAUSE_LABEL = re.compile(
    rf"^(?P<num>\d{{1,3}})(?P<suffix>[a-zđ]?){_FOOTNOTE}\s*\.(?!\d)\.?\s*(?P<rest>.*)$"
)
# "1 Text" (dot forgotten), "1- Text", "1/ Text" (old texts): only as the number expected next.
_CLAUSE_LOOSE = re.compile(r"^(?P<num>\d{1,3})(?: |\s*[-/] )(?P<rest>\S.*)$")
POINT_LABEL = re.compile(rf"^(?P<letter>[a-zđ])(?P<digits>\d{{0,2}}){_FOOTNOTE}\)\s*(?P<rest>.*)$")
_POINT_LOOSE = re.compile(r"^(?P<letter>[a-zđ])(?P<digits>\d{0,2})[./] +(?P<rest>\S.*)$")
_CONTAINER_KINDS = {"chương": Kind.CHAPTER, "mục": Kind.SECTION, "tiểu mục": Kind.SUBSECTION}


@dataclass(frozen=True)
class Label:
    kind: Kind
    num: str  # as printed, normalised: Roman numerals upper case, inserted letters lower case
    key: Key
    rest: str  # the text after the number and its separator


def label_rest(tail: str) -> str | None:
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
    rest = label_rest(found["tail"])
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
    rest = label_rest(found["tail"])
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
    title = label_rest(tail)
    if title is None:
        return None
    return Label(Kind.PART, printed, (value, 0), title)


def match_clause(text: str, previous: Key | None) -> Label | None:
    """Khoản "1. text"; "1 Text", "1- Text" only when 1 is the number expected next."""
    found = CLAUSE_LABEL.match(text)
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
    found = POINT_LABEL.match(text)
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


def follows(previous: Key | None, key: Key) -> bool:
    """Whether `key` is the number expected after `previous` (an insert like 5a included)."""
    if previous is None:
        return key[0] in (0, 1)
    return key[0] == previous[0] + 1 or (key[0] == previous[0] and key[1] > previous[1])


# ---------------------------------------------------------------------------------------------
# Akoma Ntoso eIds


def _eid_piece(num: str) -> str:
    return num.replace("đ", "dd").replace("Đ", "DD")


def provision_eid(label: Label, parent: ParsedProvision | None) -> str:
    """The eId of the provision a label opens under `parent`, before it is made unique: part_1,
    chp_II, chp_II__sec_1, art_5a, art_5__para_2__point_dd."""
    kind = label.kind
    if kind is Kind.PART:
        return f"{EID_PREFIX[kind]}_{label.key[0]}"
    if kind is Kind.CHAPTER:
        return f"{EID_PREFIX[kind]}_{label.num.upper()}"
    if kind is Kind.ARTICLE:
        return f"{EID_PREFIX[kind]}_{_eid_piece(label.num.lower())}"
    own = f"{EID_PREFIX[kind]}_{_eid_piece(label.num)}"
    return f"{parent.eid}__{own}" if parent is not None else own
