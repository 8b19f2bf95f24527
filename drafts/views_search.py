"""The portal's search page: drafts and pages, with the draft list's filters, all in the URL."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from search.query import QueryError

from .search_forms import PortalSearchForm
from .selectors_search import PortalSearchUnavailable, portal_search


@require_GET
def portal_search_view(request: HttpRequest) -> HttpResponse:
    """GET only: every search is a link. Text no engine should run gets its message (200);
    parameters no form would send get the form's message (400)."""
    form = PortalSearchForm(request.GET or None)
    result, unavailable, status = None, False, 200
    if form.is_bound:
        if form.is_valid():
            try:
                result = portal_search(
                    text=form.cleaned_data["q"],
                    draft_filters=form.draft_filters,
                    page_number=request.GET.get("page", 1),
                )
            except QueryError as error:
                form.add_error("q", error.message)
            except PortalSearchUnavailable:
                unavailable, status = True, 503
        else:
            status = 400
    return TemplateResponse(
        request,
        "drafts/portal_search.html",
        {
            "form": form,
            "result": result,
            "page_obj": result.page if result else None,
            "unavailable": unavailable,
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("tim-kiem/", portal_search_view, name="portal_search"),
]
