"""The database search engine: SQLite FTS5 or PostgreSQL full text, no extra service."""

from django.db import DatabaseError, connection

from .base import EngineHealth, SearchEngine


class DatabaseEngine(SearchEngine):
    name = "database"

    def health(self) -> EngineHealth:
        try:
            connection.ensure_connection()
        except DatabaseError as exc:
            return EngineHealth(ok=False, engine=self.name, detail=str(exc))
        return EngineHealth(ok=True, engine=self.name, detail=connection.vendor)
