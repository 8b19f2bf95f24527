"""Reads for feedback search: whom a search may show what, the query a search URL asks for, and
its results ready to show (drafts, labels, highlights)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe

from drafts.models import DraftPage
from search.engines import get_search_engine
from search.query import FacetValue, Hit, Query, Results, Sort, Term

from .access import AnyUser, drafter_body_ids, is_moderator
from .choices import DispositionKind, FeedbackStatus, Province, RespondentType, Stance
from .documents import FEEDBACK_INDEX, NONE

Audience = Literal["public", "staff"]
Scope = tuple[Mapping[str, tuple[str, ...]], ...]

PAGE_SIZE = 20
FACET_SIZE = 50
THEMES_SIZE = 12
# Counted for every search; which are shown depends on the page (the version needs a draft).
FACET_FIELDS = (
    "draft",
    "version",
    "provision",
    "stance",
    "respondent_type",
    "province",
    "status",
    "has_attachment",
    "duplicate_group",
)


@dataclass(frozen=True)
class FeedbackSearchParams:
    """A validated search, keyed by filter name (see feedback.search_forms)."""

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = ""
    page: int = 1


def sees_everything(viewer: AnyUser) -> bool:
    """Moderators, and superusers (every body's drafters in feedback.access), see every status
    of every draft."""
    return is_moderator(viewer) or bool(viewer.is_authenticated and viewer.is_superuser)


def feedback_search_scope(*, viewer: AnyUser) -> Scope:
    """feedback.access.can_view as index filters, for Query.scope.

    A comment is found when it is published, or on a draft of a body the viewer drafts for
    (can_see_all_statuses), or the viewer's own; moderators and superusers find every comment.
    """
    if sees_everything(viewer):
        return ()
    alternatives: list[Mapping[str, tuple[str, ...]]] = [{"status": (FeedbackStatus.PUBLISHED,)}]
    bodies = drafter_body_ids(viewer)
    if bodies:
        alternatives.append({"drafting_body": tuple(str(pk) for pk in sorted(bodies))})
    if viewer.is_authenticated:
        alternatives.append({"author": (str(viewer.pk),)})
    return tuple(alternatives)


def searchable_drafts(*, viewer: AnyUser, audience: Audience) -> QuerySet[DraftPage]:
    """The drafts a search can be narrowed to: live public drafts for the public pages; for the
    admin, the drafts of the viewer's bodies (every draft for moderators and superusers)."""
    drafts = DraftPage.objects.order_by("-opens_at", "-pk")
    if audience == "public":
        return drafts.live().public()
    if sees_everything(viewer):
        return drafts
    return drafts.filter(drafting_body_id__in=drafter_body_ids(viewer))


def disposition_field(audience: Audience) -> str:
    """The index field a page filters and shows answers by."""
    # An answer is public once published: until then the public (and the public pages) see none.
    return "disposition" if audience == "staff" else "public_disposition"


def feedback_search_query(
    *, params: FeedbackSearchParams, viewer: AnyUser, audience: Audience
) -> Query:
    """The engine query for a search by this viewer, on the public pages or in the admin.

    The admin lists only the comments a drafter handles: those on their own bodies' drafts.
    """
    disposition = disposition_field(audience)
    filters = {
        (disposition if name == "disposition" else name): values
        for name, values in params.filters.items()
    }
    if audience == "staff" and not sees_everything(viewer):
        filters["drafting_body"] = tuple(str(pk) for pk in sorted(drafter_body_ids(viewer)))
    # Without words to rank by, "relevance" is the newest first anyway (search.query).
    sort = cast(Sort, params.sort or ("relevance" if params.text.strip() else "newest"))
    return Query(
        index=FEEDBACK_INDEX,
        text=params.text,
        filters=filters,
        scope=feedback_search_scope(viewer=viewer),
        date_from=params.date_from,
        date_to=params.date_to,
        facets=(*FACET_FIELDS, disposition),
        facet_size=FACET_SIZE,
        sort=sort,
        page=params.page,
        per_page=PAGE_SIZE,
    )


@dataclass(frozen=True)
class FeedbackHit:
    """One comment found, with what the result list shows of it."""

    id: int
    draft: DraftPage
    fields: Mapping[str, Any]
    created: dt.datetime | None
    body: tuple[SafeString, ...]  # highlighted fragments, or the stored excerpt (escaped later)
    quote: tuple[SafeString, ...]
    suggested_text: tuple[SafeString, ...]
    disposition: str  # the answer's kind as the page may show it, or NONE

    def _field(self, name: str) -> str:
        return str(self.fields.get(name) or "")

    @property
    def eid(self) -> str:
        return self._field("eid")

    @property
    def duplicate_group(self) -> str:
        return self._field("duplicate_group") or NONE

    @property
    def stance(self) -> str:
        return self._field("stance")

    @property
    def stance_label(self) -> str:
        return str(dict(Stance.choices).get(self.stance, ""))

    @property
    def respondent_type_label(self) -> str:
        return str(dict(RespondentType.choices).get(self._field("respondent_type"), ""))

    @property
    def province_label(self) -> str:
        return str(dict(Province.choices).get(self._field("province"), ""))

    @property
    def status(self) -> str:
        return self._field("status")

    @property
    def status_label(self) -> str:
        return str(dict(FeedbackStatus.choices).get(self.status, ""))

    @property
    def disposition_label(self) -> str:
        return str(dict(DispositionKind.choices).get(self.disposition, ""))


@dataclass(frozen=True)
class FeedbackSearchResults:
    results: Results
    hits: list[FeedbackHit]
    drafts: Mapping[str, DraftPage]  # by id as a string (the index's value), for the facets

    @property
    def facets(self) -> Mapping[str, tuple[FacetValue, ...]]:
        return self.results.facets


def _created(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) else None


def _marked(hit: Hit, name: str) -> tuple[SafeString, ...]:
    # Hit.highlights are HTML-escaped by the engine, matches wrapped in <mark> (search.query).
    return tuple(mark_safe(fragment) for fragment in hit.highlights.get(name, ()))  # noqa: S308


def feedback_search(*, query: Query, audience: Audience) -> FeedbackSearchResults:
    """Run the query. Raises QueryError (its message is for the user) and EngineUnavailable.

    The public pages show comments of live public drafts only: a hit on a draft since taken
    down is left out (its comments are no longer public).
    """
    results = get_search_engine().search(query)
    ids = {str(hit.fields.get("draft")) for hit in results.hits}
    ids |= {value.value for value in results.facets.get("draft", ())}
    drafts = DraftPage.objects.filter(pk__in=[int(pk) for pk in ids if pk.isdigit()])
    if audience == "public":
        drafts = drafts.live().public()
    by_id = {str(draft.pk): draft for draft in drafts.select_related("drafting_body")}
    disposition = disposition_field(audience)
    hits = [
        FeedbackHit(
            id=int(hit.id),
            draft=by_id[str(hit.fields.get("draft"))],
            fields=hit.fields,
            created=_created(hit.fields.get("created")),
            body=_marked(hit, "body"),
            quote=_marked(hit, "quote"),
            suggested_text=_marked(hit, "suggested_text"),
            disposition=str(hit.fields.get(disposition) or NONE),
        )
        for hit in results.hits
        if str(hit.fields.get("draft")) in by_id
    ]
    return FeedbackSearchResults(results=results, hits=hits, drafts=by_id)


def feedback_themes(*, query: Query, size: int = THEMES_SIZE) -> tuple[Term, ...]:
    """The significant terms of the comments a search finds, ignoring its text and paging:
    what the feedback on a draft (or a provision) is about. Raises EngineUnavailable."""
    themes = Query(
        index=query.index,
        filters=query.filters,
        scope=query.scope,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    return get_search_engine().significant_terms(themes, size=size)
