"""Vietnamese text as search sees it: NFC normalisation and diacritic folding."""

import unicodedata

# đ/Đ have no Unicode decomposition: NFKD alone would drop them instead of folding them to d/D.
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Đất đai" -> "dat dai"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_D_STROKE).lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
