"""Deterministic extractive summaries of comments: quotes that cover the distinct points, themes.

Nothing here calls an external service, and the same comments always give the same summary:
ties are broken by support count, then by id, never by dict, set or hash order.

Quotes. Each comment is a TF-IDF vector of its terms (``search.themes.document_terms``: its
words and phrases of up to three words, folded, without stopwords, so "thu hồi đất" and
"thu hoi dat" are one term); two comments are as similar as their vectors' cosine. Quotes are
chosen greedily by facility location: the next quote is the comment that most raises how well
the chosen quotes stand for all comments (each weighted by the comments it stands for), so the
first quote is the most shared point, not the most supported comment. A comment that makes a
point already quoted (similarity of at least ``SAME_POINT`` to a chosen quote) is not quoted
again: the quotes cover distinct points. A duplicate group (campaign, form letter) is one item
weighing as many as its members, quoted once with its count. A quote's cluster is the comments
closest to it among the chosen quotes and at least ``SAME_POINT`` similar to it; its
``similar`` is the cluster's size less itself.

Bounded work. A text costs ~0.1 ms to cut into terms, so the texts clustered are counted: a
provision's items (campaigns first, the other comments evenly spread over id order, each
standing for those left out beside it) up to ``MAX_CLUSTERED``, and while a report has more
than ``CLUSTER_BUDGET`` comments, each provision's share of that budget (at least
``MIN_CLUSTERED``). Only the first ``TEXT_CHARS`` characters of a text are read for its terms.
A ministry draft may have 100,000 comments, 50,000 of them on one article.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from search.text import nfc
from search.themes import MIN_DOC_COUNT, document_frequencies, document_terms, scored_terms

# Items clustered per provision, and per report (see the module docstring): 50 items still
# hold two or three comments of any point one comment in twenty makes.
MAX_CLUSTERED = 2_000
MIN_CLUSTERED = 30
CLUSTER_BUDGET = 12_000
# Quotes per provision at most (fewer when fewer distinct points are made): the report's
# length is mostly quotes, and a report of a million comments must stay one people read (and
# one WeasyPrint lays out in time, at about ten pages a second).
QUOTES = 4
# Cosine similarity from which two comments make the same point. Comments on one provision share
# its vocabulary ("giấy phép", "hồ sơ"), which IDF discounts: in the tests' comments on fees,
# delays and online filing, paraphrases of one point score 0.22-0.59, different points 0.08 at
# most.
SAME_POINT = 0.2
QUOTE_CHARS = 240  # a quote longer than this is shortened (the appendix has every text whole)
TEXT_CHARS = 3_000  # the first characters of a text make its terms
THEMES = 6
# Themes: the texts of a provision, and of the whole version, whose terms are counted.
THEMES_FOREGROUND = 500
THEMES_BACKGROUND = 1_000
# Term posting lists at least this long are multiplied as a dense matrix, shorter ones pair by
# pair (a common term pairs every comment with every other one; a rare one, a few).
_DENSE_DF = 24
_PAIRS_PER_BATCH = 2_000_000
_ROUNDING = 6  # decimals of a gain compared for ties, so float noise never decides one

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Comment:
    """A published comment to summarise, as shown publicly; labels already in Vietnamese."""

    feedback_id: int
    text: str = ""
    author_name: str = ""
    respondent_type: str = ""  # label
    stance: str = ""  # label, "" if none
    group: int | None = None  # duplicate group
    supports: int = 0
    count: int = 1  # the comments it stands for: a campaign's members
    weight: float = 0.0  # set by ``to_cluster``: ``count``, more when a sample leaves some out


@dataclass(frozen=True, slots=True)
class Pick:
    """A chosen quote and the comments making its point besides it (its cluster, less itself)."""

    comment: Comment
    similar: int


def evenly(items: Sequence[T], limit: int) -> list[T]:
    """At most ``limit`` of ``items``, evenly spread over them (all of them if they fit)."""
    if len(items) <= limit:
        return list(items)
    if limit <= 0:
        return []
    step = len(items) / limit
    return [items[int(index * step)] for index in range(limit)]


def campaigns_once(
    comments: Iterable[Comment], *, representatives: Mapping[int, int] | None = None
) -> list[Comment]:
    """The comments with each duplicate group's members made one, in id order.

    The group's item is its representative (``representatives``: group id → comment id) when
    among the members given, else the first recorded member; it counts and carries the
    supports of all of them.
    """
    singles: list[Comment] = []
    groups: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.group is None:
            singles.append(comment)
        else:
            groups.setdefault(comment.group, []).append(comment)
    chosen = representatives or {}
    for group, members in groups.items():
        if len(members) == 1:
            singles.append(members[0])
            continue
        first = min(members, key=lambda member: member.feedback_id)
        shown = next((m for m in members if m.feedback_id == chosen.get(group)), first)
        singles.append(
            replace(
                shown,
                count=sum(member.count for member in members),
                supports=sum(member.supports for member in members),
            )
        )
    return sorted(singles, key=lambda comment: comment.feedback_id)


def cluster_limit(*, items: int, total: int) -> int:
    """How many of a provision's ``items`` to cluster, in a report of ``total`` comments."""
    share = items if total <= CLUSTER_BUDGET else math.ceil(CLUSTER_BUDGET * items / total)
    return min(items, MAX_CLUSTERED, max(MIN_CLUSTERED, share))


