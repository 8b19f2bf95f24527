"""Highlighted fragments of a text as written, for the words a search matched (Python side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape

from .query import ParsedText
from .text import fold
from .tokens import Token, tokens, words

FRAGMENT_SIZE = 160
MAX_FRAGMENTS = 3
# How much text to show before the first marked word of a fragment.
LEAD = 40


@dataclass(frozen=True, slots=True)
class Pattern:
    """A run of folded words to find; ``prefix`` lets the last one be the start of a word."""

    words: tuple[str, ...]
    prefix: bool = False

    def matches_at(self, folded: Sequence[str], at: int) -> bool:
        if at + len(self.words) > len(folded):
            return False
        *whole, last = self.words
        if any(folded[at + i] != word for i, word in enumerate(whole)):
            return False
        candidate = folded[at + len(whole)]
        return candidate.startswith(last) if self.prefix else candidate == last


def patterns(parsed: ParsedText) -> tuple[Pattern, ...]:
    """What a query's positive part looks for, folded: terms, phrases and prefixes."""
    found: list[Pattern] = []
    for text in (*parsed.terms, *parsed.phrases):
        folded = tuple(fold(w) for w in words(text))
        if folded:
            found.append(Pattern(folded))
    for text in parsed.prefixes:
        folded = tuple(fold(w) for w in words(text))
        if folded:
            found.append(Pattern(folded, prefix=True))
    return tuple(found)


def marked_tokens(text: str, found: Sequence[Pattern]) -> tuple[list[Token], set[int]]:
    """The words of ``text`` and the indexes of those that one of ``found`` matches."""
    toks = list(tokens(text))
    folded = [t.folded for t in toks]
    marked: set[int] = set()
    for at in range(len(toks)):
        for pattern in found:
            if pattern.matches_at(folded, at):
                marked.update(range(at, at + len(pattern.words)))
    return toks, marked


def highlight(
    text: str,
    parsed: ParsedText,
    *,
    fragment_size: int = FRAGMENT_SIZE,
    max_fragments: int = MAX_FRAGMENTS,
) -> tuple[str, ...]:
    """Fragments of ``text`` around what ``parsed`` matched, HTML-escaped, words in <mark>.

    Words are compared folded, so "giai phong" marks "giải phóng" as written; a text the query
    does not match gives no fragment. Fragments come in the order of the text.
    """
    toks, marked = marked_tokens(text, patterns(parsed))
    if not marked:
        return ()
    order = sorted(marked)
    fragments: list[str] = []
    i = 0
    while i < len(order) and len(fragments) < max_fragments:
        first = toks[order[i]]
        if len(text) <= fragment_size:
            start, end = 0, len(text)
        else:
            start = _word_start(text, max(0, first.start - LEAD))
            end = _word_end(text, min(len(text), start + fragment_size), minimum=first.end)
        fragments.append(_render(text, toks, marked, start, end))
        while i < len(order) and toks[order[i]].end <= end:
            i += 1
    return tuple(fragments)


def _word_start(text: str, at: int) -> int:
    """Move ``at`` forward to the start of a word, so a fragment does not begin mid-word."""
    if at == 0 or text[at - 1].isspace():
        return at
    space = text.find(" ", at)
    return at if space == -1 else space + 1


def _word_end(text: str, at: int, *, minimum: int) -> int:
    """Move ``at`` back to the end of a word (never before ``minimum``)."""
    if at >= len(text) or text[at].isspace():
        return at
    space = text.rfind(" ", minimum, at)
    return at if space == -1 else space


def _render(text: str, toks: Sequence[Token], marked: set[int], start: int, end: int) -> str:
    out: list[str] = []
    cursor = start
    for index, tok in enumerate(toks):
        if index not in marked or tok.start < start or tok.end > end:
            continue
        out.append(escape(text[cursor : tok.start]))
        out.append(f"<mark>{escape(text[tok.start : tok.end])}</mark>")
        cursor = tok.end
    out.append(escape(text[cursor:end]))
    return "".join(out).strip()
