"""The contract every search engine fulfils."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..query import Query, Results, Term
from ..registry import Document, SearchIndex


@dataclass(frozen=True, slots=True)
class EngineHealth:
    ok: bool
    engine: str
    detail: str = ""


class EngineUnavailable(RuntimeError):
    """The engine cannot be reached now; the caller keeps the work for later (the outbox)."""


class SearchEngine(ABC):
    """A search engine. Configuration arrives as lower-cased keys of settings.SEARCH_ENGINE.

    Every engine answers the same ``Query`` with the same ``Results`` (tests/search/
    test_contract.py runs one suite against each); ``Query.validate`` is called first, so bad
    input raises the same ``QueryError`` everywhere.
    """

    name: str = ""

    def __init__(self, *, index_prefix: str = "consult", **options: object) -> None:
        self.index_prefix = index_prefix
        self.options = options

    def index_name(self, name: str) -> str:
        """Environment-prefixed index name, so test, staging and production never collide."""
        return f"{self.index_prefix}-{name}"

    def setup(self, index: SearchIndex) -> None:  # noqa: B027 - most engines need nothing
        """Create the index if it does not exist yet (``search_index setup``, first deploy).

        Engines also create it on first use; this lets a deployment do it up front."""

    @abstractmethod
    def health(self) -> EngineHealth:
        """Whether the engine answers now."""

    @abstractmethod
    def search(self, query: Query) -> Results:
        """Run a query. Raises QueryError for bad input, EngineUnavailable when down."""

    @abstractmethod
    def significant_terms(self, query: Query, *, size: int = 20) -> tuple[Term, ...]:
        """The terms and phrases that set the documents matching ``query`` apart (themes)."""

    @abstractmethod
    def index_documents(self, index: SearchIndex, documents: Sequence[Document]) -> None:
        """Add or replace documents (each has an ``id``), in bulk."""

    @abstractmethod
    def delete_documents(self, index: SearchIndex, ids: Sequence[str]) -> None:
        """Remove documents; ids not in the index are ignored."""

    @abstractmethod
    def rebuild(self, index: SearchIndex, documents: Iterable[Document]) -> int:
        """Build the whole index anew from ``documents`` and switch to it at once; searches
        keep answering from the old one until the switch. Returns the documents written."""

    @abstractmethod
    def stored_stamps(self, index: SearchIndex) -> Iterator[tuple[str, str]]:
        """(id, stamp) of every document in the index: reconcile compares them with the
        database's, so a missing, extra or stale document is found."""
