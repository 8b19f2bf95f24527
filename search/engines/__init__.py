"""The search engine configured in settings.SEARCH_ENGINE, loaded once per process."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import EngineHealth, SearchEngine

__all__ = ["EngineHealth", "InvalidSearchEngineError", "SearchEngine", "get_search_engine"]


class InvalidSearchEngineError(ImproperlyConfigured):
    """settings.SEARCH_ENGINE names no usable engine."""


@cache
def get_search_engine() -> SearchEngine:
    config = dict(settings.SEARCH_ENGINE)
    path = config.pop("ENGINE", None)
    if not path:
        raise InvalidSearchEngineError("settings.SEARCH_ENGINE has no ENGINE.")
    try:
        engine_class = import_string(path)
    except ImportError as exc:
        raise InvalidSearchEngineError(f"Cannot import search engine {path!r}: {exc}") from exc
    if not (isinstance(engine_class, type) and issubclass(engine_class, SearchEngine)):
        raise InvalidSearchEngineError(f"{path!r} is not a SearchEngine.")
    return engine_class(**{key.lower(): value for key, value in config.items()})
