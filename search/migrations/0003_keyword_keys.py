"""Keywords move from a (document, field, value) side table into the document row.

Each (field, value) gets an integer key (IndexedField, IndexedValue); a document keeps the
keys of its values in ``keywords``, indexed by a GIN index on PostgreSQL and an FTS5 table
on SQLite. The keywords of existing documents are copied over, so an upgrade needs no
``search_index rebuild``; going back copies them into the side table again.
"""

# ruff: noqa: S608 - the statements are constant text assembled from this module's parts

import django.db.models.deletion
from django.db import migrations, models

import search.models

KEY = "(f.id << 32) | v.id"  # search.models.KEY_SHIFT

FORWARD_COPY = [
    """INSERT INTO search_indexedfield (index_id, name)
        SELECT DISTINCT index_id, field FROM search_indexedkeyword""",
    """INSERT INTO search_indexedvalue (field_id, value)
        SELECT DISTINCT f.id, k.value FROM search_indexedkeyword k
        JOIN search_indexedfield f ON f.index_id = k.index_id AND f.name = k.field""",
]
KEYS_OF_DOCUMENTS = f"""
    SELECT k.document_id, {KEY} AS key FROM search_indexedkeyword k
    JOIN search_indexedfield f ON f.index_id = k.index_id AND f.name = k.field
    JOIN search_indexedvalue v ON v.field_id = f.id AND v.value = k.value"""
COPY = {
    "postgresql": [
        *FORWARD_COPY,
        f"""UPDATE search_indexeddocument d SET keywords = s.keys
            FROM (SELECT document_id, array_agg(key ORDER BY key) AS keys
                  FROM ({KEYS_OF_DOCUMENTS}) x GROUP BY document_id) s
            WHERE s.document_id = d.id""",
    ],
    "sqlite": [
        *FORWARD_COPY,
        f"""UPDATE search_indexeddocument SET keywords = (
                SELECT ',' || group_concat(key, ',') || ',' FROM (
                    SELECT key FROM ({KEYS_OF_DOCUMENTS}) x
                    WHERE x.document_id = search_indexeddocument.id ORDER BY key))
            WHERE id IN (SELECT document_id FROM search_indexedkeyword)""",
    ],
}
VALUES_OF_KEYS = """
    JOIN search_indexedvalue v ON v.id = ({key} & 4294967295)
    JOIN search_indexedfield f ON f.id = v.field_id"""
COPY_BACK = {
    "postgresql": [
        f"""INSERT INTO search_indexedkeyword (document_id, index_id, field, value)
            SELECT d.id, d.index_id, f.name, v.value
            FROM search_indexeddocument d CROSS JOIN LATERAL unnest(d.keywords) AS u(k)
            {VALUES_OF_KEYS.format(key="u.k")}""",
    ],
    "sqlite": [
        f"""INSERT INTO search_indexedkeyword (document_id, index_id, field, value)
            SELECT d.id, d.index_id, f.name, v.value FROM search_indexeddocument d,
            json_each('[' || trim(d.keywords, ',') || ']') u
            {VALUES_OF_KEYS.format(key="u.value")}""",
    ],
}

# Each vendor's index over the keys. PostgreSQL: GIN answers && (any of these keys) and @>.
# SQLite: an FTS5 table over the keys' text, kept in step by triggers like search_fts (a later
# migration that makes Django rebuild search_indexeddocument drops them and must create them
# again); detail=none: only which documents hold a key, not where.
INDEXES = {
    "postgresql": (
        [
            "CREATE INDEX search_document_keywords ON search_indexeddocument USING gin (keywords)",
        ],
        [
            "DROP INDEX IF EXISTS search_document_keywords",
            # Dropped with the side table; see migration 0002.
            "CREATE STATISTICS IF NOT EXISTS search_keyword_values (mcv) ON field, value "
            "FROM search_indexedkeyword",
        ],
    ),
    "sqlite": (
        [
            """CREATE VIRTUAL TABLE search_keyword_fts USING fts5(keywords,
                content='search_indexeddocument', content_rowid='id', detail=none)""",
            """CREATE TRIGGER search_keyword_fts_insert AFTER INSERT ON search_indexeddocument
                BEGIN INSERT INTO search_keyword_fts(rowid, keywords)
                VALUES (new.id, new.keywords); END""",
            """CREATE TRIGGER search_keyword_fts_delete AFTER DELETE ON search_indexeddocument
                BEGIN INSERT INTO search_keyword_fts(search_keyword_fts, rowid, keywords)
                VALUES ('delete', old.id, old.keywords); END""",
            """CREATE TRIGGER search_keyword_fts_update AFTER UPDATE OF keywords
                ON search_indexeddocument BEGIN
                INSERT INTO search_keyword_fts(search_keyword_fts, rowid, keywords)
                VALUES ('delete', old.id, old.keywords);
                INSERT INTO search_keyword_fts(rowid, keywords) VALUES (new.id, new.keywords);
                END""",
            "INSERT INTO search_keyword_fts(search_keyword_fts) VALUES ('rebuild')",
        ],
        [
            "DROP TRIGGER IF EXISTS search_keyword_fts_update",
            "DROP TRIGGER IF EXISTS search_keyword_fts_delete",
            "DROP TRIGGER IF EXISTS search_keyword_fts_insert",
            "DROP TABLE IF EXISTS search_keyword_fts",
        ],
    ),
}


def _run(schema_editor, statements) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"The database search engine does not support {vendor}.")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


def copy_keywords(apps, schema_editor) -> None:
    _run(schema_editor, COPY)


def copy_keywords_back(apps, schema_editor) -> None:
    _run(schema_editor, COPY_BACK)


def create_indexes(apps, schema_editor) -> None:
    _run(schema_editor, {vendor: forward for vendor, (forward, _b) in INDEXES.items()})


def drop_indexes(apps, schema_editor) -> None:
    _run(schema_editor, {vendor: backward for vendor, (_f, backward) in INDEXES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_database_engine"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexedField",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                (
                    "index",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="search.databaseindex",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("index", "name"), name="search_field_unique_name"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="IndexedValue",
            fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("value", models.TextField()),
                (
                    "field",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="search.indexedfield",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("field", "value"), name="search_value_unique")
                ],
            },
        ),
        migrations.AddField(
            model_name="indexeddocument",
            name="keywords",
            field=search.models.KeywordKeysField(default=list),
        ),
        migrations.RunPython(copy_keywords, copy_keywords_back),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.DeleteModel(name="IndexedKeyword"),
    ]
