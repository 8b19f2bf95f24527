"""Akoma Ntoso 3.0 export and import of a parsed legal text, and safe parsing of untrusted XML."""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from lxml import etree

from search.text import fold

from .structure import (
    EID_PREFIX,
    DraftImportError,
    Kind,
    ParsedDocument,
    ParsedProvision,
    group_by_attachment,
)

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"

# Our kinds and the Akoma Ntoso hierarchy elements that carry them; khoản is an AKN "paragraph".
ELEMENT_FOR_KIND = {
    Kind.PART: "part",
    Kind.CHAPTER: "chapter",
    Kind.SECTION: "section",
    Kind.SUBSECTION: "subsection",
    Kind.ARTICLE: "article",
    Kind.CLAUSE: "paragraph",
    Kind.POINT: "point",
}
KIND_FOR_ELEMENT = {element: kind for kind, element in ELEMENT_FOR_KIND.items()}

# How each number is printed in <num>, so that an AKN renderer shows what the paper text shows.
_NUM_LABEL = {
    Kind.PART: "Phần {num}",
    Kind.CHAPTER: "Chương {num}",
    Kind.SECTION: "Mục {num}",
    Kind.SUBSECTION: "Tiểu mục {num}",
    Kind.ARTICLE: "Điều {num}.",
    Kind.CLAUSE: "{num}.",
    Kind.POINT: "{num})",
}
_NUM_WORD = re.compile(r"^(?:phần|chương|mục|tiểu mục|điều)\s+", re.IGNORECASE)

# Other AKN hierarchy elements: a foreign file may wrap our provisions in them; we keep the
# children and drop the wrapper.
_OTHER_HIERARCHY = frozenset(
    {
        "clause", "title", "book", "tome", "division", "list", "indent", "alinea", "rule",
        "subrule", "proviso", "subpart", "subparagraph", "subchapter", "subtitle", "subdivision",
        "subclause", "sublist", "level", "transitional", "hcontainer",
    }
)  # fmt: skip

_VIETNAMESE_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE
)
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# A DTD is the only way to declare entities: refusing it stops entity expansion ("billion laughs")
# and external entities (XXE). The markers are searched in every encoding an XML parser accepts
# without a declaration, so a UTF-16 file cannot slip one past.
_DTD_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def refuse_doctype(data: bytes) -> None:
    """Raise DraftImportError when the XML bytes declare a DOCTYPE or an entity."""
    if any(marker in data for marker in _DTD_MARKERS):
        raise _doctype_refused()


def _doctype_refused() -> DraftImportError:
    return DraftImportError(
        _(
            "The file declares a DOCTYPE or XML entities, which are refused for security "
            "reasons. Export the document again without them."
        )
    )


def parse_xml_safely(data: bytes) -> etree._Element:
    """Parse untrusted XML: no DTD, no entity expansion, no network, no huge trees."""
    refuse_doctype(data)
    # A parser per call: lxml parsers must not be shared between the threads of a web server.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise DraftImportError(
            _("The XML is malformed at line %(line)s: %(reason)s")
            % {"line": error.lineno, "reason": error.msg}
        ) from error
    # Defence in depth, should an encoding ever hide a DOCTYPE from the byte scan above.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _doctype_refused()
    return root


# ---------------------------------------------------------------------------------------------
# Export


def akn_export(document: ParsedDocument) -> bytes:
    """The document as an Akoma Ntoso 3.0 <bill> (these are drafts), UTF-8, pretty-printed."""
    root = etree.Element(_q("akomaNtoso"), nsmap={None: AKN_NS})
    bill = _sub(root, "bill", name=_slug(document.document_type) or "bill")
    _add_meta(bill, document, component="main")
    _add_preface(bill, document)
    _add_preamble(bill, document)
    body = _sub(bill, "body")
    attached: dict[str, list[ParsedProvision]] = {}
    for prefix, provisions in group_by_attachment(document.provisions):
        if prefix:
            attached.setdefault(prefix, []).extend(provisions)
            continue
        for provision in provisions:
            _add_provision(body, provision)
    if document.closing:
        _add_paragraphs(_sub(bill, "conclusions"), _lines(document.closing))
    if document.annexes or attached:
        _add_attachments(bill, document, attached)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _q(tag: str) -> str:
    return f"{{{AKN_NS}}}{tag}"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), attributes)
    if text:
        # A multi-line value (an issuer on two lines) keeps its breaks as AKN <eol/> markers.
        first, *rest = text.split("\n")
        element.text = first
        for line in rest:
            etree.SubElement(element, _q("eol")).tail = line
    return element


