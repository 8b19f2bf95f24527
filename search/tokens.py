"""Words as the database engine, the highlighter and themes see them: one tokenizer for all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .text import fold, nfc

# Letters and digits; everything else (spaces, punctuation, "_", "/", "-") separates words, so
# "13/2023/NĐ-CP" is the words 13 2023 nđ cp on both sides of a search. SQLite's unicode61
# tokenizer splits on the same classes; PostgreSQL's own parser would not (it reads that
# reference as a file path), which is why both databases are given these words pre-split.
WORD = re.compile(r"[^\W_]+")
# A text has few distinct words and folding (NFKD) is the costly part of reading one: themes
# read thousands of comments at a time.
fold_word = lru_cache(maxsize=65_536)(fold)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: where it is in the original, and its lower-cased and folded forms."""

    start: int
    end: int
    exact: str
    folded: str


def tokens(text: str) -> Iterator[Token]:
    """The words of ``text`` with their positions in it (``text`` should already be NFC).

    Folding is done word by word, so a position always points into the original text even
    where folding changes a word's length (a ligature, "İ").
    """
    for match in WORD.finditer(text):
        exact = match.group().lower()
        yield Token(match.start(), match.end(), exact, fold_word(exact))


def words(text: str) -> list[str]:
    """The lower-cased words of a text or of a query term (NFC)."""
    return [match.group().lower() for match in WORD.finditer(nfc(text))]


def index_text(text: str) -> str:
    """The words of a text joined by single spaces: what the full-text indexes are fed."""
    return " ".join(words(text))
