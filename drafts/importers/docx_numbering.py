"""Word styles and auto-numbering: the formatting and the numbers Word shows for a paragraph."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from lxml import etree

from .docx_xml import W_NS, int_value, on_off, outline_level, w_tag, w_val

_HEADING_NAME = re.compile(r"^(?:heading|tiêu đề|đầu đề)\s*(\d)$", re.IGNORECASE)
_TITLE_NAMES = frozenset({"title", "tiêu đề"})


@dataclass
class StyleSheet:
    """Paragraph and character styles by id, with their basedOn chains resolved on demand."""

    styles: dict[str, etree._Element]
    default_paragraph_style: str | None
    default_bold: bool

    @classmethod
    def from_element(cls, styles_element: etree._Element) -> "StyleSheet":
        styles = {
            style.get(w_tag("styleId"), ""): style for style in styles_element.iter(w_tag("style"))
        }
        default = next(
            (
                style_id
                for style_id, style in styles.items()
                if style.get(w_tag("type")) == "paragraph"
                and style.get(w_tag("default")) in ("1", "true")
            ),
            None,
        )
        doc_default = styles_element.find("w:docDefaults/w:rPrDefault/w:rPr", {"w": W_NS})
        return cls(styles, default, bool(on_off(doc_default, "b")))

    def chain(self, style_id: str | None) -> Iterator[etree._Element]:
        """The style and its ancestors; cycles in basedOn (seen in the wild) end the walk."""
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = w_val(style, "w:basedOn")

    def paragraph_style(self, p_pr: etree._Element | None) -> str | None:
        return w_val(p_pr, "w:pStyle") or self.default_paragraph_style

    def bold(self, style_id: str | None) -> bool | None:
        return next(
            (
                value
                for style in self.chain(style_id)
                if (value := on_off(style.find(w_tag("rPr")), "b")) is not None
            ),
            None,
        )

    def alignment(self, style_id: str | None) -> str | None:
        return next(
            (value for style in self.chain(style_id) if (value := w_val(style, "w:pPr/w:jc"))),
            None,
        )

    def heading_level(self, style_id: str | None) -> int | None:
        """Heading N by name or id (localized Word keeps English built-in names, e.g. styleId
        "u1" named "heading 1"), Title as 0, else the style's outline level."""
        for style in self.chain(style_id):
            for label in (w_val(style, "w:name") or "", style.get(w_tag("styleId"), "")):
                match = _HEADING_NAME.match(label.strip())
                if match:
                    return int(match.group(1))
                if label.strip().lower() in _TITLE_NAMES:
                    return 0
            level = outline_level(w_val(style, "w:pPr/w:outlineLvl"))
            if level is not None:
                return level
        return None

    def numbering(self, style_id: str | None) -> tuple[str, int | None] | None:
        """(numId, ilvl) a paragraph style attaches, e.g. a "Điều" style numbered "Điều %1."."""
        for style in self.chain(style_id):
            num_id = w_val(style, "w:pPr/w:numPr/w:numId")
            if num_id is not None:
                ilvl = w_val(style, "w:pPr/w:numPr/w:ilvl")
                return num_id, None if ilvl is None else int_value(ilvl, 0)
        return None


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    is_legal: bool = False  # w:isLgl: show every level's number in decimal
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


@dataclass(frozen=True)
class _Override:
    """A w:num's w:lvlOverride: a new start value and/or a whole replacement level."""

    start: int | None
    level: _Level | None


def _clamp_start(value: int) -> int:
    # Word accepts 0..32767; a hostile value must not make a number's text huge.
    return min(max(value, 0), 32767)


def _parse_level(lvl: etree._Element) -> _Level:
    restart = w_val(lvl, "w:lvlRestart")
    return _Level(
        start=_clamp_start(int_value(w_val(lvl, "w:start"), 1)),
        fmt=w_val(lvl, "w:numFmt") or "decimal",
        text=w_val(lvl, "w:lvlText") or "",
        restart=None if restart is None else int_value(restart, 0),
        is_legal=on_off(lvl, "isLgl") or False,
        style=w_val(lvl, "w:pStyle"),
    )


def _letters(value: int) -> str:
    """Word's letter sequence: a..z, then aa..zz, aaa.. (not spreadsheet-style ab)."""
    if not 0 < value <= 26 * 20:
        # Beyond "tttt...": no real list goes there, and the text would grow with every item.
        return str(value)
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    if not 0 < value < 4000:  # Roman numerals stop at 3999; Word shows digits beyond
        return str(value)
    result = ""
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        result += numeral * count
    return result


