"""Template helpers for draft texts."""

from collections.abc import Iterable
from typing import Protocol

from django import template
from django.utils.translation import gettext as _

from drafts.importers.structure import attachment_prefix

register = template.Library()


def _names() -> dict[str, str]:
    # Looked up per call: the words follow the language of the request.
    return {
        "part": _("Part"),
        "chp": _("Chapter"),
        "sec": _("Section"),
        "subsec": _("Subsection"),
        "art": _("Article"),
        "para": _("clause"),
        "point": _("point"),
        "att": _("Attachment"),
    }


@register.filter
def eid_label(eid: str) -> str:
    """'art_5__para_2__point_dd' → 'Điều 5, khoản 2, điểm đ' (readable name of a provision);
    'att_1__art_5' → 'Attachment 1, Điều 5' (an article of the regulation a decision issues)."""
    names = _names()
    parts = []
    for component in eid.split("__"):
        prefix, _separator, number = component.partition("_")
        if prefix == "point":
            number = number.replace("dd", "đ")
        parts.append(f"{names.get(prefix, prefix)} {number}".strip())
    return ", ".join(parts)


class _HasEid(Protocol):
    @property
    def eid(self) -> str: ...


@register.simple_tag
def attachment_groups(
    nodes: Iterable[_HasEid], attachments: list[dict] | None
) -> list[tuple[dict | None, list[_HasEid]]]:
    """The top-level nodes of a text in runs: (None, the document's own provisions), then
    (attachment, its provisions) for each regulation attached to it, heading and note included.
    An attachment without provisions still gets its run, so its heading is shown."""
    known = {item.get("eid_prefix", ""): item for item in attachments or []}
    groups: list[tuple[dict | None, list[_HasEid]]] = []
    seen: set[str] = set()
    for node in nodes:
        prefix = attachment_prefix(node.eid)
        if prefix and prefix not in seen:
            seen.add(prefix)
            attachment = known.get(prefix) or {"eid_prefix": prefix, "heading": "", "note": ""}
            groups.append((attachment, []))
        elif not groups:
            groups.append((None, []))
        groups[-1][1].append(node)
    groups.extend((item, []) for prefix, item in known.items() if prefix not in seen)
    return groups
