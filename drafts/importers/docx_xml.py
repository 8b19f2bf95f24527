"""WordprocessingML names and attribute values, shared by the .docx reader's modules."""

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w_tag(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def on_off(properties: etree._Element | None, tag: str) -> bool | None:
    """An OOXML toggle (<w:b/>, <w:b w:val="0"/>) or None when the properties do not set it."""
    if properties is None:
        return None
    element = properties.find(w_tag(tag))
    if element is None:
        return None
    return element.get(w_tag("val"), "true").lower() not in ("0", "false", "off")


def int_value(value: str | None, default: int) -> int:
    """An integer attribute, or the default when it is missing or not a number."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def outline_level(value: str | None) -> int | None:
    """Heading level from w:outlineLvl (0-8; 9 means body text)."""
    level = int_value(value, 9)
    return level + 1 if 0 <= level < 9 else None


def w_val(properties: etree._Element | None, path: str) -> str | None:
    if properties is None:
        return None
    element = properties.find(path, {"w": W_NS})
    return None if element is None else element.get(w_tag("val"))
