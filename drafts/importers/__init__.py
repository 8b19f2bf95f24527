"""Turn an uploaded draft (.docx, .txt or Akoma Ntoso .xml) into a ParsedDocument, safely."""

import codecs
import re
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

from .structure import DraftImportError, Kind, ParsedDocument, ParsedProvision

__all__ = [
    "MAX_UPLOAD_BYTES",
    "DraftImportError",
    "Kind",
    "ParsedDocument",
    "ParsedProvision",
    "parse_file",
    "parse_upload",
]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

SUPPORTED_EXTENSIONS = (".docx", ".txt", ".xml")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF_MAGIC = b"%PDF-"
# Control characters never found in a real text file; NUL alone betrays UTF-16 without a BOM.
_BINARY_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def parse_upload(filename: str, data: bytes) -> ParsedDocument:
    """Parse an uploaded file, choosing the reader by its content and checking its name agrees.

    Raises DraftImportError, whose message is meant for the person who uploaded the file.
    """
    _check_size(len(data))
    extension = Path(filename).suffix.lower()
    if data.startswith(_OLE2_MAGIC):
        # An old .doc or an encrypted .docx: the Word reader says which, whatever the name says.
        return _require_provisions(_parse_docx(data))
    if data.startswith(_PDF_MAGIC) or extension not in SUPPORTED_EXTENSIONS:
        raise _unsupported_error()
    if extension == ".docx":
        if not data.startswith(_ZIP_MAGIC):
            raise DraftImportError(_("The file is named .docx but is not a Word document."))
        return _require_provisions(_parse_docx(data))
    if data.startswith(_ZIP_MAGIC):
        raise DraftImportError(
            _("The file is a Word document or a zip archive; its name should end in .docx.")
        )
    if extension == ".xml":
        if not _looks_like_xml(data):
            raise DraftImportError(_("The file is named .xml but is not an XML file."))
        from .akn import parse_akn

        return _require_provisions(parse_akn(data))
    from .text import parse_text

    return _require_provisions(parse_text(_decode_text(data)))


def parse_file(path: Path) -> ParsedDocument:
    """parse_upload for a file on disk; its size is checked before a byte is read."""
    try:
        _check_size(path.stat().st_size)
        with path.open("rb") as handle:
            # Bounded read: the file may have grown since stat().
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as error:
        raise DraftImportError(
            _("The file %(name)s cannot be read: %(reason)s")
            % {"name": path.name, "reason": error.strerror or error}
        ) from error
    return parse_upload(path.name, data)


def _check_size(size: int) -> None:
    if size == 0:
        raise DraftImportError(_("The file is empty."))
    if size > MAX_UPLOAD_BYTES:
        raise DraftImportError(
            _("The file is larger than %(limit)s MB. Upload the text of the draft only.")
            % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )


def _unsupported_error() -> DraftImportError:
    return DraftImportError(
        _(
            "This file type cannot be imported. Upload only .docx, .txt or Akoma Ntoso .xml "
            "files (save a PDF or .doc as .docx first)."
        )
    )


def _parse_docx(data: bytes) -> ParsedDocument:
    from .docx import read_docx

    lines = read_docx(data)  # the file's safety is checked before the parser is even loaded
    from .text import parse_lines

    return parse_lines(lines)


def _looks_like_xml(data: bytes) -> bool:
    """After an optional byte-order mark and whitespace, XML starts with "<"."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            head = data[len(bom) : len(bom) + 512]
            return head.decode(codec, errors="ignore").lstrip().startswith("<")
    return data.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<")


def _decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16 text, NFC-normalised."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    codec = "utf-16" if utf16 else "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise DraftImportError(
            _(
                "The file is not a text file in UTF-8. If it is a text file in an old Vietnamese "
                "encoding (TCVN3, VNI), save it again as UTF-8, or upload the .docx."
            )
        ) from error
    if _BINARY_CHARACTERS.search(text):
        raise DraftImportError(_("The file is not a text file."))
    return unicodedata.normalize("NFC", text)


def _require_provisions(document: ParsedDocument) -> ParsedDocument:
    if not document.provisions:
        raise DraftImportError(
            _(
                "No articles (Điều) were found in the file. Check that it is the draft's text and "
                'that each article starts with "Điều" and its number.'
            )
        )
    return document
