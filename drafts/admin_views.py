"""Wagtail admin views: upload a draft text, review the parsed tree and warnings, then save."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .forms import DraftImportForm, VersionImportForm
from .importers.structure import ParsedDocument, document_from_dict
from .models import DraftImport, DraftIndexPage
from .selectors import drafting_bodies_for
from .services import draft_import_confirm, draft_import_stage


class AdminRequest(HttpRequest):
    """Wagtail admin views only run for signed-in users with admin access."""

    user: User


def import_draft(request: AdminRequest) -> HttpResponse:
    """Step 1: upload. A new draft, or with ?draft=ID the next version of one."""
    new_version = "draft" in request.GET or request.POST.get("kind") == "version"
    form_class = VersionImportForm if new_version else DraftImportForm
    form = form_class(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"draft": request.GET.get("draft")},
    )
    if request.method == "POST" and form.is_valid():
        staged = draft_import_stage(
            user=request.user,
            parsed=form.parsed,
            source_name=form.cleaned_data["source"].name,
            source_data=form.source_data,
            draft=form.cleaned_data.get("draft"),
            options=form.import_options(),
        )
        return redirect("drafts_import_preview", staged.pk)
    return TemplateResponse(
        request,
        "drafts/admin/import_form.html",
        {"form": form, "new_version": new_version, "page_title": _("Import a draft")},
    )


def import_preview(request: AdminRequest, pk: str) -> HttpResponse:
    """Step 2: the parsed tree and the warnings; saving needs an explicit confirmation."""
    staged = get_object_or_404(DraftImport, pk=pk)
    if staged.created_by_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        index = DraftIndexPage.objects.first()
        if index is None:
            messages.error(request, _("Create a draft index page first."))
            return redirect("drafts_import")
        if staged.draft is not None and staged.draft.drafting_body not in drafting_bodies_for(
            user=request.user
        ):
            raise PermissionDenied
        draft = draft_import_confirm(staged=staged, index=index)
        messages.success(
            request, _("The draft was saved. Review it, then submit it for publication.")
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[draft.pk]))
    parsed = document_from_dict(staged.parsed)
    return TemplateResponse(
        request,
        "drafts/admin/import_preview.html",
        {
            "staged": staged,
            "parsed": parsed,
            "counts": _counts(parsed),
            "page_title": _("Review the imported text"),
        },
    )


def _counts(parsed: ParsedDocument) -> dict[str, int]:
    counts: dict[str, int] = {}
    for provision in parsed.walk():
        counts[str(provision.kind)] = counts.get(str(provision.kind), 0) + 1
    return counts
