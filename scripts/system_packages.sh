#!/usr/bin/env bash
# Make sure the system tools the tests use are present, installing them with apt-get when we can:
# Chromium (browser tests, driven by Playwright; its own browser download is never used),
# gettext (msgfmt/xgettext, for the translation checks), poppler-utils and a font with Arabic glyphs.
set -euo pipefail

missing=()
# `system_packages.sh bench` also wants wrk, the load generator of `make bench`.
if [ "${1:-}" = "bench" ] && ! command -v wrk >/dev/null; then
    missing+=(wrk)
fi
if [ ! -x "${MITHAQ_CHROMIUM:-/usr/bin/chromium}" ]; then
    missing+=(chromium)
fi
if ! command -v msgfmt >/dev/null || ! command -v xgettext >/dev/null; then
    missing+=(gettext)
fi
# poppler-utils: pdftotext and pdftoppm read back the PDFs (reports, signage) in tests.
if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
    missing+=(poppler-utils)
fi
if ! command -v fc-list >/dev/null; then
    missing+=(fontconfig fonts-noto-core)
elif [ -z "$(fc-list :lang=ar)" ]; then
    missing+=(fonts-noto-core)
fi
# The report PDFs are set in DejaVu Sans (mithaq/reports/render.py).
if command -v fc-list >/dev/null && [ -z "$(fc-list 'DejaVu Sans')" ]; then
    missing+=(fonts-dejavu-core)
fi
# dovecot-imapd: the office mailbox's tests start a throwaway Dovecot on loopback
# (mithaq/intake/tests/test_mailbox.py).
if [ ! -x /usr/sbin/dovecot ]; then
    missing+=(dovecot-imapd)
fi

# clamav-daemon: the optional antivirus hook is tested against a real clamd started by the test
# with a one-signature database of its own (mithaq/common/tests/test_upload_hardening.py).
if [ ! -x /usr/sbin/clamd ]; then
    missing+=(clamav-daemon)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "system_packages: missing ${missing[*]}; install them with:" >&2
    echo "    sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    echo "system_packages: tests that need them will be skipped (or fail where required)." >&2
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "system_packages: missing ${missing[*]} and no apt-get to install them with." >&2
    exit 0
fi

echo "system_packages: installing ${missing[*]}" >&2
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -q)
"${apt[@]}" update </dev/null
"${apt[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null
