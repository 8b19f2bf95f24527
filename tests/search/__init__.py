"""Tests of the search app: the query, the engine contract, the database engine."""
