"""Exports of a published version: Akoma Ntoso XML, .docx and PDF."""

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.text import slugify

from .importers.akn import akn_export
from .importers.docx import docx_export
from .models import DraftVersion
from .selectors import provision_tree, version_to_parsed

EXPORT_FORMATS = {
    "xml": "application/akn+xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def version_export(
    *, version: DraftVersion, fmt: str, request: HttpRequest | None = None
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the version in the format."""
    filename = f"{slugify(version.draft.slug)}-du-thao-{version.number}.{fmt}"
    if fmt == "xml":
        return akn_export(version_to_parsed(version=version)), EXPORT_FORMATS[fmt], filename
    if fmt == "docx":
        return docx_export(version_to_parsed(version=version)), EXPORT_FORMATS[fmt], filename
    if fmt == "pdf":
        return _pdf(version, request), EXPORT_FORMATS[fmt], filename
    raise ValueError(f"Unknown export format {fmt!r}")


def version_export_cached(
    *, version: DraftVersion, fmt: str, request: HttpRequest | None = None
) -> tuple[bytes, str, str]:
    """version_export, kept for an hour: a published version's text never changes."""
    key = f"drafts:export:{version.pk}:{fmt}"
    exported = cache.get(key)
    if exported is None:
        exported = version_export(version=version, fmt=fmt, request=request)
        cache.set(key, exported, timeout=3600)
    return exported


def _pdf(version: DraftVersion, request: HttpRequest | None) -> bytes:
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only when a PDF is asked for

    html = render_to_string(
        "pdf/draft_version.html",
        {"version": version, "draft": version.draft, "tree": provision_tree(version=version)},
    )
    base_url = request.build_absolute_uri("/") if request else None
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
