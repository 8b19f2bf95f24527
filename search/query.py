"""What a search asks for and what it gets back: the one interface every engine answers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .text import fold, nfc

Sort = Literal["relevance", "newest", "supported"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "supported")

# Bounds that keep every query bounded, whatever the engine: Elasticsearch's default
# index.max_result_window is 10,000, and the database engines must not scan further either.
MAX_TEXT_LENGTH = 500
MAX_TERMS = 32
MAX_WILDCARDS = 2
MIN_PREFIX_LENGTH = 3
MAX_PER_PAGE = 100
MAX_WINDOW = 10_000
MAX_FILTER_VALUES = 100
MAX_FACET_SIZE = 100


class QueryError(ValueError):
    """A query the engines will not run; ``message`` is for the user, in their language."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class ParsedText:
    """The text of a query, split into what every engine understands.

    ``terms`` match anywhere, diacritics or not; ``phrases`` match as a run of words;
    ``prefixes`` are terms written with a trailing ``*``; ``excluded`` terms must not match.
    All are NFC and lower-cased; ``folded_*`` are the same without diacritics (đ → d).
    """

    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.terms or self.phrases or self.prefixes)

    @property
    def folded_terms(self) -> tuple[str, ...]:
        return tuple(fold(t) for t in self.terms)

    @property
    def folded_phrases(self) -> tuple[str, ...]:
        return tuple(fold(p) for p in self.phrases)

    @property
    def folded_prefixes(self) -> tuple[str, ...]:
        return tuple(fold(p) for p in self.prefixes)

    @property
    def folded_excluded(self) -> tuple[str, ...]:
        return tuple(fold(t) for t in self.excluded)

    def words(self) -> tuple[str, ...]:
        """Every positive word (terms, words of phrases, prefixes): what highlighting marks."""
        out: list[str] = [*self.terms, *self.prefixes]
        for phrase in self.phrases:
            out.extend(phrase.split())
        return tuple(out)


# A word: letters, digits and the joiners that occur inside Vietnamese legal references
# ("13/2023/NĐ-CP", "điểm_a"). Everything else separates words.
_WORD = re.compile(r"[\w*?/\-.]+")
_STRIP = "/-."


def _words(text: str) -> list[str]:
    return [w.strip(_STRIP) for w in _WORD.findall(text) if w.strip(_STRIP)]


def parse_text(text: str) -> ParsedText:
    """Parse what a user typed: words, "quoted phrases", -excluded words, prefix*.

    Raises QueryError for what no engine should run: an unclosed quote, too long a text, too
    many words, wildcards inside or at the start of a word, or more than a few prefixes.
    """
    text = nfc(text or "").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise QueryError(
            _("The search text is too long: at most %(max)d characters.")
            % {"max": MAX_TEXT_LENGTH},
            code="too_long",
        )
    if text.count('"') % 2:
        raise QueryError(_("A quotation mark is not closed."), code="unclosed_quote")
    terms: list[str] = []
    phrases: list[str] = []
    prefixes: list[str] = []
    excluded: list[str] = []
    for index, chunk in enumerate(text.split('"')):
        if index % 2:  # inside quotes
            words = [w for w in _words(chunk.lower()) if not any(c in w for c in "*?")]
            if len(words) > 1:
                phrases.append(" ".join(words))
            elif words:
                terms.append(words[0])
            continue
        for raw in chunk.split():
            negative = raw.startswith("-") and len(raw) > 1
            for word in _words(raw.lower()):
                if "?" in word or "*" in word.rstrip("*") or word.count("*") > 1:
                    raise QueryError(
                        _("Wildcards are only allowed at the end of a word (ví dụ: “chuyển*”)."),
                        code="wildcard",
                    )
                if word.endswith("*"):
                    stem = word[:-1]
                    if len(stem) < MIN_PREFIX_LENGTH:
                        raise QueryError(
                            _("Write at least %(min)d letters before a “*”.")
                            % {"min": MIN_PREFIX_LENGTH},
                            code="wildcard",
                        )
                    if negative:
                        excluded.append(stem)
                    else:
                        prefixes.append(stem)
                elif negative:
                    excluded.append(word)
                else:
                    terms.append(word)
    if len(prefixes) > MAX_WILDCARDS:
        raise QueryError(
            ngettext(
                "At most %(max)d word may end with “*”.",
                "At most %(max)d words may end with “*”.",
                MAX_WILDCARDS,
            )
            % {"max": MAX_WILDCARDS},
            code="wildcard",
        )
    count = len(terms) + len(prefixes) + len(excluded) + sum(len(p.split()) for p in phrases)
    if count > MAX_TERMS:
        raise QueryError(
            _("Too many words to search for: at most %(max)d.") % {"max": MAX_TERMS},
            code="too_many_terms",
        )
    return ParsedText(
        terms=tuple(dict.fromkeys(terms)),
        phrases=tuple(dict.fromkeys(phrases)),
        prefixes=tuple(dict.fromkeys(prefixes)),
        excluded=tuple(dict.fromkeys(excluded)),
    )


