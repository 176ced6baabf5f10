#!/bin/sh
# deps.sh — install the Debian packages Referat needs, if any are missing.
# A quick no-op when everything is present (one dpkg-query call).
set -eu
# web UI (issue 7): libmicrohttpd for the server; chromium and a font for the
# headless browser test (tests/e2e_web_browser.py).
# PDF and HTML input (issue 10): poppler-glib and libxml2; python3-cairo (and
# the same font) to render test PDFs.
# Atom feeds (issue 17): python3-feedparser reads /feed.atom in tests/e2e_feed.py.
# Shards (issue 20): xapian-tools for xapian-tcpsrv (tests/e2e_shards.py);
# groff-base and man-db check the man pages; systemd checks the unit files.
# gettext (issue 19): msgfmt compiles the English catalogue po/en.po.
PKGS="g++ make pkg-config libxapian-dev libstemmer-dev zlib1g-dev libcmocka-dev python3 hunspell-da
      libmicrohttpd-dev chromium fonts-dejavu-core libpoppler-glib-dev libxml2-dev python3-cairo
      xapian-tools groff-base man-db systemd python3-feedparser gettext $*"
missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    case "$status" in
    ii*) ;;
    *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
