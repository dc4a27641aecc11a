"""What the hall display says for a call: a list of pre-rendered clips (and a sentence for
the browser's own voice, when it has a good one). See docs/decisions/0005."""

import re

from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _

from mithaq.common.text import to_arabic_indic_digits

LANGUAGES = ("ar", "en")
# A pause between the ticket and the window, in the clip lists the page plays.
PAUSE = ","
# The few words the call needs, as espeak-ng should read them (Arabic with the vowel marks
# that make it say "ar-raqam" and "ash-shubbāk").
WORDS = {
    "ar": {"number": "الرَّقَم", "window": "الشُّبّاك", "and": "وَ"},
    "en": {"number": "number", "window": "window", "and": "and"},
}
# Ticket letters are Latin (A, B, ...); in Arabic they are said by their usual names.
LETTER_NAMES = {
    "ar": dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "إيه بي سي دي إي إِف جي إِتْش آي جيه كيه إِل إِم إِن أو بي كيو آر إِس تي يو في دبليو إِكْس واي زِد".split(),
            strict=True,
        )
    ),
    "en": {letter: letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
}
# Every number up to 999 is said with these: units and teens, tens, hundreds.
NUMBERS = [*range(20), *range(20, 100, 10), *range(100, 1000, 100)]
TICKET = re.compile(r"(?P<letters>[A-Za-z]*)0*(?P<number>\d+)")


def clip_texts(language: str) -> dict[str, str]:
    """Clip name -> the text espeak-ng renders for it (the render command's work list)."""
    texts = {name: text for name, text in WORDS[language].items()}
    texts |= {f"letter-{k.lower()}": v for k, v in LETTER_NAMES[language].items()}
    texts |= {f"n{n}": str(n) for n in NUMBERS}
    return texts


def clip_path(language: str, name: str) -> str:
    return f"walkin/speech/{language}/{name}.wav"


def clip_urls(language: str) -> dict[str, str]:
    return {name: static(clip_path(language, name)) for name in clip_texts(language)}


def _below_hundred(n: int, language: str) -> list[str]:
    if n < 20 or n % 10 == 0:
        return [f"n{n}"]
    tens, units = n - n % 10, n % 10
    # Arabic says the units first: 45 is "five and forty".
    return [f"n{units}", "and", f"n{tens}"] if language == "ar" else [f"n{tens}", f"n{units}"]


def number_clips(n: int, language: str) -> list[str]:
    """217 -> ["n200", "and", "n17"]: numbers up to 999 as said; longer ones digit by digit."""
    if n >= 1000:
        return [f"n{digit}" for digit in str(n)]
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _below_hundred(rest, language)
    clips = [f"n{hundreds * 100}"]
    if rest:
        clips += ["and", *_below_hundred(rest, language)]
    return clips


def call_clips(ticket: str, window: int | str | None, language: str) -> list[str]:
    """The clips of "number A017, window 3" in `language`, in order."""
    clips = ["number"]
    match = TICKET.fullmatch(ticket or "")
    if match:
        clips += [
            f"letter-{c.lower()}" for c in match["letters"].upper() if c in LETTER_NAMES[language]
        ]
        clips += number_clips(int(match["number"]), language)
    if window not in (None, ""):
        clips += [PAUSE, "window", *number_clips(int(window), language)]
    return clips


def call_sentence(ticket: str, window: int | str | None, language: str) -> str:
    """The same call as one sentence, for the browser's own voice."""
    match = TICKET.fullmatch(ticket or "")
    spoken = f"{match['letters']} {int(match['number'])}" if match else ticket
    with translation.override(language):
        if window in (None, ""):
            return _("Number %(ticket)s") % {"ticket": spoken}
        window = str(window)
        if language == "ar":
            window = to_arabic_indic_digits(window)
        return _("Number %(ticket)s, window %(window)s") % {"ticket": spoken, "window": window}


def announcement(payload: dict) -> dict | None:
    """For a call or a recall: what each language says; None for other events."""
    if payload.get("event") not in {"called", "recalled"} or not payload.get("ticket"):
        return None
    ticket, window = payload["ticket"], payload.get("counter")
    return {
        language: {
            "clips": call_clips(ticket, window, language),
            "text": call_sentence(ticket, window, language),
        }
        for language in LANGUAGES
    }
