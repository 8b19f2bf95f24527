"""User-written text made safe to store: NFC, no invisible or direction-changing characters."""

import re
import unicodedata

from search.text import nfc

# Zero-width characters, the BOM, soft hyphen, and every bidirectional control: they hide text
# or reverse how it reads ("RTL override" tricks), and carry nothing a reader needs.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
        "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    None,
)
# Other control characters, except the line break and the tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Vietnamese needs at most two marks on a letter (â + ́); more is a "Zalgo" flood.
_MARKS = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_MARK_FLOOD = re.compile(f"({_MARKS}{{2}}){_MARKS}+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_text(value: str, *, multiline: bool = True) -> str:
    """The text as the user meant it, safe to store and show (HTML is escaped on output).

    Decomposed Vietnamese ("e" + U+0302 + U+0301) becomes the composed letters; line breaks are
    kept (at most one blank line in a row) when `multiline`.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = _CONTROL.sub("", text)
    text = _MARK_FLOOD.sub(r"\1", unicodedata.normalize("NFD", text))
    text = nfc(text)
    if not multiline:
        return _SPACES.sub(" ", text.replace("\n", " ")).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
