"""The contract every search engine fulfils."""

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EngineHealth:
    ok: bool
    engine: str
    detail: str = ""


class SearchEngine(ABC):
    """A search engine. Configuration arrives as lower-cased keys of settings.SEARCH_ENGINE."""

    name: str = ""

    def __init__(self, *, index_prefix: str = "consult", **options: object) -> None:
        self.index_prefix = index_prefix
        self.options = options

    def index_name(self, name: str) -> str:
        """Environment-prefixed index name, so test, staging and production never collide."""
        return f"{self.index_prefix}-{name}"

    @abstractmethod
    def health(self) -> EngineHealth:
        """Whether the engine answers now."""
