"""Duplicate and campaign detection: near-identical comments on a draft form a group, answered once.

What is compared: the body of a top-level comment or critique (never a reply), on any version
of the draft, without the passage it quotes (the `quote` field, and that passage pasted into
the body as well): two people quoting the same long provision have not said the same thing.
The body is folded as search folds it (``search.text.fold``: lower case, no diacritics, đ → d),
without punctuation nor numbers, and cut into words (Vietnamese syllables). Numbers are left
out because a form letter's house number, telephone and birth year change with the sender.

What never groups: a text of fewer than ``MIN_WORDS`` words. "Tán thành." from a thousand
people is agreement, counted by stance; short texts coincide by chance, not by campaign.

Similar: two texts whose sets of three-word shingles have a Jaccard similarity of at least
``SIMILARITY`` (0.6), computed exactly for the candidates LSH proposes (a MinHash estimate
settles those far below or far above, see ``_similar``). 0.6 keeps a form letter whose
sender's name and address change (0.66 on an 85-word letter with a four-word name written
twice and a nine-word address, more on longer ones) and copy-paste texts with a few words
edited, while different comments on the same provision stay far below (0.05-0.45 even when
they share phrases). Groups are the connected parts of the similarity graph: a campaign whose
copies drift apart by small edits stays one group.

Finding candidates: locality-sensitive hashing. The signature's 64 values make 16 keys of 4
values (two texts share a key with probability J^4 each: at least one with probability 0.89 at
J = 0.6, 0.96 at 0.65, 0.985 at 0.7, 0.999 at 0.8), plus one key for the exact text, so exact
copies always meet. For each key of a draft only the first comment that had it (its leader) is
stored (``DuplicateBand``), so a campaign of 10,000 copies stores the keys of its distinct texts
once. A comment is compared with the leaders of its keys: the incremental path
(``duplicate_group_assign``, a task after each new comment) and the batch path
(``duplicates_regroup``) therefore make the same comparisons when comments arrive in id order,
and find the same groups. Four values per key, not three: with three, keys shared by chance
between different comments of a large draft make an unrelated comment the leader of too many.

The representative of a group is its most common text (the campaign's template), counting
published members only when there are any; of its copies, and between texts as common, the
first recorded (lowest id) wins. ``DuplicateGroup.size`` counts every member, whatever its
status; the selectors count published members for the public, and a member that is not
published never represents its group there.

The signatures are computed with numpy for many texts at once (a draft with 1,000,000 comments
is regrouped in minutes): datasketch's MinHash spends ~100 µs per text in a Python loop, a
vectorised pass over every text's shingles a few µs. Hash functions are seeded by constants
(splitmix64), not by a random generator whose stream could change with numpy's version: stored
keys must match the keys computed by the next release.
"""

from __future__ import annotations

import hashlib
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from psycopg import sql

from drafts.models import DraftPage

from .choices import FeedbackStatus
from .models import (
    DuplicateBand,
    DuplicateFingerprint,
    DuplicateGroup,
    DuplicateScan,
    Feedback,
)
from .services.common import feedback_search_enqueue

MIN_WORDS = 12
SHINGLE = 3  # words per shingle
PERMUTATIONS = 64
BANDS, ROWS = 16, 4  # the LSH keys: BANDS * ROWS signature values, ROWS per key
SIMILARITY = 0.6
_CANDIDATE = 0.35  # a MinHash estimate under this is not similar,
_CERTAIN = 0.85  # one from this up is; between the two the shingle sets decide (see _similar)

_MASK = (1 << 64) - 1
_READ_CHUNK = 5_000  # comments read per database round trip in a regroup
_SIGN_CHUNK = 2_000_000  # words signed at a time (memory: about 40 bytes each)
_WRITE_CHUNK = 2_000


def _splitmix64(seed: int, count: int) -> list[int]:
    values = []
    for _ in range(count):
        seed = (seed + 0x9E3779B97F4A7C15) & _MASK
        z = seed
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        values.append(z ^ (z >> 31))
    return values


