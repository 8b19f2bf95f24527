"""Feedback search pages: the public one here, and what the admin's drafter page shares with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.core.paginator import Page as PaginatorPage
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from drafts.models import DraftPage
from drafts.templatetags.drafts_tags import eid_label
from search.engines.base import EngineUnavailable
from search.query import MAX_WINDOW, FacetValue, QueryError

from ..access import AnyUser, drafter_body_ids
from ..choices import choice_labels
from ..documents import NONE, WHOLE_DRAFT
from ..search_forms import FACETS, SORT_LABELS, FeedbackSearchForm
from ..selectors_search import (
    Audience,
    FeedbackSearchResults,
    disposition_field,
    feedback_search,
    feedback_search_query,
    searchable_drafts,
    sees_everything,
)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    """One filter as a fieldset of tick boxes, each value with the count it would find."""

    name: str
    html_name: str
    legend: str
    options: list[FacetOption]


def sees_unpublished(viewer: AnyUser) -> bool:
    """Moderators and drafters can find comments that are not published: they filter by status."""
    return sees_everything(viewer) or bool(drafter_body_ids(viewer))


def _selected(form: FeedbackSearchForm, name: str) -> list[str]:
    value = form[name].value()
    if value in (None, ""):
        return []
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def _labels(form: FeedbackSearchForm, name: str) -> dict[str, str]:
    if name == "version":
        return {}
    return choice_labels(form.fields[name].choices)  # type: ignore[attr-defined]


def facet_groups(
    form: FeedbackSearchForm, facets: dict[str, tuple[FacetValue, ...]], *, audience: Audience
) -> list[FacetGroup]:
    """The facets the form offers, most frequent value first; a chosen value stays listed even
    when nothing has it any more, so it can be unticked."""
    groups = []
    for name in FACETS:
        if name not in form.fields:
            continue
        if name == "version" and not _selected(form, "draft"):
            continue  # version numbers only mean something within one draft
        field = disposition_field(audience) if name == "disposition" else name
        counts = {item.value: item.count for item in facets.get(field, ())}
        selected = _selected(form, name)
        labels = _labels(form, name)
        values = [value for value in counts if value in labels or name == "version"]
        values += [value for value in selected if value not in counts]
        options = [
            FacetOption(
                value=value,
                label=labels.get(value) or _("Draft %(number)s") % {"number": value},
                count=counts.get(value, 0),
                selected=value in selected,
            )
            for value in values
        ]
        if options:
            groups.append(
                FacetGroup(
                    name=name,
                    html_name=form[name].html_name,
                    legend=str(form.fields[name].label),
                    options=options,
                )
            )
    return groups


def provision_links(found: FeedbackSearchResults, *, limit: int = 12) -> list[FacetOption]:
    """The provisions with the most comments found (an article counts its clauses' comments)."""
    return [
        FacetOption(
            value=item.value,
            label=_("The whole draft") if item.value == WHOLE_DRAFT else eid_label(item.value),
            count=item.count,
            selected=False,
        )
        for item in found.facets.get("provision", ())[:limit]
    ]


def _pagination(found: FeedbackSearchResults) -> tuple[PaginatorPage | None, int]:
    """The page for the page links (over the browsable window), and the number of pages."""
    query = found.results.query
    paginator = Paginator(range(min(found.results.total, MAX_WINDOW)), query.per_page)
    try:
        return paginator.page(query.page), paginator.num_pages
    except EmptyPage:
        return None, paginator.num_pages


def _count_drafts(form: FeedbackSearchForm, found: FeedbackSearchResults) -> None:
    """Each draft in the draft list with the number of comments this search finds on it."""
    counts = {item.value: item.count for item in found.facets.get("draft", ())}

    def label(draft: DraftPage) -> str:
        return _("%(title)s (%(count)s)") % {
            "title": draft.title,
            "count": counts.get(str(draft.pk), 0),
        }

    form.fields["draft"].label_from_instance = label  # type: ignore[attr-defined]


def search_context(
    request: HttpRequest, *, audience: Audience
) -> tuple[dict[str, Any], FeedbackSearchResults | None, int]:
    """Validate the URL's parameters, search, and lay the results out (context, results, status).

    Parameters no form sends (an unknown stance, a draft one may not see) get the form's
    message and a 400; text no engine runs (QueryError) its message and a 200; an engine that
    does not answer, a message and a 503. Never a 500 for what a user typed.
    """
    viewer = request.user
    form = FeedbackSearchForm(
        request.GET,
        drafts=searchable_drafts(viewer=viewer, audience=audience),
        show_status=audience == "staff" or sees_unpublished(viewer),
    )
    context: dict[str, Any] = {
        "form": form,
        "sorts": list(SORT_LABELS.items()),
        "found": None,
        "query_error": "",
        "unavailable": False,
    }
    if not form.is_valid():
        return context, None, 400
    query = feedback_search_query(
        params=form.params(page=request.GET.get("page")), viewer=viewer, audience=audience
    )
    try:
        found = feedback_search(query=query, audience=audience)
    except QueryError as error:
        context["query_error"] = error.message
        return context, None, 200
    except EngineUnavailable:
        context["unavailable"] = True
        return context, None, 503
    page_obj, page_count = _pagination(found)
    draft = form.cleaned_data.get("draft")
    _count_drafts(form, found)
    context.update(
        found=found,
        query=query,
        draft=draft,
        facet_groups=facet_groups(form, dict(found.facets), audience=audience),
        provisions=provision_links(found) if draft else [],
        page_obj=page_obj,
        page_count=page_count,
        elided_pages=(
            list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2))
            if page_obj
            else []
        ),
        current_sort=query.sort,
        none=NONE,
    )
    return context, found, 200


@require_GET
def feedback_search_view(request: HttpRequest) -> HttpResponse:
    """Published comments (and what else the viewer may read) on live drafts, found by words
    and filters; every search is a link."""
    context, _found, status = search_context(request, audience="public")
    return TemplateResponse(request, "feedback/search/search.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("y-kien/tim-kiem/", feedback_search_view, name="search"),
]
