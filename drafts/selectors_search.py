"""Portal search: Wagtail's search over live pages and drafts, with the draft list's filters."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from elasticsearch import ApiError
from elasticsearch import TransportError as ElasticsearchTransportError
from wagtail.models import Page
from wagtail.query import PageQuerySet
from wagtail.search.query import And, Not, Phrase, PlainText, SearchQuery

from search.query import ParsedText, parse_text

from .models import DraftPage
from .selectors import status_filter

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


class PortalSearchUnavailable(RuntimeError):
    """Wagtail's search backend (Elasticsearch, when configured) did not answer."""


@dataclass(frozen=True)
class PortalHit:
    page: Page  # the specific page (a DraftPage, a NewsPage...)
    draft: DraftPage | None  # the same page when it is a draft, for its type, body and status


@dataclass(frozen=True)
class PortalSearch:
    page: PaginatorPage | None  # None when nothing was asked (no text, no filter)
    hits: list[PortalHit]


def drafts_matching(
    *, status: str = "", document_type: str = "", drafting_body: str = ""
) -> QuerySet[DraftPage]:
    """Live, public drafts with the draft list's filters (codes and slugs, as in its URLs)."""
    drafts = DraftPage.objects.live().public()
    if status:
        drafts = drafts.filter(status_filter(status))
    if document_type:
        drafts = drafts.filter(document_type__code=document_type)
    if drafting_body:
        drafts = drafts.filter(drafting_body__slug=drafting_body)
    return drafts


def _hits(pages: Sequence[Page]) -> list[PortalHit]:
    """The pages of one result page as their specific types, in the same order: one query per
    page type, not one per result."""
    by_pk = {
        page.pk: page for page in Page.objects.filter(pk__in=[page.pk for page in pages]).specific()
    }
    drafts = {
        draft.pk: draft
        for draft in DraftPage.objects.filter(pk__in=list(by_pk)).select_related(
            "document_type", "drafting_body"
        )
    }
    return [
        PortalHit(page=drafts.get(page.pk) or by_pk[page.pk], draft=drafts.get(page.pk))
        for page in pages
        if page.pk in by_pk
    ]


def wagtail_query(parsed: ParsedText) -> SearchQuery | None:
    """The parsed text as Wagtail query objects, never as a raw string: the database backend
    passes raw strings to SQLite FTS5, whose own syntax ('"', '*', NEAR) would raise."""
    words = [*parsed.terms, *parsed.prefixes]  # Wagtail has no prefix search: the stem is a word
    parts: list[SearchQuery] = [PlainText(" ".join(words), operator="and")] if words else []
    parts.extend(Phrase(phrase) for phrase in parsed.phrases)
    if not parts:
        return None
    if parsed.excluded:
        parts.append(Not(PlainText(" ".join(parsed.excluded), operator="or")))
    return parts[0] if len(parts) == 1 else And(parts)


def portal_search(
    *, text: str, draft_filters: dict[str, str], page_number: str | int = 1
) -> PortalSearch:
    """One page of live public pages matching `text`, best first.

    A draft filter (status, document type, drafting body) restricts the search to drafts; with
    filters and no text, the matching drafts are listed newest consultation first, as on the
    draft list. Raises QueryError (with a message for the user) for text no engine should run,
    PortalSearchUnavailable when the search backend does not answer.
    """
    query = wagtail_query(parse_text(text))
    if query is None and not draft_filters:
        return PortalSearch(page=None, hits=[])
    pages: PageQuerySet = Page.objects.live().public()
    if draft_filters:
        draft_ids = list(drafts_matching(**draft_filters).values_list("pk", flat=True))
        # By primary key: the status is derived from dates, which are not indexed for search,
        # and a list of ids filters the same way on the database and Elasticsearch backends.
        pages = DraftPage.objects.live().public().filter(pk__in=draft_ids)
        if query is None:
            pages = pages.order_by("-opens_at", "-pk")
    found = pages.search(query) if query is not None else pages
    paginator = Paginator(found, PAGE_SIZE)
    try:
        page = paginator.get_page(page_number)
        hits = _hits(list(page.object_list))
    except (ElasticsearchTransportError, ApiError) as exc:
        logger.warning("Portal search backend unavailable: %s", exc)
        raise PortalSearchUnavailable from exc
    return PortalSearch(page=page, hits=hits)
