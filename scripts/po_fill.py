"""Fill empty Arabic translations in a .po file from `msgid => msgstr` lines on stdin.

For the few strings a developer adds between translation passes:
    printf 'Messages => الرسائل\n' | python scripts/po_fill.py locale/ar/LC_MESSAGES/django.po
Only entries with an empty msgstr and no context or plural are filled; others are reported."""

import re
import sys


def main(path: str) -> int:
    pairs = {}
    for line in sys.stdin:
        if "=>" in line:
            source, target = (part.strip() for part in line.split("=>", 1))
            pairs[source] = target
    text = open(path, encoding="utf-8").read()
    missing = []
    for source, target in pairs.items():
        escaped = source.replace("\\", "\\\\").replace('"', '\\"')
        pattern = re.compile(rf'(\nmsgid "{re.escape(escaped)}"\n)msgstr ""\n')
        text, count = pattern.subn(lambda m, t=target: f'{m.group(1)}msgstr "{t}"\n', text)
        if count == 0:
            missing.append(source)
    open(path, "w", encoding="utf-8").write(text)
    for source in missing:
        print(f"not filled (absent, already translated, or with context): {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
