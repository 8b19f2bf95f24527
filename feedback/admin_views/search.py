"""Feedback search in the admin: drafters find, filter and answer their drafts' comments."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from search.engines.base import EngineUnavailable
from search.query import Term

from ..selectors_search import feedback_themes
from ..views.search import search_context
from .common import AdminRequest, forbidden, is_drafter, is_feedback_staff


def _search_for(request: AdminRequest, text: str) -> str:
    """This search's URL with `text` as its words (a phrase in quotes), from the first page."""
    params = request.GET.copy()
    params["q"] = f'"{text}"' if " " in text else text
    params.pop("page", None)
    return "?" + params.urlencode()


def feedback_search_admin(request: AdminRequest) -> HttpResponse:
    """Every comment the viewer handles (all statuses of their bodies' drafts; everything for
    moderators), with facets, the themes of a draft's feedback, and tick boxes that send the
    chosen comments to the answer form."""
    if not is_feedback_staff(request.user):
        return forbidden(request, _("Only drafters and moderators search the feedback here."))
    context, found, status = search_context(request, audience="staff")
    themes: list[tuple[Term, str]] = []
    if found is not None and context.get("draft") is not None:
        try:
            terms = feedback_themes(query=context["query"])
        except EngineUnavailable:
            terms = ()  # the results came back: the page is still useful without themes
        themes = [(term, _search_for(request, term.text)) for term in terms]
    context.update(
        page_title=_("Search feedback"),
        header_icon="search",
        themes=themes,
        can_answer=is_drafter(request.user),
    )
    return TemplateResponse(request, "feedback/search/admin_search.html", context, status=status)
