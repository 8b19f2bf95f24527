"""The Vietnamese analyzers and index settings that every app's Elasticsearch documents share.

Vietnamese is written in syllables separated by spaces, so the standard tokenizer finds its
words; what it needs is diacritic folding for recall ("dat dai" finds "đất đai") without losing
the ranking of exact spellings. Every full-text field is therefore analysed twice: as written
(lower-cased) and folded (lower-cased, asciifolding, which maps đ to d), in a ``.folded``
subfield. The engine matches either and boosts the exact one, and the unified highlighter
marks matches of both on the original text. The field with most to say (a comment's body)
also gets a ``.themes`` subfield of folded word n-grams, so significant_text can find phrases
("giai phong mat bang"), not only syllables, which alone mean little in Vietnamese.

``standard``, ``lowercase`` and ``shingle`` are core Elasticsearch; ``asciifolding`` comes
with analysis-common in every regular distribution (and from scripts/es-test-plugin in tests).
"""

from typing import Any

from elasticsearch_dsl import Text, analyzer, token_filter

from .themes import MAX_PHRASE_WORDS

EXACT_SUBFIELD = ""  # the field itself
FOLDED_SUBFIELD = "folded"
THEMES_SUBFIELD = "themes"
# Word n-grams for themes, as long as the phrases search.themes counts (most Vietnamese terms
# are two or three syllables: "mặt bằng", "tái định cư"), single words kept as well.
THEME_MIN_WORDS = 2

vi_exact = analyzer("vi_exact", tokenizer="standard", filter=["lowercase"])
vi_folded = analyzer("vi_folded", tokenizer="standard", filter=["lowercase", "asciifolding"])
vi_shingle = token_filter(
    "vi_shingle",
    "shingle",
    min_shingle_size=THEME_MIN_WORDS,
    max_shingle_size=MAX_PHRASE_WORDS,
    output_unigrams=True,
)
vi_themes = analyzer(
    "vi_themes", tokenizer="standard", filter=["lowercase", "asciifolding", vi_shingle]
)

# One primary shard: a comment index of a few million short texts fits one shard well, and
# facet counts and significant terms are exact on one shard. Replicas are the cluster's choice.
INDEX_SETTINGS: dict[str, Any] = {"number_of_shards": 1}


def vietnamese_text(*, themes: bool = False, **kwargs: Any) -> Text:
    """A full-text field analysed as written, with a folded subfield (and themes, if asked)."""
    fields: dict[str, Text] = {FOLDED_SUBFIELD: Text(analyzer=vi_folded)}
    if themes:
        fields[THEMES_SUBFIELD] = Text(analyzer=vi_themes)
    return Text(analyzer=vi_exact, fields=fields, **kwargs)


def folded_field(name: str) -> str:
    return f"{name}.{FOLDED_SUBFIELD}"


def themes_field(name: str) -> str:
    return f"{name}.{THEMES_SUBFIELD}"
