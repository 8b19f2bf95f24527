"""Wagtail admin registration for drafts."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import DraftingBody


class DraftingBodyViewSet(SnippetViewSet):
    model = DraftingBody
    icon = "group"
    menu_label = _("Drafting bodies")
    list_display = ["name", "short_name", "email"]
    search_fields = ["name", "short_name"]
    add_to_admin_menu = True


register_snippet(DraftingBodyViewSet)