_U64 = np.uint64
# Shingle hash: each word's position has its own multiplier, so "a b c" and "c b a" differ.
_SHINGLE_MULT = np.array([v | 1 for v in _splitmix64(3, SHINGLE)], dtype=_U64)
# MinHash permutations h(x) = (a x + b) mod 2^64 >> 32 on 32-bit x: a 2-universal family.
_PERM_A = np.array([v | 1 for v in _splitmix64(64, PERMUTATIONS)], dtype=_U64)
_PERM_B = np.array(_splitmix64(128, PERMUTATIONS), dtype=_U64)
_KEY_SEEDS = np.array(_splitmix64(11, BANDS + 1), dtype=_U64)
_KEY_MULT = _U64(0x9E3779B97F4A7C15)
_SHIFT32, _SHIFT29 = _U64(32), _U64(29)


# Normalisation --------------------------------------------------------------------------------


def _word_bytes() -> bytes:
    table = bytearray(b" " * 256)
    for code in range(128):
        if chr(code).isalpha():
            table[code] = ord(chr(code).lower())
    return bytes(table)


_WORD_BYTES = _word_bytes()  # ASCII letters lower-cased, anything else a space
_DIGITS = b"0123456789"


def words(body: str, quote: str = "") -> list[bytes]:
    """The words that are compared: the body folded, without punctuation, numbers, nor the
    quoted passage.

    Folded as ``search.text.fold`` folds Latin script (a test holds them equal), twice as fast
    as its character loop: NFKD and an ASCII encoding drop the marks, and đ, which has no
    decomposition, is replaced first. Words of other scripts are dropped. Numbers are left out:
    a form letter's house number, telephone and birth year change from one sender to the next
    (on a 120-word letter they cost 0.1-0.2 of similarity), and texts that differ only by
    their numbers are near-identical anyway.
    """
    text = _folded(body).split()
    if quote:
        quoted = b" ".join(_folded(quote).split())
        if quoted:
            return (b" " + b" ".join(text) + b" ").replace(b" " + quoted + b" ", b" ").split()
    return text


def _folded(text: str) -> bytes:
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return decomposed.encode("ascii", "ignore").translate(_WORD_BYTES, _DIGITS)


