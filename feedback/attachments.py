"""Comment attachments: PDF, Word and images only, recognised by their content, not their name."""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from drafts.importers.docx_safety import open_package
from drafts.importers.structure import DraftImportError

from .errors import FeedbackRefused

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_IMAGES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
ACCEPT = ".pdf,.docx,.png,.jpg,.jpeg,.webp"


class AttachmentRefused(FeedbackRefused):
    pass


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def attachment_limits() -> tuple[int, int]:
    """(largest file in bytes, most files per comment)."""
    return settings.FEEDBACK_ATTACHMENT_MAX_BYTES, settings.FEEDBACK_ATTACHMENT_MAX_COUNT


def attachments_check_count(uploads: list[UploadedFile]) -> None:
    _max_bytes, max_count = attachment_limits()
    if len(uploads) > max_count:
        raise AttachmentRefused(
            _("Attach at most %(count)s files to one comment.") % {"count": max_count}
        )


def attachment_check(upload: UploadedFile) -> tuple[UploadedFile, str]:
    """The upload and its real content type, or AttachmentRefused with a message for the user."""
    max_bytes, _count = attachment_limits()
    name = upload.name or ""
    if (upload.size or 0) > max_bytes:
        raise AttachmentRefused(
            _("“%(name)s” is larger than %(size)s.") % {"name": name, "size": _size_text(max_bytes)}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    content_type = _sniff(data)
    if content_type is None:
        raise AttachmentRefused(
            _("“%(name)s” is not a PDF, Word (.docx) or image (PNG, JPEG, WebP) file.")
            % {"name": name}
        )
    return upload, content_type


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        # A complete PDF ends with %%EOF (possibly followed by whitespace or a newline).
        return "application/pdf" if b"%%EOF" in data[-1024:] else None
    if data.startswith(b"PK\x03\x04"):
        try:
            open_package(data)  # the zip-bomb and XML checks the draft importer uses
        except DraftImportError:
            return None
        return DOCX
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return _IMAGES.get(image_format or "")
