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

Attachments: a regulation a decision issues ("QUY ĐỊNH" / "QUY CHẾ" / "ĐIỀU LỆ" ... on a line of
its own, after the articles or the signature, then its title, "(Ban hành kèm theo ...)" and,
within a few lines, its first Phần / Chương / Điều) is parsed into provisions: they follow the
decision's in `provisions`, with eIds prefixed "att_1__" (the second "att_2__"), and its type
line and title (the heading) and the "(Ban hành kèm theo ...)" lines (the note) are kept in
`attachments`. Its numbering is checked afresh from Điều 1. The issuer and motto printed above
it, when it repeats them, are dropped; its signature block joins the closing.

Annexes: "PHỤ LỤC ...", "Phụ lục I" (in capitals, or alone, while inside the articles), and after
the signature a form ("Mẫu số 01") or a second document (the motto again, or "QUY ĐỊNH" ...
not followed by articles) each start an annex, kept as one string.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum

from django.utils.translation import gettext

from .closing import (
    ISSUED_WITH,
    PASSED_FORMULA,
    SIGNATURE_PREFIX,
    SIGNER_TITLE,
    is_recipients,
    is_signature_start,
    issuer_lines,
    starts_annex,
    starts_attachment,
)
from .header import ATTACHED_TYPE_NAMES, HeaderReader, is_motto_line
from .headings import PendingHeading, is_article_heading
from .labels import (
    CLAUSE_LABEL,
    POINT_LABEL,
    Label,
    follows,
    match_article,
    match_clause,
    match_container,
    match_point,
    provision_eid,
)

# Names text.py held before the parser was split into modules, kept importable from here.
from .labels import POINT_LETTERS as POINT_LETTERS
from .labels import Key as Key
from .labels import ordinal_to_int as ordinal_to_int
from .labels import roman_to_int as roman_to_int
from .lines import (
    RULE_LINE,
    clean_line,
    is_table_row,
    is_table_rule,
    is_upper,
    strip_period,
    table_cells,
)
from .numbering import NumberSequence, point_warning, provision_name, sequence_warning
from .quotations import AMENDING, QUOTES, ends_any_quotation, scan_quotes
from .structure import Kind, ParsedDocument, ParsedProvision, SourceLine

__all__ = ["clean_line", "parse_lines", "parse_text"]


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
        if not text or RULE_LINE.match(text):
            continue  # decoration under the issuer and the motto, not text
        cleaned.append(line if text == line.text else replace(line, text=text))
    return _Parser(cleaned).parse()


# ---------------------------------------------------------------------------------------------
# The parser


class _Mode(Enum):
    HEADER = "header"
    BODY = "body"
    CLOSING = "closing"
    ANNEX = "annex"


@dataclass
class _Quotation:
    target: ParsedProvision
    last_line: int