@dataclass(frozen=True, slots=True)
class Query:
    """A search over one registered index.

    ``filters``: field → accepted values; a document matches when, for every field, one of
    its values is accepted (OR within a field, AND across fields). ``scope``: alternatives of
    the same shape, of which a document must match at least one (who may see what: "published,
    or any status in a draft of my body"); empty means no restriction. ``date_from`` and
    ``date_to`` bound the index's date field, both days included (Asia/Ho_Chi_Minh days are
    converted by the caller). ``facets``: the keyword fields to count values of, over the
    documents that match everything else except that facet's own filter (so a facet shows
    the alternatives a user can switch to).
    """

    index: str
    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scope: tuple[Mapping[str, tuple[str, ...]], ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    facets: tuple[str, ...] = ()
    facet_size: int = 20
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = 20
    highlight: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def shared_filters(self) -> dict[str, tuple[str, ...]]:
        """The filters on fields that are no facet: they narrow the hits and every count."""
        return {name: values for name, values in self.filters.items() if name not in self.facets}

    @property
    def faceted_filters(self) -> dict[str, tuple[str, ...]]:
        """The filters on faceted fields, in the facets' order: each narrows the hits and every
        facet's counts but its own (which shows the alternatives a user can switch to)."""
        return {
            name: self.filters[name] for name in dict.fromkeys(self.facets) if name in self.filters
        }

    def parsed(self) -> ParsedText:
        return parse_text(self.text)

    def validate(self, *, keyword_fields: frozenset[str]) -> ParsedText:
        """Check the query against the index's fields; return its parsed text.

        Every engine calls this first, so bad input gives the same message on each.
        """
        parsed = self.parsed()
        if self.sort not in SORTS:
            raise QueryError(_("Unknown sort order."), code="sort")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(
                _("Results per page must be between 1 and %(max)d.") % {"max": MAX_PER_PAGE},
                code="per_page",
            )
        if self.page < 1 or self.offset + self.per_page > MAX_WINDOW:
            raise QueryError(
                _(
                    "Only the first %(max)s results can be browsed: narrow the search with "
                    "filters or more words."
                )
                % {"max": f"{MAX_WINDOW:,}".replace(",", ".")},
                code="page",
            )
        if not 1 <= self.facet_size <= MAX_FACET_SIZE:
            raise QueryError(_("Too many facet values requested."), code="facet_size")
        for mapping in (self.filters, *self.scope):
            for name, values in mapping.items():
                if name not in keyword_fields:
                    raise QueryError(
                        _("Unknown filter: %(name)s.") % {"name": name}, code="unknown_filter"
                    )
                if not values or len(values) > MAX_FILTER_VALUES:
                    raise QueryError(
                        _("A filter needs between 1 and %(max)d values.")
                        % {"max": MAX_FILTER_VALUES},
                        code="filter_values",
                    )
        for name in self.facets:
            if name not in keyword_fields:
                raise QueryError(
                    _("Unknown facet: %(name)s.") % {"name": name}, code="unknown_facet"
                )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError(_("The start date is after the end date."), code="dates")
        return parsed


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching document: its id, its stored fields, and highlighted fragments.

    ``highlights`` maps a text field to fragments of the ORIGINAL text (diacritics as written),
    HTML-escaped, with matches wrapped in ``<mark>``: safe to mark_safe in a template.
    """

    id: str
    score: float
    fields: Mapping[str, Any]
    highlights: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class Results:
    hits: tuple[Hit, ...]
    total: int
    facets: Mapping[str, tuple[FacetValue, ...]]
    took_ms: float
    query: Query

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_WINDOW)
        return max(1, -(-reachable // self.query.per_page))


@dataclass(frozen=True, slots=True)
class Term:
    """A significant term or phrase of a set of documents (themes)."""

    text: str
    score: float
    count: int  # documents of the set that contain it
