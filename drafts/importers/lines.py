"""The shape of one line of a legal text: normalisation, capitals, final punctuation, table rows."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters and the soft hyphen carry nothing a reader sees; the Icelandic eth is a
# look-alike of "Đ" that old Vietnamese fonts and converters produce ("Ðiều 5").
_TRANSLATION = {
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),
    ord("\u00d0"): "\u0110",
    ord("\u00f0"): "\u0111",
}
_WHITESPACE = re.compile(r"\s+")
RULE_LINE = re.compile(r"^[-_=*~–—\s]{3,}$")
# Markdown left by an HTML-to-text conversion: "**Điều 1.** Phạm vi", "## Chương I".
_MARKDOWN = re.compile(r"\*\*|^\s*#{1,6} ")
_EMPHASIS_LINE = re.compile(r"^\*(?=\S)(.*\S)\*$")
_TRAILING_CLOSERS = '”»"’)] '


def clean_line(text: str) -> str:
    """One paragraph, NFC-normalised, invisible characters dropped, runs of spaces collapsed."""
    text = unicodedata.normalize("NFC", text.translate(_TRANSLATION))
    text = _WHITESPACE.sub(" ", _MARKDOWN.sub("", text)).strip()
    emphasised = _EMPHASIS_LINE.match(text)  # "*Căn cứ Luật ...;*"
    return emphasised[1] if emphasised else text


def is_upper(text: str) -> bool:
    """An upper-case line: has letters and no lower-case one (digits and Roman numerals allowed)."""
    return text == text.upper() and sum(char.isalpha() for char in text) >= 2


def final_char(text: str) -> str:
    stripped = text.rstrip(_TRAILING_CLOSERS)
    return stripped[-1:] if stripped else ""


def ends_sentence(text: str) -> bool:
    return final_char(text) in (".", ";", "!", "?", "…")


def strip_period(text: str) -> str:
    if text.endswith(".") and not text.endswith(("..", "./.")):
        return text[:-1].rstrip()
    return text


def is_table_row(text: str) -> bool:
    return text.startswith("|")


def is_table_rule(text: str) -> bool:
    return not text.strip("|:- ")


def table_cells(text: str) -> list[str]:
    return [cell for cell in (part.strip() for part in text.strip("|").split("|")) if cell]