def _lines(text: str) -> list[str]:
    """Split a stored text back into its paragraphs ("" has none)."""
    return text.split("\n") if text else []


def _add_paragraphs(parent: etree._Element, lines: Iterable[str]) -> None:
    for line in lines:
        _sub(parent, "p", line)


def _slug(text: str) -> str:
    """ASCII slug for FRBR URIs: "48/2013/NĐ-CP" -> "48-2013-nd-cp"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _find_date(text: str) -> tuple[re.Match[str], date] | None:
    """The "ngày 29 tháng 6 năm 2006" in a place-and-date line, when it is a real date."""
    match = _VIETNAMESE_DATE.search(text)
    if match is None:
        return None
    day, month, year = (int(group) for group in match.groups())
    try:
        return match, date(year, month, day)
    except ValueError:
        return None


def _document_date(document: ParsedDocument) -> tuple[date, str]:
    """The date printed under the motto, or today's (Vietnam) date when the draft has none yet."""
    found = _find_date(document.place_and_date)
    if found:
        return found[1], "document"
    return datetime.now(tz=_VIETNAM).date(), "export"


def _add_meta(parent: etree._Element, document: ParsedDocument, *, component: str) -> None:
    """Minimal FRBR identification: the AKN schema requires it of every document."""
    when, event = _document_date(document)
    work = f"/akn/vn/bill/{when.isoformat()}/{_slug(document.number) or 'draft'}"
    expression = f"{work}/vie@{when.isoformat()}"
    meta = _sub(parent, "meta")
    identification = _sub(meta, "identification", source="#consult")
    # (level, FRBRthis, FRBRuri, author) after the AKN naming convention.
    levels = (
        ("FRBRWork", f"{work}/!{component}", work, "#issuer"),
        ("FRBRExpression", f"{expression}/!{component}", expression, "#issuer"),
        ("FRBRManifestation", f"{expression}/!{component}.xml", f"{expression}.akn", "#consult"),
    )
    for level, this, uri, author in levels:
        frbr = _sub(identification, level)
        _sub(frbr, "FRBRthis", value=this)
        _sub(frbr, "FRBRuri", value=uri)
        _sub(frbr, "FRBRdate", date=when.isoformat(), name=event)
        _sub(frbr, "FRBRauthor", href=author)
        if level == "FRBRWork":
            _sub(frbr, "FRBRcountry", value="vn")
        elif level == "FRBRExpression":
            _sub(frbr, "FRBRlanguage", language="vie")
    if component == "main":
        # eIds are unique across the whole file, annexes included, so only the main meta has these.
        references = _sub(meta, "references", source="#consult")
        issuer = document.issuer or "unknown"
        _sub(
            references,
            "TLCOrganization",
            eId="issuer",
            href=f"/ontology/organization/vn/{_slug(issuer) or 'unknown'}",
            showAs=issuer,
        )
        _sub(
            references,
            "TLCOrganization",
            eId="consult",
            href="/ontology/organization/vn/consult",
            showAs="Consult",
        )


def _add_preface(bill: etree._Element, document: ParsedDocument) -> None:
    """Header fields in reading order, each in a <p class> holding its AKN inline element."""
    fields = (
        ("issuer", "docAuthority", document.issuer),
        ("number", "docNumber", document.number),
        ("draftLabel", "docStatus", document.draft_label),
        ("docType", "docType", document.document_type),
        ("title", "docTitle", document.title),
    )
    if not (any(value for _class, _tag, value in fields) or document.place_and_date):
        return
    preface = _sub(bill, "preface")
    for css_class, tag, value in fields[:2]:
        if value:
            _sub(_sub(preface, "p", **{"class": css_class}), tag, value)
    if document.place_and_date:
        _add_place_and_date(preface, document.place_and_date)
    for css_class, tag, value in fields[2:]:
        if value:
            _sub(_sub(preface, "p", **{"class": css_class}), tag, value)


