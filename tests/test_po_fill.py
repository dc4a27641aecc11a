"""scripts/po_fill.py fills a catalogue from `English => translation` lines; read back through
GNU gettext's own compiler and Python's gettext, a new line and quotes survive as written."""

import gettext
import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "po_fill.py"
CATALOGUE = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Line one\nLine \"two\""
msgstr ""

msgctxt "state"
msgid "Open"
msgstr ""

msgid "Already"
msgstr "Déjà"

msgid "%(n)s case"
msgid_plural "%(n)s cases"
msgstr[0] ""
msgstr[1] ""
"""
PENDING = (
    'Line one\\nLine "two" => Ligne un\\nLigne « deux » "b"\n'
    "state :: Open => Ouverte\n"
    "Already => Encore\n"
    "%(n)s case || %(n)s cases => %(n)s dossier || %(n)s dossiers\n"
    "Missing => Absent\n"
)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_filled_catalogue_reads_back_through_gettext(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("po_fill", SCRIPT)
    po_fill = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(po_fill)
    po, pending = tmp_path / "django.po", tmp_path / "fr.txt"
    po.write_text(CATALOGUE, encoding="utf-8")
    pending.write_text(PENDING, encoding="utf-8")

    po_fill.main(str(po), [str(pending)])

    assert "not in the catalogue: Missing" in capsys.readouterr().out
    mo = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.gettext('Line one\nLine "two"') == 'Ligne un\nLigne « deux » "b"'
    assert catalogue.pgettext("state", "Open") == "Ouverte"
    assert catalogue.gettext("Already") == "Déjà"  # a translation already there is kept
    assert catalogue.ngettext("%(n)s case", "%(n)s cases", 3) == "%(n)s dossiers"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_replace_corrects_a_translation_already_there(tmp_path):
    spec = importlib.util.spec_from_file_location("po_fill", SCRIPT)
    po_fill = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(po_fill)
    po, pending = tmp_path / "django.po", tmp_path / "fr.txt"
    po.write_text(CATALOGUE, encoding="utf-8")
    pending.write_text("Already => Encore\n", encoding="utf-8")

    po_fill.main(str(po), [str(pending)], replace=True)

    mo = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Already") == "Encore"
