"""Safe opening of a .docx: format, zip-bomb and DTD checks before python-docx reads a byte."""

import io
import zipfile
import zlib

import docx
from django.utils.translation import gettext as _
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from .akn import parse_xml_safely, refuse_doctype
from .structure import DraftImportError

# Zip-bomb limits, checked on the zip directory before a single byte is inflated.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_MEMBERS = 1000
# Below this size a member cannot hurt whatever its ratio, and short runs of repetitive XML
# legitimately compress beyond 100x: the ratio test applies from here up.
RATIO_CHECK_FROM_BYTES = 64 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def open_package(data: bytes) -> WordDocument:
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
        raise damaged_error() from error


def _check_package(data: bytes) -> None:
    """Format, zip directory and XML checks, all before python-docx touches the bytes."""
    if data.startswith(OLE2_MAGIC):
        raise _ole2_error(data)
    if not data.startswith(ZIP_MAGIC):
        raise DraftImportError(_("The file is not a Word .docx document."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise damaged_error() from error
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
            raise damaged_error() from error


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


def damaged_error() -> DraftImportError:
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
            raise damaged_error()
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
        raise damaged_error() from error
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