def _add_place_and_date(preface: etree._Element, place_and_date: str) -> None:
    """Hà Nội, <docDate date="2006-06-29">ngày 29 tháng 6 năm 2006</docDate>: text verbatim."""
    paragraph = _sub(preface, "p", **{"class": "placeAndDate"})
    found = _find_date(place_and_date)
    if found is None:
        paragraph.text = place_and_date
        return
    match, when = found
    paragraph.text = place_and_date[: match.start()]
    doc_date = _sub(paragraph, "docDate", match.group(0), date=when.isoformat())
    doc_date.tail = place_and_date[match.end() :]


def _add_preamble(bill: etree._Element, document: ParsedDocument) -> None:
    if not (document.legal_bases or document.preamble):
        return
    preamble = _sub(bill, "preamble")
    if document.legal_bases:
        citations = _sub(preamble, "citations")
        for basis in document.legal_bases:
            _add_paragraphs(_sub(citations, "citation"), _lines(basis) or [""])
    _add_paragraphs(preamble, _lines(document.preamble))


def _add_provision(parent: etree._Element, provision: ParsedProvision) -> None:
    element = _sub(parent, ELEMENT_FOR_KIND[provision.kind])
    if provision.eid:
        element.set("eId", provision.eid)
    if provision.num:
        _sub(element, "num", _NUM_LABEL[provision.kind].format(num=provision.num))
    if provision.heading:
        _sub(element, "heading", provision.heading)
    lines = _lines(provision.text)
    if provision.children:
        # The schema puts a parent's own text before its children in <intro>.
        if lines:
            _add_paragraphs(_sub(element, "intro"), lines)
        for child in provision.children:
            _add_provision(element, child)
    else:
        # A leaf must have <content>, even an empty one.
        _add_paragraphs(_sub(element, "content"), lines or [""])


def _add_attachments(
    bill: etree._Element, document: ParsedDocument, attached: dict[str, list[ParsedProvision]]
) -> None:
    """Each attached regulation as a <doc name="regulation"> whose preface holds its heading and
    note and whose mainBody its provisions; then each phụ lục as an attached <doc name="annex">,
    its text kept as paragraphs."""
    attachments = _sub(bill, "attachments")
    regulations = {item["eid_prefix"]: item for item in document.attachments}
    for prefix in dict.fromkeys([*regulations, *attached]):
        doc = _sub(_sub(attachments, "attachment", eId=prefix), "doc", name="regulation")
        _add_meta(doc, document, component=prefix)
        regulation = regulations.get(prefix, {})
        preface = _sub(doc, "preface")
        _sub(preface, "p", regulation.get("heading", ""), **{"class": "heading"})
        if regulation.get("note"):
            _sub(preface, "p", regulation["note"], **{"class": "note"})
        main_body = _sub(doc, "mainBody")
        for provision in attached.get(prefix, []):
            _add_provision(main_body, provision)
    numbers = len(dict.fromkeys([*regulations, *attached]))
    for index, annex in enumerate(document.annexes, start=numbers + 1):
        doc = _sub(_sub(attachments, "attachment", eId=f"att_{index}"), "doc", name="annex")
        _add_meta(doc, document, component=f"annex_{index}")
        _add_paragraphs(_sub(doc, "mainBody"), _lines(annex) or [""])


# ---------------------------------------------------------------------------------------------
# Import


