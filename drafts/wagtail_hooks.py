"""Wagtail admin registration for drafts: snippets, the import views, drafters' own drafts only."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import DocumentType, DraftingBody, DraftPage, PolicyArea
from .selectors import drafting_bodies_for


class DraftingBodyViewSet(SnippetViewSet):
    model = DraftingBody
    icon = "group"
    menu_label = _("Drafting bodies")
    list_display = ["name", "short_name", "email"]
    search_fields = ["name", "short_name"]
    add_to_admin_menu = True


class DocumentTypeViewSet(SnippetViewSet):
    model = DocumentType
    icon = "doc-full"
    menu_label = _("Document types")
    list_display = ["name", "code", "min_consultation_days"]


class PolicyAreaViewSet(SnippetViewSet):
    model = PolicyArea
    icon = "tag"
    menu_label = _("Policy areas")


register_snippet(DraftingBodyViewSet)
register_snippet(DocumentTypeViewSet)
register_snippet(PolicyAreaViewSet)


@hooks.register("register_admin_urls")
def register_import_urls() -> list:
    return [
        path("drafts/import/", admin_views.import_draft, name="drafts_import"),
        path("drafts/import/<uuid:pk>/", admin_views.import_preview, name="drafts_import_preview"),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item() -> MenuItem:
    return MenuItem(_("Import a draft"), reverse("drafts_import"), icon_name="upload", order=250)


@hooks.register("construct_explorer_page_queryset")
def only_own_drafts_in_explorer(
    parent_page: Page, pages: QuerySet[Page], request: HttpRequest
) -> QuerySet[Page]:
    """Drafters see the drafts of their own drafting body only."""
    bodies = drafting_bodies_for(user=request.user)
    other_drafts = DraftPage.objects.exclude(drafting_body__in=bodies).values("pk")
    return pages.exclude(pk__in=other_drafts)


def _refuse_other_bodies(request: HttpRequest, page: Page) -> HttpResponse | None:
    specific = page.specific
    if isinstance(specific, DraftPage) and specific.drafting_body not in drafting_bodies_for(
        user=request.user
    ):
        return HttpResponseForbidden(_("This draft belongs to another drafting body."))
    return None


@hooks.register("before_edit_page")
def refuse_editing_other_bodies_drafts(request: HttpRequest, page: Page) -> HttpResponse | None:
    return _refuse_other_bodies(request, page)


@hooks.register("before_delete_page")
def refuse_deleting_other_bodies_drafts(request: HttpRequest, page: Page) -> HttpResponse | None:
    return _refuse_other_bodies(request, page)
