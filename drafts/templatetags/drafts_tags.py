"""Template helpers for draft texts."""

from django import template
from django.utils.translation import gettext as _

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
    }


@register.filter
def eid_label(eid: str) -> str:
    """'art_5__para_2__point_dd' → 'Điều 5, khoản 2, điểm đ' (readable name of a provision)."""
    names = _names()
    parts = []
    for component in eid.split("__"):
        prefix, _separator, number = component.partition("_")
        if prefix == "point":
            number = number.replace("dd", "đ")
        parts.append(f"{names.get(prefix, prefix)} {number}".strip())
    return ", ".join(parts)
