"""Arabic text normalisation and digit handling shared by forms, search and display."""

import re
import unicodedata

# Arabic-Indic (U+0660..) and Extended/Persian (U+06F0..) digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_TO_ARABIC_INDIC = {ord(str(i)): c for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}

_HARAKAT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        # Persian/Kurdish keyboards, common in Iraq, type these for ي and ك.
        "ی": "ي",
        "ک": "ك",
    }
)
_SPACES = re.compile(r"\s+")


def to_ascii_digits(value: str) -> str:
    """Arabic-Indic and Persian digits become 0-9; everything else is kept."""
    return value.translate(_DIGITS)


def to_arabic_indic_digits(value: str) -> str:
    return value.translate(_TO_ARABIC_INDIC)


def normalize_arabic(value: str) -> str:
    """The form under which Arabic text is compared: no diacritics or tatweel, one alef,
    ta marbuta as ha, alef maqsura as ya, ASCII digits, lower case, single spaces."""
    value = unicodedata.normalize("NFKC", value)
    value = _HARAKAT.sub("", value).replace(_TATWEEL, "")
    value = value.translate(_LETTERS)
    value = to_ascii_digits(value).casefold()
    # Again: removing a mark can bring a letter and its accent together (e + tatweel + ́).
    value = unicodedata.normalize("NFKC", value)
    return _SPACES.sub(" ", value).strip()


# First-strong isolate / pop directional isolate: a code, date, phone or URL inside plain
# right-to-left text (an SMS, a textarea) keeps its own order, as <bdi> does in HTML.
FSI, PDI = "\u2068", "\u2069"


def isolate(value: str) -> str:
    """`value` between FSI and PDI; an empty or already isolated value is returned as is."""
    if not value or (value.startswith(FSI) and value.endswith(PDI)):
        return value
    return f"{FSI}{value}{PDI}"
