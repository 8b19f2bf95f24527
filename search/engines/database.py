"""The database search engine: SQLite FTS5 or PostgreSQL full text, no extra service."""

import logging

from django.db import DatabaseError, connection

from .base import EngineHealth, SearchEngine

logger = logging.getLogger(__name__)


class DatabaseEngine(SearchEngine):
    name = "database"

    def health(self) -> EngineHealth:
        try:
            connection.ensure_connection()
        except DatabaseError as exc:
            logger.warning("Database search engine unreachable: %s", exc)
            return EngineHealth(ok=False, engine=self.name, detail=type(exc).__name__)
        return EngineHealth(ok=True, engine=self.name, detail=connection.vendor)
