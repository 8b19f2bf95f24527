"""Themes for the database engine: the words and phrases that set some documents apart.

Elasticsearch has significant_text; this is its equivalent over samples of documents read from
the database: the documents a query matches (foreground) against the whole index (background),
scored like Elasticsearch's default JLH, (fg% - bg%) * (fg% / bg%).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path

from .query import Term
from .tokens import WORD, fold_word

# Bounded work: at most this many documents are read on each side.
FOREGROUND_SAMPLE = 1_000
BACKGROUND_SAMPLE = 2_000
# A term must occur in this many foreground documents (Elasticsearch's default min_doc_count).
MIN_DOC_COUNT = 3
# Phrases of up to this many words (most Vietnamese terms are two syllables, "mặt bằng";
# many are three, "tái định cư").
MAX_PHRASE_WORDS = 3
# A word or phrase is left out when a longer phrase containing it explains (nearly) all its
# occurrences: "tái định cư" stands for "tái", "cư", "tái định" and "định cư".
LONGER_COVERS = 0.8

_STOPWORDS = Path(__file__).parent / "data" / "stopwords_vi.txt"


@cache
def stopwords() -> frozenset[str]:
    lines = _STOPWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def document_terms(text: str) -> dict[str, str]:
    """Folded key → spelling as written (lower case) of each word and phrase of a text.

    A word of one letter, a number or a stopword is no term and ends a phrase; so do
    punctuation and a line break (one field from the next). Stopwords are compared as written:
    folded, one would take its lookalikes with it ("tại" is one, "tái" in "tái định cư" is not;
    "là" is one, "lá" is not).
    """
    found: dict[str, str] = {}
    folded_run: list[str] = []
    exact_run: list[str] = []
    previous_end = 0
    for match in WORD.finditer(text):
        start, end = match.span()
        gap_start, previous_end = previous_end, end
        term = _term_word(match.group())
        if term is None:
            folded_run, exact_run = [], []
            continue
        # Most words follow one space: only another gap is looked at.
        if folded_run and (start != gap_start + 1 or text[gap_start] != " "):
            gap = text[gap_start:start]
            if not gap.isspace() or "\n" in gap:
                folded_run, exact_run = [], []
        exact, folded = term
        if len(folded_run) == MAX_PHRASE_WORDS:
            del folded_run[0], exact_run[0]
        folded_run.append(folded)
        exact_run.append(exact)
        for first in range(len(folded_run)):
            key = " ".join(folded_run[first:])
            if key not in found:
                found[key] = " ".join(exact_run[first:])
    return found


@lru_cache(maxsize=65_536)
def _term_word(word: str) -> tuple[str, str] | None:
    """(as written in lower case, folded) of a word that can be a term or part of one; None
    for a word of one letter, a number or a stopword."""
    exact = word.lower()
    folded = fold_word(exact)
    if len(folded) < 2 or folded.isdigit() or exact in stopwords():
        return None
    return exact, folded


def _shorter(key: str) -> Iterator[str]:
    """The shorter phrases and words inside a phrase."""
    parts = key.split()
    for length in range(1, len(parts)):
        for start in range(len(parts) - length + 1):
            yield " ".join(parts[start : start + length])


def significant_terms(
    *,
    foreground: Iterable[str],
    foreground_total: int,
    background: Iterable[str],
    background_total: int,
    size: int,
) -> tuple[Term, ...]:
    """Score the terms of a foreground sample against a background sample.

    ``*_total`` are the true sizes of the sets the samples were drawn from; counts are scaled
    to them. Ties are broken by count, then alphabetically, so the answer is deterministic.
    """
    found = [document_terms(text) for text in foreground]
    if not found or not background_total:
        return ()
    candidates = {
        key for key, count in document_frequencies(found).items() if count >= MIN_DOC_COUNT
    }
    bg_df: Counter[str] = Counter()
    bg_documents = 0
    for text in background:
        bg_documents += 1
        bg_df.update(key for key in document_terms(text) if key in candidates)
    return scored_terms(
        foreground=found,
        foreground_total=foreground_total,
        background_df=bg_df,
        background_documents=bg_documents,
        background_total=background_total,
        size=size,
    )


def document_frequencies(found: Iterable[Mapping[str, str]]) -> Counter[str]:
    """In how many texts (their ``document_terms``) each term occurs."""
    df: Counter[str] = Counter()
    for terms in found:
        df.update(terms.keys())
    return df


def scored_terms(
    *,
    foreground: Sequence[Mapping[str, str]],
    foreground_total: int,
    background_df: Mapping[str, int],
    background_documents: int,
    background_total: int,
    size: int,
) -> tuple[Term, ...]:
    """significant_terms from texts already cut into terms (``document_terms`` of each): for a
    caller that scores many foregrounds against one background, cut once.

    ``background_df`` needs only the foreground's terms: in how many of the
    ``background_documents`` sampled texts each occurs.
    """
    if not foreground or not background_total:
        return ()
    fg_df = document_frequencies(foreground)
    scored: dict[str, tuple[float, int]] = {}
    for key, count in fg_df.items():
        if count < MIN_DOC_COUNT:
            continue
        fg_pct = count / len(foreground)
        fg_estimate = fg_pct * foreground_total
        bg_estimate = (
            background_df.get(key, 0) / background_documents * background_total
            if background_documents
            else 0.0
        )
        # The foreground is part of the background: a term is at least as common there.
        bg_pct = max(bg_estimate, fg_estimate) / background_total
        if fg_pct <= bg_pct:
            continue
        scored[key] = ((fg_pct - bg_pct) * (fg_pct / bg_pct), round(fg_estimate))
    # For each term, the foreground count of the most frequent longer phrase containing it.
    in_longer: Counter[str] = Counter()
    for key in scored:
        for inner in _shorter(key):
            in_longer[inner] = max(in_longer[inner], fg_df[key])
    ranked = sorted(scored, key=lambda key: (-scored[key][0], -scored[key][1], key))
    kept = [key for key in ranked if in_longer[key] < LONGER_COVERS * fg_df[key]][:size]
    spellings: dict[str, Counter[str]] = {key: Counter() for key in kept}
    for terms in foreground:
        for key in kept:
            if key in terms:
                spellings[key][terms[key]] += 1
    out = []
    for key in kept:
        spelling = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
        score, count = scored[key]
        out.append(Term(text=spelling, score=score, count=count))
    return tuple(out)