class _Parser:
    def __init__(self, lines: list[SourceLine]) -> None:
        self.lines = lines
        self.document = ParsedDocument()
        self.header = HeaderReader(self.document)
        self.mode = _Mode.HEADER
        self.texts: dict[int, list[str]] = {}
        self.closing: list[str] = []
        self.annexes: list[list[str]] = []
        self.annex_carried = 0  # issuer lines carried into the last annex from above its motto
        self.eid_prefix = ""  # "att_1__" while in an attached regulation
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
        self.pending: PendingHeading | None = None
        self.skip_to = 0
        self.quotation: _Quotation | None = None
        self.body_ended = False  # a line ended in "./.", the mark of the end of the text
        self.listed_kind: Kind | None = None  # "Phần I." items listed in an article's text
        self.quote_deltas: list[int] = []
        self.signature_lines: list[bool] = []
        # Numbering, to warn on gaps and duplicates.
        self.parts = NumberSequence()
        self.chapters = NumberSequence()
        self.sections = NumberSequence()
        self.subsections = NumberSequence()
        self.articles = NumberSequence()
        self.clauses = NumberSequence()
        self.points = NumberSequence(first=0)

    # -- driver -----------------------------------------------------------------------------

    def parse(self) -> ParsedDocument:
        for index, line in enumerate(self.lines):
            if index < self.skip_to:
                continue  # the heading and note of an attachment, already read
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
                self._closing_line(line, index)
            else:
                self._annex_line(line, index)
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
        if is_table_row(text):
            if is_table_rule(text):
                return
            cells = table_cells(text)
            for position, cell in enumerate(cells):
                if is_recipients(cell):  # a text with no articles, signed
                    self.mode = _Mode.CLOSING
                    self.closing.extend(cells[position:])
                    return
                self.header.feed(cell, line)
            return
        if is_recipients(text):
            self.mode = _Mode.CLOSING
            self.closing.append(text)
            return
        self.header.feed(text, line)

    # -- body -------------------------------------------------------------------------------

    def _body_line(self, index: int, line: SourceLine) -> None:
        text = line.text
        if self.pending is not None and self.pending.take(line):
            if self.pending.provision.kind is Kind.ARTICLE:
                self.pending = None  # an article's heading is a single line
            return
        self.pending = None
        if is_table_row(text):
            self._body_table_row(text)
            return
        if self._starts_closing(text):
            self._enter_closing()
            self._closing_line(line, index)
            return
        if self._starts_attached_regulation(index):
            body_start = self._attachment_body_start(index)
            if body_start is not None:
                self._start_attachment(index, body_start)
                return
        if (
            starts_annex(text, after_signature=False)
            or is_motto_line(text)
            or self._starts_attached_regulation(index)
        ):
            innermost = self._innermost()
            carried = issuer_lines(self.texts.get(id(innermost), [])) if innermost else []
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
            self._closing_line(line, index)
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
        cells = table_cells(text)
        # The signature block as a table: "| Nơi nhận: ... | TM. CHÍNH PHỦ THỦ TƯỚNG ... |".
        signer = len(cells) <= 2 and bool(cells) and bool(SIGNER_TITLE.match(cells[-1]))
        if signer or any(
            self._starts_closing(cell) or SIGNATURE_PREFIX.match(cell) for cell in cells
        ):
            self._enter_closing()
            self._closing_line(SourceLine(text))
            return
        if is_motto_line(text):
            self._start_annex(text, [])
            return
        self._append(self._innermost(), text)  # a table in the text of a provision

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
            parent = None
            self.part = self.chapter = self.section = self.subsection = None
            self._check(self.parts, label, "")
            self.sections = NumberSequence()
        elif kind is Kind.CHAPTER:
            parent = self.part
            self.chapter = self.section = self.subsection = None
            self._check(self.chapters, label, "")
            self.sections = NumberSequence()
        elif kind is Kind.SECTION:
            parent = self.chapter or self.part
            self.section = self.subsection = None
            self._check(self.sections, label, provision_name(parent))
            self.subsections = NumberSequence()
        else:
            parent = self.section or self.chapter or self.part
            self.subsection = None
            self._check(self.subsections, label, provision_name(parent))
        eid = self._eid(label, parent)
        provision = ParsedProvision(kind, label.num, eid, strip_period(label.rest))
        self._attach(parent, provision)
        setattr(self, _CONTAINER_ATTRIBUTES[kind], provision)
        self.article = self.clause = self.point = None
        self.pending = PendingHeading(provision, lines=1 if provision.heading else 0)

    def _open_article(self, label: Label, index: int, line: SourceLine) -> None:
        parent = self.subsection or self.section or self.chapter or self.part
        eid = self._eid(label, parent)
        provision = ParsedProvision(Kind.ARTICLE, label.num, eid)
        self._check(self.articles, label, "")
        self._attach(parent, provision)
        self.article, self.clause, self.point = provision, None, None
        self.clauses, self.points = NumberSequence(), NumberSequence(first=0)
        self.listed_kind = None
        if not label.rest:
            self.pending = PendingHeading(provision)
            return
        following = self.lines[index + 1].text if index + 1 < len(self.lines) else ""
        if is_article_heading(label.rest, line, following):
            provision.heading = strip_period(label.rest)
        else:
            self._append(provision, label.rest)
            self._check_quotation(index, label.rest)

    def _open_clause(self, label: Label) -> None:
        article = self.article
        assert article is not None  # noqa: S101  (clauses are matched inside articles only)
        self._check(self.clauses, label, f"Điều {article.num}")
        eid = self._eid(label, article)
        provision = ParsedProvision(Kind.CLAUSE, label.num, eid)
        self._attach(article, provision)
        self.clause, self.point = provision, None
        self.points = NumberSequence(first=0)
        if label.rest:
            self._append(provision, label.rest)

    def _open_point(self, label: Label) -> None:
        # A point sits in its clause or, when the article has no clauses, in the article.
        parent = self.clause or self.article
        assert parent is not None  # noqa: S101  (points are matched inside articles only)
        self._check_point(label, parent)
        eid = self._eid(label, parent)
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
        replacement = text[0] in QUOTES and bool(
            match_container(text[1:].lstrip())
            or match_article(text[1:].lstrip())
            or CLAUSE_LABEL.match(text[1:].lstrip())
            or POINT_LABEL.match(text[1:].lstrip())
        )
        replacement = replacement or text[0] not in QUOTES or self._previous_ends_colon(target)
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
                line.text[0] not in QUOTES and ends_any_quotation(line.text) for line in self.lines
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

    def _ends_open_quotation(self, text: str, replacement: bool) -> bool:
        """A line that cannot belong to an unclosed quotation: the next provision in sequence."""
        if text[0] in QUOTES:
            return False
        article = match_article(text)
        if article:
            return follows(self.articles.last, article.key)
        container = match_container(text)
        if container:
            sequence = {
                Kind.PART: self.parts,
                Kind.CHAPTER: self.chapters,
                Kind.SECTION: self.sections,
                Kind.SUBSECTION: self.subsections,
            }[container.kind]
            return sequence.last is not None and follows(sequence.last, container.key)
        if starts_annex(text) and is_upper(text[:7]):
            return True
        # An instruction of the amending article itself, next in sequence: "2. Sửa đổi ...".
        clause = match_clause(text, self.clauses.last)
        if clause and follows(self.clauses.last, clause.key):
            return not replacement or bool(AMENDING.match(clause.rest))
        point = match_point(text, self.points.last)
        if point and follows(self.points.last, point.key):
            if not replacement:
                return True
            return self.point is not None and bool(AMENDING.match(point.rest))
        return False

    # -- closing and annexes ----------------------------------------------------------------

    def _starts_closing(self, text: str) -> bool:
        if is_recipients(text):
            return True
        if self.article is None:
            return False
        if PASSED_FORMULA.match(text):
            # In a resolution the formula may be the only text of the last article.
            return not self._is_empty(self.article)
        # After the articles a signer's title in capitals is the signature ("THỦ TƯỚNG").
        return is_signature_start(text) or (
            is_upper(text) and len(text) <= 80 and bool(SIGNER_TITLE.match(text))
        )

    def _starts_attached_regulation(self, index: int) -> bool:
        """ "QUY ĐỊNH" on a line of its own after the articles, then "(Ban hành kèm theo ...)":
        the regulation a decision issues, printed after it without its own header."""
        if self.article is None or self.lines[index].text not in ATTACHED_TYPE_NAMES:
            return False
        following = (line.text for line in self.lines[index + 1 : index + 4])
        return self.body_ended or any(ISSUED_WITH.match(text) for text in following)

    def _attachment_body_start(self, index: int) -> int | None:
        """The line of the first Phần / Chương / Điều of a regulation whose type line ("QUY
        ĐỊNH") is line `index`, when its title and "(Ban hành kèm theo ...)" lead to it; None
        for a document without articles (a plan, a form), which stays an annex."""
        if index < 0 or self.lines[index].text not in ATTACHED_TYPE_NAMES:
            return None
        for position in range(index + 1, min(index + 12, len(self.lines))):
            text = self.lines[position].text
            if match_container(text) or match_article(text):
                return position
            if (
                is_table_row(text)
                or starts_annex(text)
                or is_signature_start(text)
                or is_motto_line(text)
                or text in ATTACHED_TYPE_NAMES
            ):
                return None
        return None

    def _start_attachment(self, index: int, body_start: int) -> None:
        """Read the heading and note of an attached regulation; its articles follow."""
        lines = [line.text for line in self.lines[index:body_start]]
        note_start = next(
            (position for position, text in enumerate(lines) if ISSUED_WITH.match(text)),
            len(lines),
        )
        prefix = f"att_{len(self.document.attachments) + 1}"
        self.document.attachments.append(
            {
                "eid_prefix": prefix,
                "heading": "\n".join(lines[:note_start]),
                "note": "\n".join(lines[note_start:]),
            }
        )
        self.eid_prefix = f"{prefix}__"
        self.skip_to = body_start
        self.mode = _Mode.BODY
        self.part = self.chapter = self.section = self.subsection = None
        self.article = self.clause = self.point = None
        self.pending = None
        self.quotation = None
        self.body_ended = False
        self.listed_kind = None
        self.parts, self.chapters = NumberSequence(), NumberSequence()
        self.sections, self.subsections = NumberSequence(), NumberSequence()
        self.articles, self.clauses = NumberSequence(), NumberSequence()
        self.points = NumberSequence(first=0)

    def _enter_closing(self) -> None:
        self.mode = _Mode.CLOSING
        self.pending = None

    def _start_annex(self, text: str, carried: list[str]) -> None:
        self.mode = _Mode.ANNEX
        self.pending = None
        self.annexes.append([*carried, text])
        self.annex_carried = len(carried)

    def _closing_line(self, line: SourceLine, index: int = -1) -> None:
        text = line.text
        body_start = self._attachment_body_start(index)
        if body_start is not None:
            self._start_attachment(index, body_start)
            return
        if starts_attachment(text):
            carried = issuer_lines(self.closing) if is_motto_line(text) else []
            self._start_annex(text, carried)
            return
        if is_table_row(text):
            if not is_table_rule(text):
                self.closing.extend(table_cells(text))
            return
        self.closing.append(text)

    def _annex_line(self, line: SourceLine, index: int) -> None:
        text = line.text
        body_start = self._attachment_body_start(index)
        if body_start is not None:
            if self._is_repeated_header(self.annexes[-1]):
                self.annexes.pop()  # the issuer and motto printed again above the regulation
            self._start_attachment(index, body_start)
            return
        if starts_annex(text) and not is_table_row(text):
            self._start_annex(text, [])
        elif is_motto_line(text):
            self._start_annex(text, issuer_lines(self.annexes[-1]))
        else:
            self.annexes[-1].append(text)

    def _is_repeated_header(self, annex: list[str]) -> bool:
        """Whether an annex holds only an issuer and the motto (a second document's header)."""
        lines = annex[self.annex_carried :]
        return (
            bool(lines)
            and is_motto_line(lines[0])
            and len(lines) <= 4
            and all(
                is_motto_line(text) or is_table_rule(text) or is_upper(text) or "Độc lập" in text
                for text in lines
            )
        )

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

    def _eid(self, label: Label, parent: ParsedProvision | None) -> str:
        eid = provision_eid(label, parent)
        if not eid.startswith(self.eid_prefix):  # an attachment's parts, chapters and articles
            eid = self.eid_prefix + eid
        return self._unique(eid)

    def _unique(self, eid: str) -> str:
        candidate, count = eid, 1
        while candidate in self.used_eids:
            count += 1
            candidate = f"{eid}_{count}"
        self.used_eids.add(candidate)
        return candidate

    def _check(self, sequence: NumberSequence, label: Label, where: str) -> None:
        message = sequence_warning(sequence, label, where)
        if message:
            self.warnings.append(message)

    def _check_point(self, label: Label, parent: ParsedProvision) -> None:
        message = point_warning(self.points, label, self.article, parent)
        if message:
            self.warnings.append(message)


_CONTAINER_ATTRIBUTES = {
    Kind.PART: "part",
    Kind.CHAPTER: "chapter",
    Kind.SECTION: "section",
    Kind.SUBSECTION: "subsection",
}