def text_hash(text_words: Sequence[bytes]) -> int:
    """A signed 64-bit hash of the normalised text (exact copies share it)."""
    digest = hashlib.blake2b(b" ".join(text_words), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


# Signatures and keys ------------------------------------------------------------------------


class _WordHashes(dict[bytes, int]):
    """crc32 of each word, computed once per word (a draft's comments share a small vocabulary)."""

    def __missing__(self, word: bytes) -> int:
        value = self[word] = zlib.crc32(word)
        return value


@dataclass
class Signed:
    """Texts' MinHash signatures, and their shingles for the exact comparison of candidates."""

    signature: np.ndarray  # (texts, PERMUTATIONS) uint32
    shingles: np.ndarray  # uint32: the first text's shingles, then the second's...
    offsets: np.ndarray  # int64, texts + 1: text i's shingles are shingles[offsets[i]:offsets[i+1]]

    def shingle_set(self, text: int) -> set[int]:
        start, end = int(self.offsets[text]), int(self.offsets[text + 1])
        return set(self.shingles[start:end].tolist())


class WordIds:
    """Texts as the crc32 of their words in one flat array: what signing needs, in a tenth of
    the memory of the words themselves (a million texts of a hundred words)."""

    def __init__(self) -> None:
        self._hashes = _WordHashes()
        self._pending: list[int] = []
        self._arrays: list[np.ndarray] = []
        self.lengths: list[int] = []

    def add(self, text: Sequence[bytes]) -> None:
        self._pending.extend(map(self._hashes.__getitem__, text))
        self.lengths.append(len(text))
        if len(self._pending) >= 1_000_000:
            self._arrays.append(np.array(self._pending, dtype=np.uint32))
            self._pending = []

    def sign(self) -> Signed:
        """Sign the texts added (each of at least SHINGLE words), a chunk at a time."""
        flat = np.concatenate([*self._arrays, np.array(self._pending, dtype=np.uint32)])
        lengths = np.array(self.lengths, dtype=np.int64)
        ends = np.cumsum(lengths)
        counts = lengths - SHINGLE + 1
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        signature = np.empty((len(lengths), PERMUTATIONS), dtype=np.uint32)
        shingles = np.empty(int(offsets[-1]), dtype=np.uint32)
        start = 0
        while start < len(lengths):
            # As many texts as fit the chunk's word budget (at least one).
            first_word = int(ends[start] - lengths[start])
            end = int(np.searchsorted(ends, first_word + _SIGN_CHUNK, side="right"))
            end = min(max(end, start + 1), len(lengths))
            signature[start:end], shingles[offsets[start] : offsets[end]] = _sign_chunk(
                flat[first_word : ends[end - 1]], lengths[start:end]
            )
            start = end
        return Signed(signature, shingles, offsets)


def sign(texts: Sequence[Sequence[bytes]]) -> Signed:
    """Sign texts of at least SHINGLE words."""
    ids = WordIds()
    for text in texts:
        ids.add(text)
    return ids.sign()


def signatures(texts: Sequence[Sequence[bytes]]) -> np.ndarray:
    """MinHash signatures (one row of PERMUTATIONS uint32 per text) of texts of ≥ SHINGLE words."""
    return sign(texts).signature


def _sign_chunk(words_ids: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    flat = words_ids.astype(_U64)
    count = len(flat) - SHINGLE + 1
    shingles = flat[:count] * _SHINGLE_MULT[0]
    for offset in range(1, SHINGLE):
        shingles ^= flat[offset : offset + count] * _SHINGLE_MULT[offset]
    shingles >>= _SHIFT32
    # Drop the shingles that run across two texts: the last SHINGLE - 1 starts of each text.
    ends = np.cumsum(lengths)
    valid = np.ones(count, dtype=bool)
    for back in range(1, SHINGLE):
        cut = ends - back
        valid[cut[cut < count]] = False
    shingles = shingles[valid]
    starts = np.concatenate(([0], np.cumsum(lengths - SHINGLE + 1)[:-1]))
    signature = np.empty((len(lengths), PERMUTATIONS), dtype=np.uint32)
    hashed = np.empty_like(shingles)
    for column in range(PERMUTATIONS):
        np.multiply(shingles, _PERM_A[column], out=hashed)
        hashed += _PERM_B[column]
        hashed >>= _SHIFT32
        signature[:, column] = np.minimum.reduceat(hashed, starts)
    return signature, shingles.astype(np.uint32)


def band_keys(draft_id: int, signature: np.ndarray, hashes: Sequence[int]) -> np.ndarray:
    """The LSH keys of each text (BANDS + 1 signed 64-bit keys, the last one its exact text's)."""
    draft = _U64((draft_id * int(_KEY_MULT)) & _MASK)  # numpy warns on scalar overflow
    keys = np.empty((len(signature), BANDS + 1), dtype=_U64)
    for band in range(BANDS):
        key = np.full(len(signature), _KEY_SEEDS[band] ^ draft, dtype=_U64)
        for column in range(band * ROWS, (band + 1) * ROWS):
            key ^= signature[:, column].astype(_U64)
            key *= _KEY_MULT
            key ^= key >> _SHIFT29
        keys[:, band] = key
    exact = np.array(hashes, dtype=np.int64).view(_U64) ^ (_KEY_SEEDS[BANDS] ^ draft)
    keys[:, BANDS] = (exact * _KEY_MULT) ^ ((exact * _KEY_MULT) >> _SHIFT29)
    return keys.view(np.int64)


def estimate(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signatures (rows compared pairwise)."""
    result: np.ndarray = np.count_nonzero(first == second, axis=-1) / PERMUTATIONS
    return result


def jaccard(first: set[int], second: set[int]) -> float:
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


# The representative ---------------------------------------------------------------------------

Member = tuple[int, str, int | None]  # pk, status, text hash


def representative(members: Iterable[Member]) -> int | None:
    """The most common text of the group (published members, when there are any); of its
    copies, the first recorded (lowest id); ties between texts go to the first recorded too."""
    rows = list(members)
    pool = [row for row in rows if row[1] == FeedbackStatus.PUBLISHED] or rows
    if not pool:
        return None
    counts = Counter(row[2] for row in pool)
    first: dict[int | None, int] = {}
    for pk, _status, digest in pool:
        if digest not in first or pk < first[digest]:
            first[digest] = pk
    best = min(counts, key=lambda digest: (-counts[digest], first[digest]))
    return first[best]


def _group_refresh(group: DuplicateGroup) -> None:
    members = Feedback.objects.filter(duplicate_group=group).values_list(
        "pk", "status", "duplicate_fingerprint__text_hash"
    )
    rows = list(members)
    group.size = len(rows)
    group.representative_id = representative(rows)
    group.updated_at = timezone.now()
    group.save(update_fields=["size", "representative", "updated_at"])


# As comments arrive -------------------------------------------------------------------------


def _lock_draft(draft_id: int, *, regroup: bool = False) -> None:
    """Serialise duplicate detection on one draft until commit (see DuplicateScan)."""
    now = timezone.now()
    DuplicateScan.objects.bulk_create(
        [DuplicateScan(draft_id=draft_id, examined_at=now)], ignore_conflicts=True
    )
    changes = {"examined_at": now, **({"regrouped_at": now} if regroup else {})}
    DuplicateScan.objects.filter(draft_id=draft_id).update(**changes)


def duplicate_group_assign(*, feedback_id: int) -> DuplicateGroup | None:
    """Examine a new top-level comment: join it to its duplicate group, or form one; return it.

    Its keys find the earlier comments of the draft that may be near-identical (one indexed
    query); those that are similar enough join it in one group: the oldest group among them,
    into which any other of their groups is merged. A reply, a missing comment or a text too
    short gives None. Examining a comment twice changes nothing (the fingerprint records it);
    two comments of one draft are examined one after the other (DuplicateScan), so concurrent
    copies never form two groups.
    """
    row = (
        Feedback.objects.filter(pk=feedback_id, parent__isnull=True)
        .values("draft_id", "body", "quote")
        .first()
    )
    if row is None:
        return None
    draft_id = row["draft_id"]
    with transaction.atomic():
        _lock_draft(draft_id)
        if DuplicateFingerprint.objects.filter(feedback_id=feedback_id).exists():
            return DuplicateGroup.objects.filter(members=feedback_id).first()
        text = words(row["body"], row["quote"])
        if len(text) < MIN_WORDS:
            DuplicateFingerprint.objects.create(feedback_id=feedback_id, text_hash=None)
            return None
        digest = text_hash(text)
        signed = sign([text])
        keys = band_keys(draft_id, signed.signature, [digest])[0].tolist()
        leaders = set(
            DuplicateBand.objects.filter(draft_id=draft_id, key__in=keys).values_list(
                "feedback_id", flat=True
            )
        )
        DuplicateBand.objects.bulk_create(
            [DuplicateBand(draft_id=draft_id, key=key, feedback_id=feedback_id) for key in keys],
            ignore_conflicts=True,
        )
        DuplicateFingerprint.objects.create(feedback_id=feedback_id, text_hash=digest)
        matched = _similar_leaders(signed, leaders - {feedback_id})
        if not matched:
            return None
        return _join(draft_id=draft_id, feedback_id=feedback_id, matched=matched)


def _similar_leaders(signed: Signed, leader_ids: set[int]) -> dict[int, int | None]:
    """Leader id -> its group id, for the leaders similar to the signed text."""
    leaders = [
        (pk, text, group)
        for pk, body, quote, group in Feedback.objects.filter(pk__in=leader_ids).values_list(
            "pk", "body", "quote", "duplicate_group_id"
        )
        # A body edited since it was examined may have become too short.
        if len(text := words(body, quote)) >= MIN_WORDS
    ]
    if not leaders:
        return {}
    theirs = sign([text for _pk, text, _group in leaders])
    scores = estimate(theirs.signature, signed.signature[0])
    mine = signed.shingle_set(0)
    return {
        pk: group
        for position, (pk, _text, group) in enumerate(leaders)
        if _similar(float(scores[position]), mine, theirs.shingle_set(position))
    }


def _similar(estimated: float, shingles: set[int], other: set[int]) -> bool:
    """The similarity rule of both paths: the exact Jaccard of the shingle sets.

    The MinHash estimate (standard error 0.06 at 0.6) settles the clear cases without it: under
    _CANDIDATE a pair truly at 0.6 or more is about one in a million, from _CERTAIN up one
    truly under 0.6 about one in a hundred thousand (lightly edited copies are there).
    """
    if estimated >= _CERTAIN:
        return True
    return estimated >= _CANDIDATE and jaccard(shingles, other) >= SIMILARITY


def _join(*, draft_id: int, feedback_id: int, matched: dict[int, int | None]) -> DuplicateGroup:
    group_ids = sorted({group for group in matched.values() if group is not None})
    now = timezone.now()
    if group_ids:
        group = DuplicateGroup.objects.get(pk=group_ids[0])
        merged = group_ids[1:]
    else:
        group = DuplicateGroup.objects.create(draft_id=draft_id, created_at=now, updated_at=now)
        merged = []
    moved = list(Feedback.objects.filter(duplicate_group__in=merged).values_list("pk", flat=True))
    joined = [feedback_id, *(pk for pk, group_id in matched.items() if group_id is None)]
    Feedback.objects.filter(pk__in=[*moved, *joined]).update(duplicate_group=group)
    DuplicateGroup.objects.filter(pk__in=merged).delete()
    _group_refresh(group)
    feedback_search_enqueue(feedback_ids=[*moved, *joined])
    return group


# Batch regrouping ---------------------------------------------------------------------------


@dataclass
class RegroupReport:
    """What regrouping one draft found and changed."""

    draft_id: int
    examined: int = 0  # top-level comments
    too_short: int = 0
    texts: int = 0  # distinct normalised texts long enough to compare
    groups: int = 0
    grouped: int = 0  # comments in a group
    changed: int = 0  # comments whose group changed (reindexed)
    seconds: float = 0.0
    timings: dict[str, float] | None = None


class _Timer:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = self._start = time.perf_counter()

    def lap(self, label: str) -> None:
        now = time.perf_counter()
        self.laps[label] = round(now - self._last, 3)
        self._last = now

    def total(self) -> float:
        return time.perf_counter() - self._start


def duplicates_regroup(*, draft: DraftPage) -> RegroupReport:
    """Recompute every duplicate group of the draft from its comments' texts, in bulk.

    The same groups as the comments examined one by one in id order (see the module's
    docstring), computed with vectorised signatures and in-memory keys, then written at
    once: the draft's keys and fingerprints are replaced, each group keeps its id when its
    earliest member stays in it, and only the comments whose group changed are updated and
    reindexed. Comments arriving meanwhile wait for the draft's lock, then are examined
    against the new keys.
    """
    timer = _Timer()
    report = RegroupReport(draft_id=draft.pk)
    with transaction.atomic():
        _lock_draft(draft.pk, regroup=True)
        docs = _DraftTexts.read(draft.pk)
        timer.lap("read_and_normalise")
        signed = docs.words.sign()
        docs.words = WordIds()  # free the word hashes before the next steps
        timer.lap("signatures")
        keys = band_keys(draft.pk, signed.signature, docs.hashes)
        leaders = _leaders(keys)
        component = _components(signed, leaders)
        timer.lap("match")
        _keys_write(draft.pk, keys, leaders, docs.first_doc)
        _fingerprints_write(draft.pk, docs)
        timer.lap("write_keys")
        _groups_write(draft.pk, docs, component, report, timer)
    report.examined = len(docs.pks)
    report.too_short = int(np.count_nonzero(docs.text_of < 0))
    report.texts = len(docs.hashes)
    timer.lap("commit")
    report.seconds = round(timer.total(), 3)
    report.timings = timer.laps
    return report


class _DraftTexts:
    """A draft's top-level comments in id order, each pointing at its distinct text."""

    def __init__(self) -> None:
        self.pks: list[int] = []
        self.status: list[str] = []
        self.old_group: list[int | None] = []
        self.text_of = np.empty(0, dtype=np.int64)  # per comment: its text's index, -1 if short
        self.words = WordIds()  # per distinct text (first occurrence order)
        self.hashes: list[int] = []
        self.first_doc: list[int] = []  # per distinct text: its earliest comment's id

    @classmethod
    def read(cls, draft_id: int) -> _DraftTexts:
        docs = cls()
        index: dict[int, int] = {}
        text_of: list[int] = []
        rows = (
            Feedback.objects.filter(draft_id=draft_id, parent__isnull=True)
            .order_by("pk")
            .values_list("pk", "body", "quote", "status", "duplicate_group_id")
        )
        for pk, body, quote, status, group in rows.iterator(chunk_size=_READ_CHUNK):
            docs.pks.append(pk)
            docs.status.append(status)
            docs.old_group.append(group)
            text = words(body, quote)
            if len(text) < MIN_WORDS:
                text_of.append(-1)
                continue
            digest = text_hash(text)
            position = index.get(digest)
            if position is None:
                position = index[digest] = len(docs.hashes)
                docs.words.add(text)
                docs.hashes.append(digest)
                docs.first_doc.append(pk)
            text_of.append(position)
        docs.text_of = np.array(text_of, dtype=np.int64)
        return docs


def _leaders(keys: np.ndarray) -> np.ndarray:
    """Per text and key column, the index of the first text with the same key."""
    count = len(keys)
    leaders = np.empty(keys.shape, dtype=np.int64)
    positions = np.arange(count)
    for column in range(keys.shape[1]):
        order = np.argsort(keys[:, column], kind="stable")  # equal keys stay in text order
        ordered = keys[order, column]
        starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        first = np.maximum.accumulate(np.where(starts, positions, 0))
        leaders[order, column] = order[first]
    return leaders


def _components(signed: Signed, leaders: np.ndarray) -> np.ndarray:
    """Per text, the smallest text index of its connected part of the similarity graph.

    Each text is compared with the leaders of its keys (as it would have been on arrival);
    a pair already connected through others is not compared again (the parts are the same).
    """
    signature = signed.signature
    count = len(signature)
    texts = np.repeat(np.arange(count, dtype=np.int64), BANDS)
    others = leaders[:, :BANDS].ravel()
    numbered = np.sort((texts * count + others)[texts != others])  # one number per pair
    distinct = numbered[np.diff(numbered, prepend=-1) != 0]
    pairs = np.stack([distinct // count, distinct % count], axis=1)
    scores = np.zeros(len(pairs))
    for start in range(0, len(pairs), 200_000):
        chunk = pairs[start : start + 200_000]
        scores[start : start + len(chunk)] = estimate(
            signature[chunk[:, 0]], signature[chunk[:, 1]]
        )
    kept = scores >= _CANDIDATE  # _similar's early rejection, for all pairs at once
    parent = list(range(count))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    # A campaign's first text leads thousands of pairs: its shingle set is built once.
    uses = np.bincount(pairs[kept][:, 1], minlength=count)
    reused: dict[int, set[int] | None] = dict.fromkeys(np.flatnonzero(uses > 1).tolist())
    for (first, second), score in zip(pairs[kept].tolist(), scores[kept].tolist(), strict=True):
        root_a, root_b = find(first), find(second)
        if root_a == root_b:
            continue
        if score < _CERTAIN:  # _similar will compare the sets: build them (the leader's once)
            theirs = reused.get(second)
            if theirs is None:
                theirs = signed.shingle_set(second)
                if second in reused:
                    reused[second] = theirs
            similar = _similar(score, signed.shingle_set(first), theirs)
        else:
            similar = _similar(score, set(), set())
        if similar:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return np.array([find(node) for node in range(count)], dtype=np.int64)


def _keys_write(
    draft_id: int, keys: np.ndarray, leaders: np.ndarray, first_doc: Sequence[int]
) -> None:
    """Replace the draft's keys: each distinct key once, with its first comment."""
    DuplicateBand.objects.filter(draft_id=draft_id).delete()
    if not len(keys):
        return
    first = np.array(first_doc, dtype=np.int64)
    flat_keys = keys.ravel()
    flat_leaders = first[leaders.ravel()]
    # A key could (with a 2^-64 chance) repeat across columns: keep its earliest comment.
    order = np.lexsort((flat_leaders, flat_keys))
    flat_keys, flat_leaders = flat_keys[order], flat_leaders[order]
    distinct = np.concatenate(([True], flat_keys[1:] != flat_keys[:-1]))
    rows = zip(
        [draft_id] * int(distinct.sum()),
        flat_keys[distinct].tolist(),
        flat_leaders[distinct].tolist(),
        strict=True,
    )
    _bulk_insert(DuplicateBand, ["draft", "key", "feedback"], rows)


def _fingerprints_write(draft_id: int, docs: _DraftTexts) -> None:
    DuplicateFingerprint.objects.filter(feedback__draft_id=draft_id).delete()
    hashes = docs.hashes
    rows = (
        (pk, hashes[position] if position >= 0 else None)
        for pk, position in zip(docs.pks, docs.text_of.tolist(), strict=True)
    )
    _bulk_insert(DuplicateFingerprint, ["feedback", "text_hash"], rows)


def _groups_write(
    draft_id: int, docs: _DraftTexts, component: np.ndarray, report: RegroupReport, timer: _Timer
) -> None:
    """Give each comment its group; keep group ids where the earliest member stays."""
    members: dict[int, list[int]] = {}  # component -> comment positions (id order)
    part_of = component.tolist()
    for position, text in enumerate(docs.text_of.tolist()):
        if text >= 0:
            members.setdefault(part_of[text], []).append(position)
    parts = [positions for positions in members.values() if len(positions) > 1]
    parts.sort(key=lambda positions: positions[0])
    existing = {group.pk: group for group in DuplicateGroup.objects.filter(draft_id=draft_id)}
    now = timezone.now()
    claimed: set[int] = set()
    groups: list[DuplicateGroup] = []
    for positions in parts:
        old = docs.old_group[positions[0]]
        if old is not None and old in existing and old not in claimed:
            claimed.add(old)
            groups.append(existing[old])
        else:
            groups.append(DuplicateGroup(draft_id=draft_id, created_at=now, updated_at=now))
    hashes, text_of = docs.hashes, docs.text_of.tolist()
    kept = []  # existing groups whose size or representative changed
    for group, positions in zip(groups, parts, strict=True):
        before = (group.size, group.representative_id)
        group.size = len(positions)
        group.representative_id = representative(
            (docs.pks[p], docs.status[p], hashes[text_of[p]]) for p in positions
        )
        if group.pk is not None and before != (group.size, group.representative_id):
            group.updated_at = now
            kept.append(group)
    DuplicateGroup.objects.bulk_create(
        [group for group in groups if group.pk is None], batch_size=_WRITE_CHUNK
    )
    DuplicateGroup.objects.bulk_update(
        kept, ["size", "representative", "updated_at"], batch_size=_WRITE_CHUNK
    )
    new_group: list[int | None] = [None] * len(docs.pks)
    for group, positions in zip(groups, parts, strict=True):
        for position in positions:
            new_group[position] = group.pk
    timer.lap("write_groups")

    changes: dict[int | None, list[int]] = {}
    for pk, old, new in zip(docs.pks, docs.old_group, new_group, strict=True):
        if old != new:
            changes.setdefault(new, []).append(pk)
    for group_id, pks in changes.items():
        for start in range(0, len(pks), _WRITE_CHUNK):
            Feedback.objects.filter(pk__in=pks[start : start + _WRITE_CHUNK]).update(
                duplicate_group_id=group_id
            )
    DuplicateGroup.objects.filter(draft_id=draft_id).exclude(
        pk__in=[group.pk for group in groups]
    ).delete()
    timer.lap("write_memberships")
    changed = [pk for pks in changes.values() for pk in pks]
    for start in range(0, len(changed), 50_000):
        feedback_search_enqueue(feedback_ids=changed[start : start + 50_000])
    timer.lap("search_outbox")
    report.groups = len(groups)
    report.grouped = sum(len(positions) for positions in parts)
    report.changed = len(changed)


def _bulk_insert(
    model: type[models.Model], names: list[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Insert many rows of plain values: COPY on PostgreSQL, executemany elsewhere.

    bulk_create builds a model instance per row and a multi-row INSERT: minutes for the
    millions of keys of a large draft, where COPY takes seconds.
    """
    meta = model._meta
    table = meta.db_table
    by_name = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = [by_name[name] for name in names]
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with raw.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        quote = connection.ops.quote_name
        statement_text = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (model names)
            quote(table), ", ".join(map(quote, columns)), ", ".join(["%s"] * len(columns))
        )
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 50_000:
                cursor.executemany(statement_text, batch)
                batch = []
        if batch:
            cursor.executemany(statement_text, batch)


# Reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSummary:
    """A duplicate group as a list shows it: how many comments, and the text they share."""

    group: DuplicateGroup
    count: int
    representative: Feedback | None


def duplicate_groups(*, draft: DraftPage, published_only: bool = False) -> list[GroupSummary]:
    """The draft's duplicate groups, largest first, with their count and representative.

    `published_only` (the public, the synthesis report): only published members are counted,
    a group with fewer than two is left out, and a representative that is not published is
    replaced by the first recorded published member. Otherwise (the drafting body) every member
    counts.
    """
    groups = list(DuplicateGroup.objects.filter(draft=draft).order_by("-size", "pk"))
    if not published_only:
        wanted = {group.representative_id for group in groups if group.representative_id}
        comments = Feedback.objects.in_bulk(wanted)
        return [
            GroupSummary(group, group.size, comments.get(group.representative_id or 0))
            for group in groups
        ]
    published = Feedback.objects.filter(
        duplicate_group__draft=draft, status=FeedbackStatus.PUBLISHED
    )
    counts = _published_member_counts(draft=draft)
    shown = [group for group in groups if counts.get(group.pk, 0) >= 2]
    comments = published.in_bulk({g.representative_id for g in shown if g.representative_id})
    missing = [group.pk for group in shown if group.representative_id not in comments]
    fallback: dict[int, Feedback] = {}
    for comment in published.filter(duplicate_group__in=missing).order_by("pk"):
        fallback.setdefault(comment.duplicate_group_id or 0, comment)
    summaries = [
        GroupSummary(
            group,
            counts[group.pk],
            comments.get(group.representative_id or 0) or fallback.get(group.pk),
        )
        for group in shown
    ]
    return sorted(summaries, key=lambda summary: (-summary.count, summary.group.pk))


def public_group_ids(*, draft: DraftPage) -> set[int]:
    """The draft's groups as the public sees them: at least two published members."""
    return {pk for pk, count in _published_member_counts(draft=draft).items() if count >= 2}


def _published_member_counts(*, draft: DraftPage) -> dict[int, int]:
    """Group id → its published members."""
    return dict(
        Feedback.objects.filter(duplicate_group__draft=draft, status=FeedbackStatus.PUBLISHED)
        .values("duplicate_group")
        .annotate(n=Count("pk"))
        .values_list("duplicate_group", "n")
    )


def duplicate_group_members(
    *, group: DuplicateGroup, published_only: bool = False
) -> models.QuerySet[Feedback]:
    """The group's comments, earliest first (only the published ones for the public)."""
    members = Feedback.objects.filter(duplicate_group=group)
    if published_only:
        members = members.filter(status=FeedbackStatus.PUBLISHED)
    return members.order_by("created_at", "pk")
