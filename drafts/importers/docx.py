"""Word .docx import (paragraphs with formatting hints, auto-numbering rendered) and export."""

import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import docx
from django.utils.translation import gettext as _
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from .akn import parse_xml_safely, refuse_doctype
from .structure import (
    CONTAINERS,
    DraftImportError,
    Kind,
    ParsedDocument,
    ParsedProvision,
    SourceLine,
)

# Zip-bomb limits, checked on the zip directory before a single byte is inflated.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_MEMBERS = 1000
# Below this size a member cannot hurt whatever its ratio, and short runs of repetitive XML
# legitimately compress beyond 100x: the ratio test applies from here up.
RATIO_CHECK_FROM_BYTES = 64 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

FONT_NAME = "Times New Roman"
BODY_SIZE = Pt(14)
HEADER_SIZE = Pt(13)


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# ---------------------------------------------------------------------------------------------
# Reading: package safety


def _open_package(data: bytes) -> WordDocument:
    """python-docx Document for the bytes, after every safety check on the raw package."""
    _check_package(data)
    try:
        return docx.Document(io.BytesIO(data))
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
    ) as error:
        raise _damaged_error() from error


def _check_package(data: bytes) -> None:
    """Format, zip directory and XML checks, all before python-docx touches the bytes."""
    if data.startswith(OLE2_MAGIC):
        raise _ole2_error(data)
    if not data.startswith(ZIP_MAGIC):
        raise DraftImportError(_("The file is not a Word .docx document."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise _damaged_error() from error
    with archive:
        _check_zip_directory(archive.infolist())
        if "word/document.xml" not in archive.namelist():
            raise DraftImportError(
                _(
                    "The file is a zip archive but not a Word document (word/document.xml is "
                    "missing). Save it as .docx in Word or LibreOffice and upload it again."
                )
            )
        try:
            _refuse_dtds(archive)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise _damaged_error() from error


def _ole2_error(data: bytes) -> DraftImportError:
    """Both an encrypted .docx and a Word 97-2003 .doc are OLE2 compound files; name which."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return _encrypted_error()
    return DraftImportError(
        _(
            "This is an old Word 97-2003 .doc file (or an encrypted document). Open it in Word, "
            "save it as .docx without a password, and upload the .docx."
        )
    )


def _encrypted_error() -> DraftImportError:
    return DraftImportError(
        _("The file is encrypted or password-protected. Remove the password and upload it again.")
    )


def _damaged_error() -> DraftImportError:
    return DraftImportError(
        _(
            "The Word file is damaged (truncated or corrupted) and cannot be opened. Open it in "
            "Word, save it again, and upload the new copy."
        )
    )


def _check_zip_directory(members: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs from the sizes the zip directory declares.

    zipfile never inflates a member beyond its declared size, so these figures bound the work.
    """
    too_big = DraftImportError(
        _(
            "The Word file expands to too much data to be a text document (more than %(limit)s MB, "
            "or suspiciously compressed). It was refused for safety."
        )
        % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
    )
    if len(members) > MAX_MEMBERS:
        raise too_big
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise too_big
    for member in members:
        if member.flag_bits & 0x1:
            raise _encrypted_error()
        # Word only deflates; bzip2 and LZMA inflate without an output bound in zipfile.
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged_error()
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise too_big


def _refuse_dtds(archive: zipfile.ZipFile) -> None:
    """No XML part that python-docx will parse may declare a DOCTYPE (entity bombs, XXE)."""
    for name in _xml_part_names(archive):
        refuse_doctype(archive.read(name))


def _xml_part_names(archive: zipfile.ZipFile) -> set[str]:
    """Names ending .xml/.rels, plus any part [Content_Types].xml declares as XML.

    python-docx picks a part's parser by content type, not by name: a document part renamed
    "word/x.bin" is still parsed as XML, so it is scanned too.
    """
    names = set(archive.namelist())
    xml_names = {name for name in names if name.endswith((".xml", ".rels"))}
    if "[Content_Types].xml" not in names:
        return xml_names
    raw = archive.read("[Content_Types].xml")
    refuse_doctype(raw)
    try:
        content_types = parse_xml_safely(raw)
    except DraftImportError as error:  # malformed: the DOCTYPE case was refused just above
        raise _damaged_error() from error
    xml_extensions = set()
    for entry in content_types:
        content_type = entry.get("ContentType", "")
        if not content_type.endswith("xml") or content_type.startswith("image/"):
            continue
        if entry.tag == f"{{{CONTENT_TYPES_NS}}}Override":
            xml_names.add(entry.get("PartName", "").lstrip("/"))
        elif entry.tag == f"{{{CONTENT_TYPES_NS}}}Default":
            xml_extensions.add("." + entry.get("Extension", "").lower())
    xml_names |= {name for name in names if name.lower().endswith(tuple(xml_extensions))}
    return xml_names & names


# ---------------------------------------------------------------------------------------------
# Reading: styles and numbering


def _on_off(properties: etree._Element | None, tag: str) -> bool | None:
    """An OOXML toggle (<w:b/>, <w:b w:val="0"/>) or None when the properties do not set it."""
    if properties is None:
        return None
    element = properties.find(_w(tag))
    if element is None:
        return None
    return element.get(_w("val"), "true").lower() not in ("0", "false", "off")


def _int(value: str | None, default: int) -> int:
    """An integer attribute, or the default when it is missing or not a number."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _outline_level(value: str | None) -> int | None:
    """Heading level from w:outlineLvl (0-8; 9 means body text)."""
    level = _int(value, 9)
    return level + 1 if 0 <= level < 9 else None


def _clamp_start(value: int) -> int:
    # Word accepts 0..32767; a hostile value must not make a number's text huge.
    return min(max(value, 0), 32767)


def _val(properties: etree._Element | None, path: str) -> str | None:
    if properties is None:
        return None
    element = properties.find(path, {"w": W_NS})
    return None if element is None else element.get(_w("val"))


_HEADING_NAME = re.compile(r"^(?:heading|tiêu đề|đầu đề)\s*(\d)$", re.IGNORECASE)
_TITLE_NAMES = frozenset({"title", "tiêu đề"})


@dataclass
class _StyleSheet:
    """Paragraph and character styles by id, with their basedOn chains resolved on demand."""

    styles: dict[str, etree._Element]
    default_paragraph_style: str | None
    default_bold: bool

    @classmethod
    def from_element(cls, styles_element: etree._Element) -> "_StyleSheet":
        styles = {style.get(_w("styleId"), ""): style for style in styles_element.iter(_w("style"))}
        default = next(
            (
                style_id
                for style_id, style in styles.items()
                if style.get(_w("type")) == "paragraph"
                and style.get(_w("default")) in ("1", "true")
            ),
            None,
        )
        doc_default = styles_element.find("w:docDefaults/w:rPrDefault/w:rPr", {"w": W_NS})
        return cls(styles, default, bool(_on_off(doc_default, "b")))

    def chain(self, style_id: str | None) -> Iterator[etree._Element]:
        """The style and its ancestors; cycles in basedOn (seen in the wild) end the walk."""
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = _val(style, "w:basedOn")

    def paragraph_style(self, p_pr: etree._Element | None) -> str | None:
        return _val(p_pr, "w:pStyle") or self.default_paragraph_style

    def bold(self, style_id: str | None) -> bool | None:
        return next(
            (
                value
                for style in self.chain(style_id)
                if (value := _on_off(style.find(_w("rPr")), "b")) is not None
            ),
            None,
        )

    def alignment(self, style_id: str | None) -> str | None:
        return next(
            (value for style in self.chain(style_id) if (value := _val(style, "w:pPr/w:jc"))),
            None,
        )

    def heading_level(self, style_id: str | None) -> int | None:
        """Heading N by name or id (localized Word keeps English built-in names, e.g. styleId
        "u1" named "heading 1"), Title as 0, else the style's outline level."""
        for style in self.chain(style_id):
            for label in (_val(style, "w:name") or "", style.get(_w("styleId"), "")):
                match = _HEADING_NAME.match(label.strip())
                if match:
                    return int(match.group(1))
                if label.strip().lower() in _TITLE_NAMES:
                    return 0
            level = _outline_level(_val(style, "w:pPr/w:outlineLvl"))
            if level is not None:
                return level
        return None

    def numbering(self, style_id: str | None) -> tuple[str, int | None] | None:
        """(numId, ilvl) a paragraph style attaches, e.g. a "Điều" style numbered "Điều %1."."""
        for style in self.chain(style_id):
            num_id = _val(style, "w:pPr/w:numPr/w:numId")
            if num_id is not None:
                ilvl = _val(style, "w:pPr/w:numPr/w:ilvl")
                return num_id, None if ilvl is None else _int(ilvl, 0)
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


def _parse_level(lvl: etree._Element) -> _Level:
    restart = _val(lvl, "w:lvlRestart")
    return _Level(
        start=_clamp_start(_int(_val(lvl, "w:start"), 1)),
        fmt=_val(lvl, "w:numFmt") or "decimal",
        text=_val(lvl, "w:lvlText") or "",
        restart=None if restart is None else _int(restart, 0),
        is_legal=_on_off(lvl, "isLgl") or False,
        style=_val(lvl, "w:pStyle"),
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
class _Numbering:
    """Renders Word's automatic numbers the way Word shows them, counting as paragraphs come."""

    abstract: dict[str, dict[int, _Level]]
    nums: dict[str, tuple[str, dict[int, "_Override"]]]  # numId -> (abstractNumId, overrides)
    styles: _StyleSheet
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_element(cls, numbering: etree._Element | None, styles: _StyleSheet) -> "_Numbering":
        if numbering is None:
            return cls({}, {}, styles)
        abstract = {
            element.get(_w("abstractNumId"), ""): element
            for element in numbering.iterchildren(_w("abstractNum"))
        }
        levels = {
            key: {
                _int(lvl.get(_w("ilvl")), 0): _parse_level(lvl)
                for lvl in element.iterchildren(_w("lvl"))
            }
            for key, element in abstract.items()
        }
        nums = {
            num.get(_w("numId"), ""): cls._num(num) for num in numbering.iterchildren(_w("num"))
        }
        instance = cls(levels, nums, styles)
        instance._follow_style_links(abstract)
        return instance

    @staticmethod
    def _num(num: etree._Element) -> tuple[str, dict[int, _Override]]:
        overrides: dict[int, _Override] = {}
        for override in num.iterchildren(_w("lvlOverride")):
            start = _val(override, "w:startOverride")
            lvl = override.find(_w("lvl"))
            overrides[_int(override.get(_w("ilvl")), 0)] = _Override(
                start=None if start is None else _clamp_start(_int(start, 1)),
                level=_parse_level(lvl) if lvl is not None else None,
            )
        return _val(num, "w:abstractNumId") or "", overrides

    def _follow_style_links(self, abstract: dict[str, etree._Element]) -> None:
        """A list style (w:numStyleLink) borrows the levels of the abstractNum its style numbers."""
        for key, element in abstract.items():
            link = _val(element, "w:numStyleLink")
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


# ---------------------------------------------------------------------------------------------
# Reading: paragraphs

# Subtrees whose text Word does not show as the paragraph's text: deletions, field codes,
# drawings and text boxes (their text sits twice, in mc:Choice and mc:Fallback), notes marks.
_HIDDEN_SUBTREES = frozenset(
    {
        _w("del"),
        _w("moveFrom"),
        _w("instrText"),
        _w("delText"),
        _w("drawing"),
        _w("pict"),
        _w("object"),
        _w("pPr"),
        _w("rPr"),
        _w("fldData"),
        f"{{{MC_NS}}}AlternateContent",
    }
)
_BREAKS = frozenset({_w("br"), _w("cr")})
_INVISIBLE = str.maketrans(
    {"\u200b": None, "\ufeff": None, "\u00ad": None, "\u00a0": " ", "\t": " "}
)
_SPACES = re.compile(r" {2,}")

Piece = tuple[str, bool]  # a run's text and whether it is bold
Segment = list[Piece]  # one visual line of a paragraph (paragraphs break at <w:br/>)


def _iter_paragraphs(
    container: etree._Element, in_table: bool = False
) -> Iterator[tuple[etree._Element, bool]]:
    """Body paragraphs in document order, descending into tables and content controls."""
    for child in container:
        if child.tag == _w("p"):
            yield child, in_table
        elif child.tag == _w("tbl"):
            # Cells of this table only (rows may sit in content controls); nested tables are
            # reached through their own cell.
            for cell in child.iter(_w("tc")):
                if next(cell.iterancestors(_w("tbl")), None) is child:
                    yield from _iter_paragraphs(cell, in_table=True)
        elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml"), _w("ins"), _w("moveTo")):
            yield from _iter_paragraphs(child, in_table)


class _ParagraphReader:
    """Turns w:p elements into SourceLines with resolved formatting and numbering."""

    def __init__(self, styles: _StyleSheet, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering

    def lines(self, paragraph: etree._Element, in_table: bool) -> list[SourceLine]:
        p_pr = paragraph.find(_w("pPr"))
        style_id = self.styles.paragraph_style(p_pr)
        segments = self._segments(paragraph, self.styles.bold(style_id))
        # Counted even when the paragraph is empty: Word numbers empty paragraphs too.
        label = self._label(p_pr, style_id)
        alignment = _val(p_pr, "w:jc") or self.styles.alignment(style_id)
        heading_level = self._heading_level(p_pr, style_id)
        result = []
        for index, segment in enumerate(segments):
            text = _clean("".join(piece for piece, _bold in segment))
            if label and index == 0:
                text = f"{label} {text}".rstrip()
            if not text:
                continue
            # The number Word draws does not decide boldness; the typed text does.
            visible = [bold for piece, bold in segment if piece.strip()]
            result.append(
                SourceLine(
                    text=text,
                    bold=bool(visible) and all(visible),
                    heading_level=heading_level,
                    centered=alignment == "center",
                    in_table=in_table,
                )
            )
        return result

    def _label(self, p_pr: etree._Element | None, style_id: str | None) -> str:
        num_id = _val(p_pr, "w:numPr/w:numId")
        ilvl_text = _val(p_pr, "w:numPr/w:ilvl")
        ilvl = None if ilvl_text is None else _int(ilvl_text, 0)
        if num_id is None:
            from_style = self.styles.numbering(style_id)
            if from_style is None:
                return ""
            num_id, style_ilvl = from_style
            ilvl = ilvl if ilvl is not None else style_ilvl
        elif ilvl is None:
            ilvl = 0
        if num_id == "0":  # numbering explicitly removed from this paragraph
            return ""
        return self.numbering.label(num_id, ilvl, style_id)

    def _heading_level(self, p_pr: etree._Element | None, style_id: str | None) -> int | None:
        level = self.styles.heading_level(style_id)
        return level if level is not None else _outline_level(_val(p_pr, "w:outlineLvl"))

    def _segments(self, element: etree._Element, style_bold: bool | None) -> list[Segment]:
        segments: list[Segment] = [[]]
        self._collect(element, style_bold, segments)
        return segments

    def _collect(
        self, element: etree._Element, style_bold: bool | None, segments: list[Segment]
    ) -> None:
        for child in element:
            if child.tag in _HIDDEN_SUBTREES or child.tag == _w("p"):
                continue
            if child.tag == _w("r"):
                self._run(child, style_bold, segments)
            else:  # hyperlinks, insertions, fields, smart tags, inline content controls
                self._collect(child, style_bold, segments)

    def _run(self, run: etree._Element, style_bold: bool | None, segments: list[Segment]) -> None:
        r_pr = run.find(_w("rPr"))
        if _on_off(r_pr, "vanish"):
            return
        bold = _on_off(r_pr, "b")
        if bold is None:
            bold = self.styles.bold(_val(r_pr, "w:rStyle"))
        if bold is None:
            bold = style_bold if style_bold is not None else self.styles.default_bold
        for child in run:
            if child.tag == _w("t"):
                segments[-1].append((child.text or "", bold))
            elif child.tag == _w("tab"):
                segments[-1].append((" ", bold))
            elif child.tag == _w("noBreakHyphen"):
                segments[-1].append(("-", bold))
            elif child.tag in _BREAKS:
                segments.append([])


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", _SPACES.sub(" ", text.translate(_INVISIBLE)).strip())


def _numbering_element(document: WordDocument) -> etree._Element | None:
    # Not document.part.numbering_part: that creates a part when there is none, and cannot.
    try:
        part = document.part.part_related_by(RT.NUMBERING)
    except KeyError:
        return None
    return part.element if isinstance(part, XmlPart) else None


def _body(document: WordDocument) -> etree._Element | None:
    root = document.element
    if root.tag != _w("document"):  # a well-formed part that is not a Word document at all
        raise _damaged_error()
    return root.find(_w("body"))


def read_docx(data: bytes) -> list[SourceLine]:
    """The paragraphs of a .docx in document order, table cells included, as SourceLines."""
    document = _open_package(data)
    styles = _StyleSheet.from_element(document.styles.element)
    reader = _ParagraphReader(styles, _Numbering.from_element(_numbering_element(document), styles))
    body = _body(document)
    lines = (
        []
        if body is None
        else [
            line
            for paragraph, in_table in _iter_paragraphs(body)
            for line in reader.lines(paragraph, in_table)
        ]
    )
    if not lines:
        raise DraftImportError(_("The Word document contains no text."))
    return lines


# ---------------------------------------------------------------------------------------------
# Writing

# Labels printed before a container's number; its title follows on its own line in capitals.
_CONTAINER_WORD = {
    Kind.PART: "Phần",
    Kind.CHAPTER: "Chương",
    Kind.SECTION: "Mục",
    Kind.SUBSECTION: "Tiểu mục",
}
_RECIPIENT_BULLETS = ("-", "+", "–", "•")


def docx_export(document: ParsedDocument) -> bytes:
    """A .docx laid out like a Vietnamese legal text; read_docx + parse_lines give the tree back.

    Numbers are typed, not Word auto-numbering, so the file re-imports exactly and stays
    correct when a drafter inserts "Điều 5a" by hand.
    """
    word = docx.Document()
    _set_up_page(word)
    _add_header_table(word, document)
    if document.draft_label:
        _add_paragraph(word, document.draft_label, bold=True, centered=True)
    if document.document_type:
        _add_paragraph(word, document.document_type.upper(), bold=True, centered=True)
    for line in _lines(document.title):
        _add_paragraph(word, line, bold=True, centered=True)
    for basis in document.legal_bases:
        for line in _lines(basis):
            _add_paragraph(word, line, italic=True, indent=True)
    for line in _lines(document.preamble):
        _add_paragraph(word, line, indent=True)
    for provision in document.provisions:
        _add_provision(word, provision)
    _add_closing(word, _lines(document.closing))
    for annex in document.annexes:
        _add_annex(word, _lines(annex))
    output = io.BytesIO()
    word.save(output)
    return output.getvalue()


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _set_up_page(word: WordDocument) -> None:
    """A4, margins and type of Nghị định 30/2020/NĐ-CP: Times New Roman 14, justified."""
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = word.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = BODY_SIZE
    r_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    # Word picks the east-Asian font for some Vietnamese characters unless it is set too.
    r_fonts.set(qn("w:eastAsia"), FONT_NAME)
    r_fonts.set(qn("w:cs"), FONT_NAME)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(language)
    paragraph_format = normal.paragraph_format
    paragraph_format.space_after = Pt(6)
    paragraph_format.line_spacing = 1.15
    word.core_properties.language = "vi-VN"


def _add_paragraph(
    container: WordDocument | _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    centered: bool = False,
    indent: bool = False,
    size: Pt | None = None,
) -> Paragraph:
    paragraph = container.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size
    if centered:
        paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    else:
        paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def _add_header_table(word: WordDocument, document: ParsedDocument) -> None:
    """Issuer | national motto, then number | place and date, as every legal text opens."""
    table = word.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(6), Cm(10))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            # A new cell holds one empty paragraph; our lines replace it.
            cell._element.remove(cell.paragraphs[0]._element)
    issuer, motto = table.rows[0].cells
    for line in _lines(document.issuer) or [""]:
        _add_paragraph(issuer, line, bold=True, centered=True, size=HEADER_SIZE)
    _add_paragraph(
        motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, centered=True, size=HEADER_SIZE
    )
    _add_paragraph(motto, "Độc lập - Tự do - Hạnh phúc", bold=True, centered=True)
    number, place_and_date = table.rows[1].cells
    _add_paragraph(
        number,
        f"Số: {document.number}" if document.number else "",
        centered=True,
        size=HEADER_SIZE,
    )
    _add_paragraph(place_and_date, document.place_and_date, italic=True, centered=True)


def _add_provision(word: WordDocument, provision: ParsedProvision) -> None:
    lines = _lines(provision.text)
    if provision.kind in CONTAINERS:
        _add_paragraph(
            word, f"{_CONTAINER_WORD[provision.kind]} {provision.num}", bold=True, centered=True
        )
        if provision.heading:
            _add_paragraph(word, provision.heading.upper(), bold=True, centered=True)
    elif provision.kind == Kind.ARTICLE:
        title = f"Điều {provision.num}. {provision.heading}".rstrip()
        _add_paragraph(word, title, bold=True, indent=True)
    else:
        marker = f"{provision.num}." if provision.kind == Kind.CLAUSE else f"{provision.num})"
        first, *rest = lines or [""]
        _add_paragraph(word, f"{marker} {first}".rstrip(), indent=True)
        lines = rest
    for line in lines:
        _add_paragraph(word, line, indent=True)
    for child in provision.children:
        _add_provision(word, child)


def _add_closing(word: WordDocument, lines: list[str]) -> None:
    """Closing text, then "Nơi nhận" | signature side by side as in a signed text."""
    start = next(
        (index for index, line in enumerate(lines) if line.lower().startswith("nơi nhận")), None
    )
    before = lines if start is None else lines[:start]
    for line in before:
        _add_paragraph(word, line, bold=_is_upper(line), centered=_is_upper(line))
    if start is None:
        return
    end = start + 1
    while end < len(lines) and lines[end].startswith(_RECIPIENT_BULLETS):
        end += 1
    table = word.add_table(rows=1, cols=2)
    recipients, signature = table.rows[0].cells
    recipients._element.remove(recipients.paragraphs[0]._element)
    for index, line in enumerate(lines[start:end]):
        _add_paragraph(recipients, line, bold=index == 0, italic=index == 0, size=Pt(12))
    signature._element.remove(signature.paragraphs[0]._element)
    for line in lines[end:] or [""]:
        _add_paragraph(signature, line, bold=_is_upper(line), centered=True)


def _is_upper(line: str) -> bool:
    return any(character.isalpha() for character in line) and line == line.upper()


def _add_annex(word: WordDocument, lines: list[str]) -> None:
    """A phụ lục starts on a new page; its first line is its title."""
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for index, line in enumerate(lines):
        _add_paragraph(word, line, bold=index == 0, centered=index == 0)
