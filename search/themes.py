"""Themes for the database engine: the words and phrases that set some documents apart.

Elasticsearch has significant_text; this is its equivalent over samples of documents read from
the database: the documents a query matches (foreground) against the whole index (background),
scored like Elasticsearch's default JLH, (fg% - bg%) * (fg% / bg%).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
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
    stop = stopwords()
    folded_run: list[str] = []
    exact_run: list[str] = []
    previous_end = 0
    for match in WORD.finditer(text):
        exact = match.group().lower()
        folded = fold_word(exact)
        gap = text[previous_end : match.start()]
        previous_end = match.end()
        if len(folded) < 2 or folded.isdigit() or exact in stop:
            folded_run, exact_run = [], []
            continue
        if (gap and not gap.isspace()) or "\n" in gap:
            folded_run, exact_run = [], []
        folded_run = [*folded_run[-(MAX_PHRASE_WORDS - 1) :], folded]
        exact_run = [*exact_run[-(MAX_PHRASE_WORDS - 1) :], exact]
        for start in range(len(folded_run)):
            key = " ".join(folded_run[start:])
            if key not in found:
                found[key] = " ".join(exact_run[start:])
    return found


def _shorter(key: str) -> Iterator[str]:
    """The shorter phrases and words inside a phrase."""
    parts = key.split()
    for length in range(1, len(parts)):
        for start in range(len(parts) - length + 1):
            yield " ".join(parts[start : start + length])


@dataclass
class _Counts:
    documents: int = 0
    df: Counter[str] = field(default_factory=Counter)
    spellings: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, text: str, *, wanted: Container[str] | None = None) -> None:
        """Count a document's terms: all of them with their spellings (foreground), or only
        the ``wanted`` ones (background)."""
        self.documents += 1
        terms = document_terms(text)
        if wanted is not None:
            self.df.update(key for key in terms if key in wanted)
            return
        self.df.update(terms.keys())
        for key, spelling in terms.items():
            self.spellings[key][spelling] += 1


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
    fg = _Counts()
    for text in foreground:
        fg.add(text)
    if not fg.documents or not background_total:
        return ()
    candidates = {key for key, count in fg.df.items() if count >= MIN_DOC_COUNT}
    bg = _Counts()
    for text in background:
        bg.add(text, wanted=candidates)
    scored: dict[str, tuple[float, int]] = {}
    for key, count in fg.df.items():
        if count < MIN_DOC_COUNT:
            continue
        fg_pct = count / fg.documents
        fg_estimate = fg_pct * foreground_total
        bg_estimate = bg.df[key] / bg.documents * background_total if bg.documents else 0.0
        # The foreground is part of the background: a term is at least as common there.
        bg_pct = max(bg_estimate, fg_estimate) / background_total
        if fg_pct <= bg_pct:
            continue
        scored[key] = ((fg_pct - bg_pct) * (fg_pct / bg_pct), round(fg_estimate))
    # For each term, the foreground count of the most frequent longer phrase containing it.
    in_longer: Counter[str] = Counter()
    for key in scored:
        for inner in _shorter(key):
            in_longer[inner] = max(in_longer[inner], fg.df[key])
    ranked = sorted(scored, key=lambda key: (-scored[key][0], -scored[key][1], key))
    out: list[Term] = []
    for key in ranked:
        if in_longer[key] >= LONGER_COVERS * fg.df[key]:
            continue
        spelling = min(fg.spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
        score, count = scored[key]
        out.append(Term(text=spelling, score=score, count=count))
        if len(out) == size:
            break
    return tuple(out)