def _format_number(value: int, fmt: str) -> str:
    formats = {
        "decimalZero": lambda: f"{value:02d}",
        "lowerLetter": lambda: _letters(value),
        "upperLetter": lambda: _letters(value).upper(),
        "lowerRoman": lambda: _roman(value),
        "upperRoman": lambda: _roman(value).upper(),
        "none": lambda: "",
    }
    # decimal, and formats we do not draw (ordinal words, CJK counting), show as decimal.
    return formats.get(fmt, lambda: str(value))()


@dataclass
class Numbering:
    """Renders Word's automatic numbers the way Word shows them, counting as paragraphs come."""

    abstract: dict[str, dict[int, _Level]]
    nums: dict[str, tuple[str, dict[int, "_Override"]]]  # numId -> (abstractNumId, overrides)
    styles: StyleSheet
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_element(cls, numbering: etree._Element | None, styles: StyleSheet) -> "Numbering":
        if numbering is None:
            return cls({}, {}, styles)
        abstract = {
            element.get(w_tag("abstractNumId"), ""): element
            for element in numbering.iterchildren(w_tag("abstractNum"))
        }
        levels = {
            key: {
                int_value(lvl.get(w_tag("ilvl")), 0): _parse_level(lvl)
                for lvl in element.iterchildren(w_tag("lvl"))
            }
            for key, element in abstract.items()
        }
        nums = {
            num.get(w_tag("numId"), ""): cls._num(num)
            for num in numbering.iterchildren(w_tag("num"))
        }
        instance = cls(levels, nums, styles)
        instance._follow_style_links(abstract)
        return instance

    @staticmethod
    def _num(num: etree._Element) -> tuple[str, dict[int, _Override]]:
        overrides: dict[int, _Override] = {}
        for override in num.iterchildren(w_tag("lvlOverride")):
            start = w_val(override, "w:startOverride")
            lvl = override.find(w_tag("lvl"))
            overrides[int_value(override.get(w_tag("ilvl")), 0)] = _Override(
                start=None if start is None else _clamp_start(int_value(start, 1)),
                level=_parse_level(lvl) if lvl is not None else None,
            )
        return w_val(num, "w:abstractNumId") or "", overrides

    def _follow_style_links(self, abstract: dict[str, etree._Element]) -> None:
        """A list style (w:numStyleLink) borrows the levels of the abstractNum its style numbers."""
        for key, element in abstract.items():
            link = w_val(element, "w:numStyleLink")
            numbered = self.styles.numbering(link) if link else None
            if numbered and numbered[0] in self.nums:
                self.abstract[key] = self.abstract.get(self.nums[numbered[0]][0], {})

    def levels(self, num_id: str) -> dict[int, _Level]:
        """The abstract list's levels with this w:num's overrides (restart values) applied."""
        abstract_id, overrides = self.nums.get(num_id, ("", {}))
        levels = dict(self.abstract.get(abstract_id, {}))
        for ilvl, override in overrides.items():
            level = override.level or levels.get(ilvl)
            if level is not None and override.start is not None:
                level = replace(level, start=override.start)
            if level is not None:
                levels[ilvl] = level
        return levels

    def label(self, num_id: str, ilvl: int | None, style_id: str | None) -> str:
        """The number Word draws before this paragraph ("Điều 3.", "2.", "b)"), counting it."""
        levels = self.levels(num_id)
        if ilvl is None:
            # A style-bound list: the level is the one naming this paragraph style.
            ilvl = next(
                (key for key, level in levels.items() if style_id and level.style == style_id), 0
            )
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [key for key in counters if key > ilvl]:
            restart_after = levels[deeper].restart if deeper in levels else None
            if ilvl < (deeper if restart_after is None else restart_after):
                del counters[deeper]
        if level.fmt == "bullet":
            return _bullet(level.text)

        def placeholder(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            shown = levels.get(index, _Level())
            value = counters.get(index, shown.start)
            return _format_number(value, "decimal" if level.is_legal else shown.fmt)

        return re.sub(r"%([1-9])", placeholder, level.text).strip()


def _bullet(text: str) -> str:
    # Symbol and Wingdings bullets sit in the Private Use Area and mean nothing as text.
    return "•" if not text or "\ue000" <= text[0] <= "\uf8ff" else text