def to_cluster(comments: Sequence[Comment], *, limit: int = MAX_CLUSTERED) -> list[Comment]:
    """The items to cluster (at most ``limit``), weighted by the comments they stand for.

    When there are more, the largest campaigns are kept (half the room, more if the other
    comments leave it) and the other comments are sampled evenly over id order, each weighing
    for those it was chosen among.
    Works on ids and counts only, so a caller reads the texts of the chosen items alone.
    """
    items = sorted(comments, key=lambda comment: comment.feedback_id)
    if len(items) <= limit:
        return [replace(item, weight=float(item.count)) for item in items]
    singles = [item for item in items if item.count == 1]
    campaigns = sorted(
        (item for item in items if item.count > 1),
        key=lambda item: (-item.count, item.feedback_id),
    )[: max(limit // 2, limit - len(singles))]
    sampled = evenly(singles, limit - len(campaigns))
    scale = len(singles) / len(sampled) if sampled else 1.0
    chosen = [replace(item, weight=float(item.count)) for item in campaigns]
    chosen += [replace(item, weight=scale) for item in sampled]
    return sorted(chosen, key=lambda item: item.feedback_id)


def representative_quotes(
    comments: Sequence[Comment],
    *,
    size: int = QUOTES,
    terms: Sequence[Iterable[str]] | None = None,
) -> list[Pick]:
    """Up to ``size`` comments that together cover the distinct points made, largest first.

    ``comments`` come from ``to_cluster`` (texts filled in); ``terms``, when the caller has
    them, are each comment's ``document_terms`` keys, in the same order.
    """
    items = sorted(comments, key=lambda comment: comment.feedback_id)
    if not items or size <= 0:
        return []
    if terms is None:
        terms = [text_terms(item.text) for item in items]
    else:
        by_id = dict(zip((c.feedback_id for c in comments), terms, strict=True))
        terms = [by_id[item.feedback_id] for item in items]
    similarity = cosine_similarity(terms)
    weights = np.array([item.weight or item.count for item in items], dtype=np.float64)
    chosen: list[int] = []
    covered = np.zeros(len(items), dtype=np.float64)  # each item's best similarity to a quote
    open_points = np.ones(len(items), dtype=bool)  # not yet close to a chosen quote
    while len(chosen) < size and open_points.any():
        gains = (weights[:, None] * np.maximum(similarity - covered[:, None], 0.0)).sum(axis=0)
        gains = np.where(open_points, np.round(gains, _ROUNDING), -1.0)
        best = gains.max()
        if best <= 0:
            break
        pick = min(
            np.flatnonzero(gains == best).tolist(),
            key=lambda index: (-items[index].supports, items[index].feedback_id),
        )
        chosen.append(pick)
        covered = np.maximum(covered, similarity[:, pick])
        open_points &= similarity[:, pick] < SAME_POINT
    # Each item belongs to the closest chosen quote, if close enough to make the same point.
    to_quotes = similarity[:, chosen]
    nearest = to_quotes.argmax(axis=1)
    close = to_quotes.max(axis=1) >= SAME_POINT
    cluster_weight = np.bincount(nearest[close], weights=weights[close], minlength=len(chosen))
    picks = [
        Pick(
            comment=items[index],
            similar=max(0, round(float(cluster_weight[rank])) - items[index].count),
        )
        for rank, index in enumerate(chosen)
    ]
    order = sorted(range(len(picks)), key=lambda k: (-cluster_weight[k], chosen[k]))
    return [picks[k] for k in order]


def text_terms(text: str) -> dict[str, str]:
    """A text's terms: folded word or phrase → as written, in the order found (its features)."""
    return document_terms(text[:TEXT_CHARS])


def cosine_similarity(terms: Sequence[Iterable[str]]) -> np.ndarray:
    """The cosine similarity of the texts' TF-IDF vectors (binary term frequency), n × n.

    The diagonal is 1, also for a text without terms ("👍"): it stands for itself.
    """
    count = len(terms)
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    for row, keys in enumerate(terms):
        found = [vocabulary.setdefault(key, len(vocabulary)) for key in keys]
        columns.extend(found)
        rows.extend([row] * len(found))
    similarity = np.zeros((count, count), dtype=np.float64)
    if columns:
        row_of = np.array(rows, dtype=np.int64)
        column_of = np.array(columns, dtype=np.int64)
        df = np.bincount(column_of, minlength=len(vocabulary))
        values = (np.log((1 + count) / (1 + df)) + 1.0)[column_of]
        norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=count))
        values = values / norms[row_of]
        # A term of one text only makes no pair similar: it only weighs in its text's norm.
        shared = df[column_of] >= 2
        _add_products(similarity, row_of[shared], column_of[shared], values[shared], df)
    np.fill_diagonal(similarity, 1.0)
    return similarity


