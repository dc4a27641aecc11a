"""Fill untranslated entries of a .po file from lines of `English => translation`.

For strings added between translation passes (run `make messages` first so they exist):
    python scripts/po_fill.py locale/ar/LC_MESSAGES/django.po locale/ar/pending/*.txt
Line forms:
    English => عربي
    context :: English => عربي                       (pgettext)
    singular || plural => f0 || f1 || f2 || f3 || f4 || f5   (ngettext; Arabic has six forms)
Only empty translations are filled (and fuzzy guesses replaced); lines whose msgid is not in
the catalogue are reported. With --replace first, the lines' translations replace the ones in
the catalogue too (a correction). A line's texts are written as in a .po file: `\\n` is a new line,
`\\t` a tab, `\\\\` one backslash; quotes need no escape."""

import re
import sys
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    """The text a .po escape sequence stands for (`\\n` → a new line)."""
    return re.sub(r'\\([nt"\\])', lambda m: _ESCAPES[m.group(1)], text)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def _unquote_block(lines: list[str]) -> str:
    return _unescape(
        "".join(re.match(r'^(?:msg\w+(?:\[\d\])?\s+)?"(.*)"$', line).group(1) for line in lines)
    )


def parse_entries(text: str):
    """Split a catalogue into entries (lists of lines), keeping everything verbatim."""
    return [block.split("\n") for block in text.strip("\n").split("\n\n")]


def _field(entry, name):
    lines, taking = [], False
    for line in entry:
        if line.startswith(name + " ") or (taking and line.startswith('"')):
            if line.startswith(name + " "):
                taking = True
            lines.append(line)
        elif taking:
            break
    return _unquote_block(lines) if lines else None


def fill(entry, translation):
    """Return the entry with its msgstr(s) replaced and any fuzzy flag removed."""
    out = []
    for line in entry:
        if line.startswith("#| "):
            continue
        if line.startswith("#,") and "fuzzy" in line:
            flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
            if flags:
                out.append("#, " + ", ".join(flags))
            continue
        out.append(line)
    start = next(i for i, line in enumerate(out) if line.startswith("msgstr"))
    out = out[:start]
    if isinstance(translation, list):
        out += [f'msgstr[{i}] "{_quote(form)}"' for i, form in enumerate(translation)]
    else:
        out.append(f'msgstr "{_quote(translation)}"')
    return out


def main(catalogue: str, sources: list[str], *, replace: bool = False) -> int:
    wanted = {}
    for source in sources:
        for raw in Path(source).read_text(encoding="utf-8").splitlines():
            if "=>" not in raw or raw.lstrip().startswith("#"):
                continue
            left, right = (_unescape(part.strip()) for part in raw.split("=>", 1))
            context = None
            if " :: " in left:
                context, left = (part.strip() for part in left.split(" :: ", 1))
            if " || " in left:
                singular = left.split(" || ")[0].strip()
                wanted[(context, singular)] = [f.strip() for f in right.split(" || ")]
            else:
                wanted[(context, left)] = right
    path = Path(catalogue)
    entries = parse_entries(path.read_text(encoding="utf-8"))
    done = set()
    for index, entry in enumerate(entries):
        msgid = _field(entry, "msgid")
        if not msgid:
            continue
        key = (_field(entry, "msgctxt"), msgid)
        if key not in wanted:
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in entry)
        current = (
            [_field(entry, f"msgstr[{i}]") for i in range(6)]
            if _field(entry, "msgid_plural") is not None
            else [_field(entry, "msgstr")]
        )
        if any(current) and not fuzzy and not replace:
            done.add(key)
            continue
        entries[index] = fill(entry, wanted[key])
        done.add(key)
    path.write_text("\n\n".join("\n".join(e) for e in entries) + "\n", encoding="utf-8")
    for context, msgid in sorted(set(wanted) - done, key=str):
        print(f"not in the catalogue: {context + ' :: ' if context else ''}{msgid}")
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    replace = arguments[:1] == ["--replace"]
    if replace:
        arguments = arguments[1:]
    sys.exit(main(arguments[0], arguments[1:], replace=replace))
