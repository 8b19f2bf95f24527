"""The indexes apps register from their documents.py: fields, and how to build documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Document = dict[str, Any]


@dataclass(frozen=True)
class SearchIndex:
    """One searchable collection, declared by the app that owns its data.

    ``document`` is the app's elasticsearch-dsl ``Document`` class (fields, analysis, mapping);
    the database engine reads the same declaration, so one description serves every engine.
    ``text_fields`` maps each full-text field to its weight (higher ranks first).
    ``keyword_fields`` are the fields that can be filtered on and counted as facets; a field
    may hold a list (a comment's ``provision`` holds its provision and every ancestor, so a
    filter on an article finds the comments on its clauses).
    ``date_field`` is filtered by date ranges and sorts "newest"; ``sort_fields`` maps the
    other sorts to a numeric field (descending).
    ``build(ids)`` returns the documents of those ids that should be in the index (an id
    missing from the result is deleted from it); ``all_ids()`` yields every id that should be
    there (rebuild); ``stamps()`` yields (id, stamp) for every such document, the stamp being
    the document's ``stamp`` field, which changes whenever the document would (reconcile);
    ``stored_fields`` come back with each hit.
    """

    name: str
    document: type
    text_fields: Mapping[str, int]
    keyword_fields: frozenset[str]
    date_field: str
    build: Callable[[Sequence[str]], Iterable[Document]]
    all_ids: Callable[[], Iterator[str]]
    stamps: Callable[[], Iterator[tuple[str, str]]]
    sort_fields: Mapping[str, str] = field(default_factory=dict)
    stored_fields: tuple[str, ...] = ()
    batch_size: int = 500


_indexes: dict[str, SearchIndex] = {}


def register(index: SearchIndex) -> SearchIndex:
    existing = _indexes.get(index.name)
    if existing is not None and existing is not index:
        raise ImproperlyConfigured(f"Search index {index.name!r} is registered twice.")
    _indexes[index.name] = index
    return index


def get_index(name: str) -> SearchIndex:
    try:
        return _indexes[name]
    except KeyError:
        raise ImproperlyConfigured(f"No search index named {name!r} is registered.") from None


def all_indexes() -> tuple[SearchIndex, ...]:
    return tuple(_indexes.values())