def _add_products(
    similarity: np.ndarray,
    rows: np.ndarray,
    columns: np.ndarray,
    values: np.ndarray,
    df: np.ndarray,
) -> None:
    """Add X·Xᵀ of the sparse matrix (rows, columns, values) to ``similarity``."""
    count = similarity.shape[0]
    dense = df[columns] >= _DENSE_DF
    if dense.any():
        wanted, position = np.unique(columns[dense], return_inverse=True)
        matrix = np.zeros((count, len(wanted)), dtype=np.float64)
        matrix[rows[dense], position] = values[dense]
        similarity += matrix @ matrix.T
    sparse = ~dense
    order = np.lexsort((rows[sparse], columns[sparse]))
    rows, columns, values = rows[sparse][order], columns[sparse][order], values[sparse][order]
    # Sorted by term, a term's postings are consecutive: the terms of df k are blocks of k.
    lengths = df[columns]
    pending_index: list[np.ndarray] = []
    pending_value: list[np.ndarray] = []
    pending = 0
    for length in np.unique(lengths).tolist():
        chosen = lengths == length
        postings = rows[chosen].reshape(-1, length)
        weights = values[chosen].reshape(-1, length)
        pending_index.append((postings[:, :, None] * count + postings[:, None, :]).ravel())
        pending_value.append((weights[:, :, None] * weights[:, None, :]).ravel())
        pending += pending_index[-1].size
        if pending >= _PAIRS_PER_BATCH:
            _accumulate(similarity, pending_index, pending_value)
            pending_index, pending_value, pending = [], [], 0
    _accumulate(similarity, pending_index, pending_value)


def _accumulate(
    similarity: np.ndarray, indexes: list[np.ndarray], values: list[np.ndarray]
) -> None:
    if not indexes:
        return
    flat = np.bincount(
        np.concatenate(indexes), weights=np.concatenate(values), minlength=similarity.size
    )
    similarity += flat.reshape(similarity.shape)


@dataclass(frozen=True, slots=True)
class Background:
    """What themes stand out of: in how many texts of an even sample of all texts (the
    version's comments) each term occurs."""

    df: Mapping[str, int]
    documents: int  # texts in the sample
    total: int  # texts the sample was drawn from

    @classmethod
    def of(cls, terms: Iterable[Mapping[str, str]], *, total: int) -> Background:
        """From the sample's ``text_terms``."""
        sample = list(terms)
        return cls(df=document_frequencies(sample), documents=len(sample), total=total)


def themes(
    *,
    terms: Sequence[Mapping[str, str]],
    total: int,
    background: Background,
    size: int = THEMES,
) -> tuple[str, ...]:
    """The main themes of some texts against all, spelled as the commenters wrote them.

    ``terms`` are the ``text_terms`` of an even sample of the texts (at most
    ``THEMES_FOREGROUND``), ``total`` how many texts it was drawn from: scored by
    ``search.themes.scored_terms`` from texts cut once per report (cutting the background
    again for each provision was 440 of 490 seconds at 100,000 comments).
    """
    if len(terms) < MIN_DOC_COUNT:
        return ()
    found = scored_terms(
        foreground=terms,
        foreground_total=total,
        background_df=background.df,
        background_documents=background.documents,
        background_total=background.total,
        size=size,
    )
    return tuple(term.text for term in found)


# Shortening --------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…;:](?=\s)")
# Characters that belong to the one before them: a cut never separates them from it.
_JOINING = {"\u200d", "\ufe0e", "\ufe0f"}


def shorten(text: str, *, limit: int = QUOTE_CHARS) -> str:
    """The text (NFC), cut after its last sentence, else word, within ``limit``, with "…".

    The cut falls in the second half of the limit, or within a word when a word is longer
    than that; it never splits a letter from its marks or an emoji sequence.
    """
    text = nfc(text).strip()
    if len(text) <= limit:
        return text
    floor = limit // 2
    ends = [match.end() for match in _SENTENCE_END.finditer(text, 0, limit + 1)]
    if ends and ends[-1] >= floor:
        return f"{text[: ends[-1]]} …"
    space = max(text.rfind(" ", 0, limit + 1), text.rfind("\n", 0, limit + 1))
    if space >= floor:
        return f"{text[:space].rstrip()}…"
    cut = limit
    while cut > 0 and _belongs_to_previous(text, cut):
        cut -= 1
    return f"{text[:cut]}…"


def _belongs_to_previous(text: str, index: int) -> bool:
    char, before = text[index], text[index - 1]
    return (
        unicodedata.combining(char) != 0
        or char in _JOINING
        or before == "\u200d"
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tone
        or "\U000e0020" <= char <= "\U000e007f"  # emoji tag sequences (flags of regions)
        or (_is_regional(char) and _regional_run(text, index) % 2 == 1)
    )


def _is_regional(char: str) -> bool:
    """A regional indicator: two make a flag (🇻🇳)."""
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _regional_run(text: str, index: int) -> int:
    """How many regional indicators come right before ``index``: odd, it is inside a flag."""
    start = index
    while start > 0 and _is_regional(text[start - 1]):
        start -= 1
    return index - start
