"""Word .docx import (paragraphs with formatting hints, auto-numbering rendered) and export."""

import io
import re
import unicodedata
from collections.abc import Iterator

import docx
from django.utils.translation import gettext as _
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from .docx_numbering import Numbering, StyleSheet

# Names docx.py held before the reader was split into modules, kept importable from here.
from .docx_safety import CONTENT_TYPES_NS as CONTENT_TYPES_NS
from .docx_safety import MAX_COMPRESSION_RATIO as MAX_COMPRESSION_RATIO
from .docx_safety import MAX_MEMBERS as MAX_MEMBERS
from .docx_safety import MAX_UNCOMPRESSED_BYTES as MAX_UNCOMPRESSED_BYTES
from .docx_safety import OLE2_MAGIC as OLE2_MAGIC
from .docx_safety import RATIO_CHECK_FROM_BYTES as RATIO_CHECK_FROM_BYTES
from .docx_safety import ZIP_MAGIC as ZIP_MAGIC
from .docx_safety import damaged_error, open_package
from .docx_xml import W_NS as W_NS
from .docx_xml import int_value, on_off, outline_level, w_tag, w_val
from .structure import (
    CONTAINERS,
    DraftImportError,
    Kind,
    ParsedDocument,
    ParsedProvision,
    SourceLine,
    group_by_attachment,
)

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

FONT_NAME = "Times New Roman"
BODY_SIZE = Pt(14)
HEADER_SIZE = Pt(13)


# ---------------------------------------------------------------------------------------------
# Reading: paragraphs

# Subtrees whose text Word does not show as the paragraph's text: deletions, field codes,
# drawings and text boxes (their text sits twice, in mc:Choice and mc:Fallback), notes marks.
_HIDDEN_SUBTREES = frozenset(
    {
        w_tag("del"),
        w_tag("moveFrom"),
        w_tag("instrText"),
        w_tag("delText"),
        w_tag("drawing"),
        w_tag("pict"),
        w_tag("object"),
        w_tag("pPr"),
        w_tag("rPr"),
        w_tag("fldData"),
        f"{{{MC_NS}}}AlternateContent",
    }
)
_BREAKS = frozenset({w_tag("br"), w_tag("cr")})
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
        if child.tag == w_tag("p"):
            yield child, in_table
        elif child.tag == w_tag("tbl"):
            # Cells of this table only (rows may sit in content controls); nested tables are
            # reached through their own cell.
            for cell in child.iter(w_tag("tc")):
                if next(cell.iterancestors(w_tag("tbl")), None) is child:
                    yield from _iter_paragraphs(cell, in_table=True)
        elif child.tag in (
            w_tag("sdt"),
            w_tag("sdtContent"),
            w_tag("customXml"),
            w_tag("ins"),
            w_tag("moveTo"),
        ):
            yield from _iter_paragraphs(child, in_table)


class _ParagraphReader:
    """Turns w:p elements into SourceLines with resolved formatting and numbering."""

    def __init__(self, styles: StyleSheet, numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering

    def lines(self, paragraph: etree._Element, in_table: bool) -> list[SourceLine]:
        p_pr = paragraph.find(w_tag("pPr"))
        style_id = self.styles.paragraph_style(p_pr)
        segments = self._segments(paragraph, self.styles.bold(style_id))
        # Counted even when the paragraph is empty: Word numbers empty paragraphs too.
        label = self._label(p_pr, style_id)
        alignment = w_val(p_pr, "w:jc") or self.styles.alignment(style_id)
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
        num_id = w_val(p_pr, "w:numPr/w:numId")
        ilvl_text = w_val(p_pr, "w:numPr/w:ilvl")
        ilvl = None if ilvl_text is None else int_value(ilvl_text, 0)
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
        return level if level is not None else outline_level(w_val(p_pr, "w:outlineLvl"))

    def _segments(self, element: etree._Element, style_bold: bool | None) -> list[Segment]:
        segments: list[Segment] = [[]]
        self._collect(element, style_bold, segments)
        return segments

    def _collect(
        self, element: etree._Element, style_bold: bool | None, segments: list[Segment]
    ) -> None:
        for child in element:
            if child.tag in _HIDDEN_SUBTREES or child.tag == w_tag("p"):
                continue
            if child.tag == w_tag("r"):
                self._run(child, style_bold, segments)
            else:  # hyperlinks, insertions, fields, smart tags, inline content controls
                self._collect(child, style_bold, segments)

    def _run(self, run: etree._Element, style_bold: bool | None, segments: list[Segment]) -> None:
        r_pr = run.find(w_tag("rPr"))
        if on_off(r_pr, "vanish"):
            return
        bold = on_off(r_pr, "b")
        if bold is None:
            bold = self.styles.bold(w_val(r_pr, "w:rStyle"))
        if bold is None:
            bold = style_bold if style_bold is not None else self.styles.default_bold
        for child in run:
            if child.tag == w_tag("t"):
                segments[-1].append((child.text or "", bold))
            elif child.tag == w_tag("tab"):
                segments[-1].append((" ", bold))
            elif child.tag == w_tag("noBreakHyphen"):
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
    if root.tag != w_tag("document"):  # a well-formed part that is not a Word document at all
        raise damaged_error()
    return root.find(w_tag("body"))


def read_docx(data: bytes) -> list[SourceLine]:
    """The paragraphs of a .docx in document order, table cells included, as SourceLines."""
    document = open_package(data)
    styles = StyleSheet.from_element(document.styles.element)
    reader = _ParagraphReader(styles, Numbering.from_element(_numbering_element(document), styles))
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
    groups = group_by_attachment(document.provisions)
    for provision in (item for prefix, items in groups if not prefix for item in items):
        _add_provision(word, provision)
    _add_closing(word, _lines(document.closing))
    # An attached regulation after the signature, as printed: heading, note, its provisions.
    attached = {prefix: items for prefix, items in groups if prefix}
    for attachment in document.attachments:
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for line in _lines(attachment.get("heading", "")):
            _add_paragraph(word, line, bold=True, centered=True)
        for line in _lines(attachment.get("note", "")):
            _add_paragraph(word, line, italic=True, centered=True)
        for provision in attached.get(attachment.get("eid_prefix", ""), []):
            _add_provision(word, provision)
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