def parse_akn(data: bytes) -> ParsedDocument:
    """Read an Akoma Ntoso 3.0 <act> or <bill> back into a ParsedDocument."""
    root = parse_xml_safely(data)
    namespace, local = _split_tag(root.tag)
    if local != "akomaNtoso":
        raise DraftImportError(
            _("This XML file is not an Akoma Ntoso document (its root element is <%(root)s>).")
            % {"root": local}
        )
    act = next((child for child in root if _split_tag(child.tag)[1] in ("act", "bill")), None)
    if act is None:
        raise DraftImportError(
            _(
                "This Akoma Ntoso file contains no <act> or <bill>; only legal texts can be "
                "imported."
            )
        )
    reader = _Reader(namespace)
    document = ParsedDocument()
    reader.read_preface(act.find(reader.q("preface")), document)
    reader.read_preamble(act.find(reader.q("preamble")), document)
    body = act.find(reader.q("body"))
    if body is not None:
        document.provisions = reader.read_provisions(body, parent_eid="")
    document.closing = "\n".join(reader.block_lines(act.find(reader.q("conclusions"))))
    attachments = act.find(reader.q("attachments"))
    document.annexes = reader.read_annexes(attachments)
    reader.read_regulations(attachments, document)
    document.warnings = reader.warnings
    return document


