"""Numbering continuity: the numbers seen at each level of a text, and warnings on gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext

from .labels import Key, Label
from .structure import Kind, ParsedProvision

KIND_NAMES = {
    Kind.PART: "Phần",
    Kind.CHAPTER: "Chương",
    Kind.SECTION: "Mục",
    Kind.SUBSECTION: "Tiểu mục",
    Kind.ARTICLE: "Điều",
    Kind.CLAUSE: "khoản",
}


@dataclass
class NumberSequence:
    """The numbers seen at one level (articles of a document, clauses of an article...)."""

    last: Key | None = None
    last_num: str = ""
    seen: set[Key] = field(default_factory=set)
    first: int = 1

    def add(self, key: Key, num: str) -> str:
        """Record a number; return "", "duplicate", "gap", "order" or "start"."""
        problem = ""
        if key in self.seen:
            problem = "duplicate"
        elif self.last is None:
            problem = "" if key[0] == self.first else "start"
        elif key < self.last:
            problem = "order"
        elif key[0] > self.last[0] + 1:
            problem = "gap"
        self.seen.add(key)
        if problem != "duplicate" or self.last is None or key > self.last:
            self.last, self.last_num = key, num
        return problem


def provision_name(provision: ParsedProvision | None) -> str:
    """ "Chương II", "Mục 1": where a numbering warning applies."""
    return f"{KIND_NAMES[provision.kind]} {provision.num}" if provision is not None else ""


def sequence_warning(sequence: NumberSequence, label: Label, where: str) -> str:
    """Record the label's number in its sequence; the warning it calls for, or ""."""
    previous = sequence.last_num
    problem = sequence.add(label.key, label.num)
    if not problem:
        return ""
    name = KIND_NAMES[label.kind]
    values = {"name": name, "num": label.num, "previous": previous, "where": where}
    if problem == "duplicate":
        message = gettext("%(name)s %(num)s appears twice")
    elif problem == "start":
        message = gettext("the first %(name)s is %(name)s %(num)s")
    else:
        message = gettext("%(name)s %(previous)s is followed by %(name)s %(num)s")
    message %= values
    if where:
        message = gettext("%(message)s in %(where)s") % {"message": message, "where": where}
    return message


def point_warning(
    points: NumberSequence,
    label: Label,
    article: ParsedProvision | None,
    parent: ParsedProvision,
) -> str:
    """Record the letter of a point under `parent`; the warning it calls for, or ""."""
    previous = points.last_num
    problem = points.add(label.key, label.num)
    if not problem:
        return ""
    where = f"Điều {article.num}" if article else ""
    if parent.kind is Kind.CLAUSE:
        where = f"{where} khoản {parent.num}"
    values = {"num": label.num, "previous": previous, "where": where}
    if problem == "duplicate":
        message = gettext("point %(num)s) appears twice in %(where)s")
    elif problem == "start":
        message = gettext("the first point of %(where)s is %(num)s)")
    else:
        message = gettext("point %(previous)s) is followed by %(num)s) in %(where)s")
    return message % values
