"""Search: one engine interface over Elasticsearch and the database; apps register documents."""
