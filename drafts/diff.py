"""Compare two versions of a draft: provisions added, removed, changed, with word-level changes.

Provisions are aligned by eid; those left over on both sides (renumbered ones) are paired by text
similarity, so "Điều 7" that became "Điều 8" shows as changed, not as removed plus added.
"""

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from .models import DraftVersion, Provision

SIMILARITY_THRESHOLD = 0.6  # to pair provisions whose eid changed (renumbered)
SAME_EID_THRESHOLD = 0.3  # below this, the same eid now holds a different provision
PAIRING_WINDOW = 20  # renumbering shifts provisions by a few places, not across the document
WORDS = re.compile(r"\S+\s*|\s+")  # a word with the space after it


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "insert", "delete"
    text: str


@dataclass(frozen=True)
class ProvisionChange:
    change: Change
    old: Provision | None
    new: Provision | None
    heading: tuple[Segment, ...] = ()
    text: tuple[Segment, ...] = ()
    renumbered: bool = False

    @property
    def provision(self) -> Provision:
        provision = self.new or self.old
        if provision is None:  # never: a change has at least one side
            raise ValueError("A change without a provision")
        return provision


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level changes, keeping the whitespace so the text reads as printed."""
    before, after = WORDS.findall(old), WORDS.findall(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    segments: list[Segment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(before[a1:a2])))
            continue
        if a2 > a1:
            segments.append(Segment("delete", "".join(before[a1:a2])))
        if b2 > b1:
            segments.append(Segment("insert", "".join(after[b1:b2])))
    return tuple(segments)


def _content(provision: Provision) -> str:
    return f"{provision.heading}\n{provision.text}"


def _similarity(old: Provision, new: Provision) -> float:
    return difflib.SequenceMatcher(
        a=_content(old).split(), b=_content(new).split(), autojunk=False
    ).ratio()


def _pair_by_similarity(old: list[Provision], new: list[Provision]) -> dict[int, Provision]:
    """Best matches of the same kind above the threshold, greedily by similarity.

    Each leftover is compared only with leftovers of its kind at a nearby position, so a draft
    renumbered from top to bottom costs a few comparisons per provision, not all pairs.
    """
    candidates = []
    for kind in {provision.kind for provision in old}:
        old_of_kind = [p for p in old if p.kind == kind]
        new_of_kind = [p for p in new if p.kind == kind]
        for index_a, a in enumerate(old_of_kind):
            low, high = max(index_a - PAIRING_WINDOW, 0), index_a + PAIRING_WINDOW + 1
            for b in new_of_kind[low:high]:
                candidates.append((_similarity(a, b), a.order, b.order, a, b))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    pairs: dict[int, Provision] = {}
    for score, _, _, a, b in candidates:
        if score < SIMILARITY_THRESHOLD:
            break
        if a.pk in taken_old or b.pk in taken_new:
            continue
        taken_old.add(a.pk)
        taken_new.add(b.pk)
        pairs[b.pk] = a
    return pairs


def compare_versions(*, old: DraftVersion, new: DraftVersion) -> list[ProvisionChange]:
    """Every provision of both versions in the new version's order, removed ones where they were."""
    old_provisions = list(old.provisions.order_by("order"))
    new_provisions = list(new.provisions.order_by("order"))
    old_by_eid = {provision.eid: provision for provision in old_provisions}

    matched: dict[int, Provision] = {}
    for provision in new_provisions:
        before = old_by_eid.get(provision.eid)
        if before is not None and (
            _content(before) == _content(provision)
            or _similarity(before, provision) >= SAME_EID_THRESHOLD
        ):
            matched[provision.pk] = before
    matched_pks = {provision.pk for provision in matched.values()}
    leftover_old = [p for p in old_provisions if p.pk not in matched_pks]
    leftover_new = [p for p in new_provisions if p.pk not in matched]
    matched.update(_pair_by_similarity(leftover_old, leftover_new))
    matched_old_pks = {provision.pk for provision in matched.values()}

    changes: list[ProvisionChange] = []
    removed = [p for p in old_provisions if p.pk not in matched_old_pks]
    for provision in new_provisions:
        # Removed provisions appear before the first new provision that came after them.
        while removed and _precedes(removed[0], provision, matched):
            changes.append(ProvisionChange(Change.REMOVED, removed.pop(0), None))
        before = matched.get(provision.pk)
        if before is None:
            changes.append(ProvisionChange(Change.ADDED, None, provision))
            continue
        same = before.heading == provision.heading and before.text == provision.text
        changes.append(
            ProvisionChange(
                Change.UNCHANGED if same and before.eid == provision.eid else Change.CHANGED,
                before,
                provision,
                heading=word_diff(before.heading, provision.heading),
                text=word_diff(before.text, provision.text),
                renumbered=before.eid != provision.eid,
            )
        )
    changes.extend(ProvisionChange(Change.REMOVED, provision, None) for provision in removed)
    return changes


def _precedes(removed: Provision, new: Provision, matched: dict[int, Provision]) -> bool:
    counterpart = matched.get(new.pk)
    return counterpart is not None and removed.order < counterpart.order
