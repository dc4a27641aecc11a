"""List a catalogue's untranslated strings as lines for po_fill.py, and split lines written
for French and Spanish together into one file per language.

    python scripts/po_todo.py todo locale/fr/LC_MESSAGES/django.po > todo.txt
    # write each line's right side as `French ||| Spanish`, e.g.
    #   Close => Clôturer ||| Cerrar
    #   %(n)s day || %(n)s days => %(n)s jour || %(n)s jours ||| %(n)s día || %(n)s días
    python scripts/po_todo.py split todo.txt fr.txt es.txt
    python scripts/po_fill.py locale/fr/LC_MESSAGES/django.po fr.txt
    python scripts/po_fill.py locale/es/LC_MESSAGES/django.po es.txt
Spanish has three plural forms (one, millions, other); two given forms fill the third with
the second. Placeholders (%(name)s, %d, {name}) must match the English: split refuses a line
whose translation drops or adds one."""

import re
import sys
from pathlib import Path

from po_fill import _field, parse_entries

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def todo(catalogue: str) -> int:
    for entry in parse_entries(Path(catalogue).read_text(encoding="utf-8")):
        msgid = _field(entry, "msgid")
        if not msgid:
            continue
        plural = _field(entry, "msgid_plural")
        current = _field(entry, "msgstr" if plural is None else "msgstr[0]")
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in entry)
        if current and not fuzzy:
            continue
        context = _field(entry, "msgctxt")
        left = (f"{context} :: " if context else "") + msgid
        print(left + (f" || {plural}" if plural is not None else "") + " => ")
    return 0


def split(source: str, french: str, spanish: str) -> int:
    out: dict[str, list[str]] = {"fr": [], "es": []}
    bad = 0
    for raw in Path(source).read_text(encoding="utf-8").splitlines():
        if "=>" not in raw or raw.lstrip().startswith("#"):
            continue
        left, right = (part.strip() for part in raw.split(" => ", 1))
        sides = [side.strip() for side in right.split(" ||| ")]
        english = left.split(" :: ", 1)[-1]
        wanted = sorted(PLACEHOLDER.findall(english.split(" || ")[-1]))
        if len(sides) != 2:
            print(f"needs `French ||| Spanish`: {raw}")
            bad += 1
            continue
        for language, side in zip(("fr", "es"), sides, strict=True):
            forms = [form.strip() for form in side.split(" || ")]
            if " || " in english and language == "es" and len(forms) == 2:
                forms.append(forms[1])
            for form in forms[-1:]:
                if sorted(PLACEHOLDER.findall(form)) != wanted:
                    print(f"placeholders differ ({language}): {raw}")
                    bad += 1
            out[language].append(f"{left} => {' || '.join(forms)}")
    Path(french).write_text("\n".join(out["fr"]) + "\n", encoding="utf-8")
    Path(spanish).write_text("\n".join(out["es"]) + "\n", encoding="utf-8")
    return 1 if bad else 0


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    sys.exit(todo(*arguments) if command == "todo" else split(*arguments))
