"""The automatic holds: abusive words, links and personal data send a comment to a moderator."""

import re
from functools import cache
from pathlib import Path

from search.text import fold

from .choices import HoldReason

_WORDS_FILE = Path(__file__).parent / "data" / "abusive_words.txt"
_WORD = re.compile(r"\w+")
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|info|biz|io|xyz|me|ly)\b",
    re.IGNORECASE,
)
# Vietnamese mobile and landline numbers (with spaces, dots or dashes between groups), and the
# 9-digit (CMND) or 12-digit (CCCD) identity card numbers.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)[\s.-]?(?:\d[\s.-]?){8,9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{9}|\d{12})(?!\d)")


@cache
def _abusive_entries() -> tuple[tuple[str, ...], ...]:
    lines = _WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(
        tuple(_WORD.findall(line.lower())) for line in lines if line and not line.startswith("#")
    )


def _token_matches(token: str, entry: str, *, folded: bool) -> bool:
    # A word typed with diacritics must match exactly; one typed without them matches folded.
    return token == entry or (folded and token.isascii() and token == fold(entry))


def has_abusive_words(text: str) -> bool:
    """Whether the text holds an entry of the list, with or without its diacritics.

    Single words match only as written: without diacritics too many innocent syllables fold
    to the same letters ("cac" is usually "các"); phrases are specific enough to match folded.
    """
    tokens = _WORD.findall(text.lower())
    for entry in _abusive_entries():
        size, folded = len(entry), len(entry) > 1
        for start in range(len(tokens) - size + 1):
            if all(_token_matches(tokens[start + i], entry[i], folded=folded) for i in range(size)):
                return True
    return False


def hold_reasons(*texts: str) -> list[str]:
    """Why these texts (body, quote, suggestion) need a moderator before they are shown."""
    text = "\n".join(texts)
    reasons = []
    if has_abusive_words(text):
        reasons.append(HoldReason.ABUSIVE_WORDS)
    if _LINK.search(text):
        reasons.append(HoldReason.LINK)
    if _PHONE.search(text) or _ID_NUMBER.search(text):
        reasons.append(HoldReason.PERSONAL_DATA)
    return [str(reason) for reason in reasons]
