"""The parsed shape of a legal text, shared by every importer and exporter.

Nothing here touches the database: `parse_draft` prints it, `import_draft` saves it.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    PART = "part"  # phần
    CHAPTER = "chapter"  # chương
    SECTION = "section"  # mục
    SUBSECTION = "subsection"  # tiểu mục
    ARTICLE = "article"  # điều
    CLAUSE = "clause"  # khoản = numbered clause inside an article
    POINT = "point"  # điểm = lettered point inside a clause


# Akoma Ntoso eId prefixes (DESIGN.md): art_5__para_2__point_a, chp_II__sec_1.
EID_PREFIX = {
    Kind.PART: "part",
    Kind.CHAPTER: "chp",
    Kind.SECTION: "sec",
    Kind.SUBSECTION: "subsec",
    Kind.ARTICLE: "art",
    Kind.CLAUSE: "para",
    Kind.POINT: "point",
}

CONTAINERS = (Kind.PART, Kind.CHAPTER, Kind.SECTION, Kind.SUBSECTION)

# The provisions of a regulation attached to a decision carry its AKN attachment's eId as prefix:
# att_1__chp_I, att_1__art_5__para_2__point_a.
ATTACHMENT_EID = re.compile(r"^(?P<prefix>att_(?P<number>\d+))__")


def attachment_prefix(eid: str) -> str:
    """ "att_1" for "att_1__art_5", "" for a provision of the document itself."""
    found = ATTACHMENT_EID.match(eid)
    return found["prefix"] if found else ""


@dataclass
class ParsedProvision:
    kind: Kind
    num: str  # as printed: "II", "5a", "2", "đ"
    eid: str
    heading: str = ""
    text: str = ""  # the provision's own text, paragraphs joined by "\n"; NFC
    children: list["ParsedProvision"] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "kind": str(self.kind),
            "num": self.num,
            "eid": self.eid,
            "heading": self.heading,
            "text": self.text,
            "children": [child.to_dict() for child in self.children],
        }

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class ParsedDocument:
    document_type: str = ""  # "Luật", "Nghị định", "Nghị quyết", ...
    number: str = ""  # "67/2006/QH11", "…/2026/NQ-HĐND"
    title: str = ""  # trích yếu
    issuer: str = ""  # cơ quan ban hành
    place_and_date: str = ""  # "Hà Nội, ngày 29 tháng 6 năm 2006"
    draft_label: str = ""  # "DỰ THẢO", "Dự thảo lần 2"
    legal_bases: list[str] = field(default_factory=list)  # "Căn cứ ..." lines
    preamble: str = ""  # other text between the title and the first provision
    provisions: list[ParsedProvision] = field(default_factory=list)
    closing: str = ""  # signature block, recipients (Nơi nhận)
    annexes: list[str] = field(default_factory=list)  # Phụ lục: kept as text, not provisions
    warnings: list[str] = field(default_factory=list)
    # Regulations attached to a decision ("QUY ĐỊNH ... (Ban hành kèm theo ...)"): their
    # provisions follow the decision's in `provisions`, eIds prefixed "att_1__"; here each one's
    # {"eid_prefix": "att_1", "heading": "QUY ĐỊNH\nVề ...", "note": "(Ban hành kèm theo ...)"}.
    attachments: list[dict] = field(default_factory=list)

    def walk(self):
        for provision in self.provisions:
            yield from provision.walk()

    def to_dict(self) -> dict:
        return {
            "document_type": self.document_type,
            "number": self.number,
            "title": self.title,
            "issuer": self.issuer,
            "place_and_date": self.place_and_date,
            "draft_label": self.draft_label,
            "legal_bases": self.legal_bases,
            "preamble": self.preamble,
            "provisions": [provision.to_dict() for provision in self.provisions],
            "closing": self.closing,
            "annexes": self.annexes,
            "warnings": self.warnings,
            "attachments": self.attachments,
        }


@dataclass(frozen=True)
class SourceLine:
    """One paragraph of the source, with the formatting hints a .docx gives and a .txt does not."""

    text: str
    bold: bool = False
    heading_level: int | None = None  # Word "Heading N" style
    centered: bool = False
    in_table: bool = False


class DraftImportError(ValueError):
    """The file cannot be imported; the message is for the person who uploaded it."""


def provision_from_dict(data: dict) -> ParsedProvision:
    return ParsedProvision(
        kind=Kind(data["kind"]),
        num=data["num"],
        eid=data["eid"],
        heading=data.get("heading", ""),
        text=data.get("text", ""),
        children=[provision_from_dict(child) for child in data.get("children", [])],
    )


def document_from_dict(data: dict) -> ParsedDocument:
    """The inverse of ParsedDocument.to_dict, for a parse kept while the uploader reviews it."""
    return ParsedDocument(
        document_type=data.get("document_type", ""),
        number=data.get("number", ""),
        title=data.get("title", ""),
        issuer=data.get("issuer", ""),
        place_and_date=data.get("place_and_date", ""),
        draft_label=data.get("draft_label", ""),
        legal_bases=list(data.get("legal_bases", [])),
        preamble=data.get("preamble", ""),
        provisions=[provision_from_dict(item) for item in data.get("provisions", [])],
        closing=data.get("closing", ""),
        annexes=list(data.get("annexes", [])),
        warnings=list(data.get("warnings", [])),
        attachments=[dict(item) for item in data.get("attachments", [])],
    )


def group_by_attachment(
    provisions: list[ParsedProvision],
) -> list[tuple[str, list[ParsedProvision]]]:
    """The top-level provisions in runs by attachment: ("", the document's own), ("att_1", ...)."""
    groups: list[tuple[str, list[ParsedProvision]]] = []
    for provision in provisions:
        prefix = attachment_prefix(provision.eid)
        if not groups or groups[-1][0] != prefix:
            groups.append((prefix, []))
        groups[-1][1].append(provision)
    return groups
