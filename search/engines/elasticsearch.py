"""The Elasticsearch 8 engine, through elasticsearch-dsl."""

import logging

from elasticsearch import Elasticsearch
from elasticsearch import TransportError as ElasticsearchTransportError
from elasticsearch.exceptions import ApiError
from elasticsearch_dsl import connections

from .base import EngineHealth, SearchEngine

logger = logging.getLogger(__name__)


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"
    connection_alias = "default"

    def __init__(self, *, url: str, timeout: float = 5.0, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.url = url
        self.timeout = timeout
        connections.create_connection(
            alias=self.connection_alias, hosts=[url], request_timeout=timeout
        )

    @property
    def client(self) -> Elasticsearch:
        return connections.get_connection(self.connection_alias)

    def health(self) -> EngineHealth:
        try:
            health = self.client.cluster.health(timeout=f"{int(self.timeout)}s")
        except (ElasticsearchTransportError, ApiError) as exc:
            logger.warning("Elasticsearch unreachable at %s: %s", self.url, exc)
            return EngineHealth(ok=False, engine=self.name, detail=type(exc).__name__)
        status = health["status"]
        return EngineHealth(ok=status in {"green", "yellow"}, engine=self.name, detail=status)