def _split_tag(tag: object) -> tuple[str, str]:
    """("namespace", "local") of an element tag; comments and PIs have no string tag."""
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        namespace, _brace, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _clean(text: str) -> str:
    # Whitespace in XML text is layout, not content: pretty-printers indent inside elements.
    lines = (_XML_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return unicodedata.normalize("NFC", "\n".join(lines))


def _raw_text(element: etree._Element) -> str:
    """The element's text with <eol/> markers as line breaks and XML newlines as spaces."""
    pieces = [_XML_SPACE.sub(" ", element.text or "")]
    for child in element:
        if _split_tag(child.tag)[1] == "eol":
            pieces.append("\n")
        elif isinstance(child.tag, str):
            pieces.append(_raw_text(child))
        pieces.append(_XML_SPACE.sub(" ", child.tail or ""))
    return "".join(pieces)


def _text_of(element: etree._Element | None) -> str:
    return "" if element is None else _clean(_raw_text(element))


def _parse_num(label: str) -> str:
    """ "Điều 5a." -> "5a", "Chương II" -> "II", "a)" or "(a)" -> "a"."""
    return _NUM_WORD.sub("", label).rstrip(".):").lstrip("(").strip()


def _fallback_eid(kind: Kind, num: str, parent_eid: str) -> str:
    """The eId our parser would give, for files that lack one (DESIGN.md: articles stand alone)."""
    own = f"{EID_PREFIX[kind]}_{num}"
    if parent_eid.endswith("__"):  # the top of an attached regulation: "att_1__"
        return f"{parent_eid}{own}"
    if kind in (Kind.PART, Kind.CHAPTER, Kind.ARTICLE) or not parent_eid:
        attachment = parent_eid.partition("__")[0] if parent_eid.startswith("att_") else ""
        return f"{attachment}__{own}" if attachment else own
    return f"{parent_eid}__{own}"


class _Reader:
    """Walks an AKN tree in whatever namespace the file's root uses."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.warnings: list[str] = []

    def q(self, tag: str) -> str:
        return f"{{{self.namespace}}}{tag}" if self.namespace else tag

    def local(self, element: etree._Element) -> str:
        namespace, local = _split_tag(element.tag)
        return local if namespace == self.namespace else ""

    def block_lines(self, container: etree._Element | None) -> list[str]:
        """One line per <p> (or other block) under a container, in document order."""
        if container is None:
            return []
        return [line for child in container for line in self._block(child)]

    def _block(self, element: etree._Element) -> list[str]:
        name = self.local(element)
        if name == "p":
            return [_text_of(element)]
        if name in ("", "num", "heading", "subheading", "meta"):
            return []
        if any(self.local(inner) == "p" for inner in element.iterdescendants()):
            return self.block_lines(element)
        return [_text_of(element)]

    def read_preface(self, preface: etree._Element | None, document: ParsedDocument) -> None:
        if preface is None:
            return
        found = {self.local(element): _text_of(element) for element in preface.iter()}
        document.issuer = found.get("docAuthority") or found.get("docProponent", "")
        document.number = found.get("docNumber", "")
        document.draft_label = found.get("docStatus") or found.get("docStage", "")
        document.document_type = found.get("docType", "")
        document.title = found.get("docTitle", "")
        document.place_and_date = self._place_and_date(preface)

    def _place_and_date(self, preface: etree._Element) -> str:
        for paragraph in preface.iter(self.q("p")):
            if paragraph.get("class") == "placeAndDate":
                return _text_of(paragraph)
        # Other producers: the paragraph that holds <docDate>, with its place.
        doc_date = next(preface.iter(self.q("docDate")), None)
        return _text_of(doc_date.getparent()) if doc_date is not None else ""

    def read_preamble(self, preamble: etree._Element | None, document: ParsedDocument) -> None:
        if preamble is None:
            return
        lines: list[str] = []
        for child in preamble:
            if self.local(child) == "citations":
                document.legal_bases.extend(
                    "\n".join(self.block_lines(citation))
                    for citation in child.iterchildren(self.q("citation"))
                )
            else:
                lines.extend(self._block(child))
        document.preamble = "\n".join(lines)

    def read_provisions(self, parent: etree._Element, *, parent_eid: str) -> list[ParsedProvision]:
        provisions: list[ParsedProvision] = []
        for child in parent:
            name = self.local(child)
            if name in KIND_FOR_ELEMENT:
                provisions.append(self._provision(child, KIND_FOR_ELEMENT[name], parent_eid))
            elif name in _OTHER_HIERARCHY:
                self.warnings.append(
                    _(
                        "The Akoma Ntoso element <%(element)s> has no Vietnamese equivalent and "
                        "was left out; the provisions inside it were kept."
                    )
                    % {"element": name}
                )
                provisions.extend(self.read_provisions(child, parent_eid=parent_eid))
        return provisions

    def _provision(self, element: etree._Element, kind: Kind, parent_eid: str) -> ParsedProvision:
        num = _parse_num(_text_of(element.find(self.q("num"))))
        eid = element.get("eId") or element.get("id") or _fallback_eid(kind, num, parent_eid)
        lines: list[str] = []
        for part in ("intro", "content", "wrapUp"):
            lines.extend(self.block_lines(element.find(self.q(part))))
        return ParsedProvision(
            kind=kind,
            num=num,
            eid=eid,
            heading=_text_of(element.find(self.q("heading"))),
            text="\n".join(lines),
            children=self.read_provisions(element, parent_eid=eid),
        )

    def _regulation(self, attachment: etree._Element) -> etree._Element | None:
        """The <doc name="regulation"> of an attachment, or None for an annex."""
        doc = attachment.find(self.q("doc"))
        return doc if doc is not None and doc.get("name") == "regulation" else None

    def read_annexes(self, attachments: etree._Element | None) -> list[str]:
        if attachments is None:
            return []
        return [
            "\n".join(self._annex_lines(attachment))
            for attachment in attachments.iterchildren(self.q("attachment"))
            if self._regulation(attachment) is None
        ]

    def read_regulations(
        self, attachments: etree._Element | None, document: ParsedDocument
    ) -> None:
        """Attached regulations: their heading and note, their provisions after the document's."""
        if attachments is None:
            return
        for attachment in attachments.iterchildren(self.q("attachment")):
            doc = self._regulation(attachment)
            if doc is None:
                continue
            prefix = attachment.get("eId") or f"att_{len(document.attachments) + 1}"
            found = {"heading": "", "note": ""}
            preface = doc.find(self.q("preface"))
            for paragraph in () if preface is None else preface.iterchildren(self.q("p")):
                if paragraph.get("class") in found:
                    found[paragraph.get("class", "")] = _text_of(paragraph)
            document.attachments.append({"eid_prefix": prefix, **found})
            main_body = doc.find(self.q("mainBody"))
            if main_body is not None:
                document.provisions.extend(
                    self.read_provisions(main_body, parent_eid=f"{prefix}__")
                )

    def _annex_lines(self, attachment: etree._Element) -> list[str]:
        body = next(attachment.iter(self.q("mainBody"), self.q("body")), None)
        return self.block_lines(body)
