"""App config for the search engine interface."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # Each app declares its indexes in documents.py (search.registry.register).
        autodiscover_modules("documents")
