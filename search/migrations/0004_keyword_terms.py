"""SQLite: a vocabulary of the keys' FTS5 index, which counts the documents of each key.

A facet over most of an index counts each key's documents there, less those of the documents
that do not match (search.engines.database.SQLiteDialect.key_totals). PostgreSQL's GIN index
has no such count: nothing to do there.
"""

from django.db import migrations

FORWARD = {
    "sqlite": [
        "CREATE VIRTUAL TABLE search_keyword_terms USING fts5vocab(search_keyword_fts, row)",
    ],
}
BACKWARD = {
    "sqlite": ["DROP TABLE IF EXISTS search_keyword_terms"],
}


def create_terms(apps, schema_editor) -> None:
    for statement in FORWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_terms(apps, schema_editor) -> None:
    for statement in BACKWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_keyword_keys"),
    ]

    operations = [
        migrations.RunPython(create_terms, drop_terms),
    ]
