"""Public views of a draft: read a version, compare two, print, export (selectors do the work)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .diff import Change, compare_versions
from .exports import EXPORT_FORMATS, version_export_cached
from .models import DraftPage, DraftVersion
from .selectors import provision_tree, published_versions, table_of_contents


def _published_version(draft: DraftPage, number: int | None) -> DraftVersion:
    versions = published_versions(draft=draft)
    version = versions.filter(number=number).first() if number else versions.last()
    if version is None:
        raise Http404(_("This version of the draft is not published."))
    return version


def _reading_context(request: HttpRequest, draft: DraftPage, version: DraftVersion) -> dict:
    # Lazy: with the rendered text cached, the tree is never loaded.
    tree = SimpleLazyObject(lambda: provision_tree(version=version))
    return {
        **draft.get_context(request),
        "version": version,
        "versions": list(published_versions(draft=draft)),
        "tree": tree,
        "toc": SimpleLazyObject(lambda: table_of_contents(tree=list(tree))),
        "export_formats": EXPORT_FORMATS,
    }


def draft_read(request: HttpRequest, draft: DraftPage, *, number: int | None) -> HttpResponse:
    version = _published_version(draft, number)
    return TemplateResponse(
        request, "drafts/draft_page.html", _reading_context(request, draft, version)
    )


def draft_print(request: HttpRequest, draft: DraftPage, *, number: int) -> HttpResponse:
    version = _published_version(draft, number)
    return TemplateResponse(
        request, "drafts/draft_print.html", _reading_context(request, draft, version)
    )


def draft_compare(request: HttpRequest, draft: DraftPage) -> HttpResponse:
    versions = list(published_versions(draft=draft))
    if len(versions) < 2:
        raise Http404(_("This draft has only one published version."))
    by_number = {version.number: version for version in versions}
    old = by_number.get(_int(request.GET.get("tu")), versions[-2])
    new = by_number.get(_int(request.GET.get("den")), versions[-1])
    changes = compare_versions(old=old, new=new)
    return TemplateResponse(
        request,
        "drafts/draft_compare.html",
        {
            **draft.get_context(request),
            "versions": versions,
            "old": old,
            "new": new,
            "changes": changes,
            "counts": {kind: sum(c.change == kind for c in changes) for kind in Change},
        },
    )


def draft_export(request: HttpRequest, draft: DraftPage, *, number: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("Unknown export format."))
    version = _published_version(draft, number)
    content, content_type, filename = version_export_cached(
        version=version, fmt=fmt, request=request
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0
