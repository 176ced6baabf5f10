"""One language for users: Danish, through GNU gettext (issue 19).

The texts in the source are Danish and are the msgids; po/en.po gives
them in English when LANG, LC_ALL, LC_MESSAGES or LANGUAGE asks for it.
Checks: the programs speak Danish by default and English when asked (on a
machine with only the C.UTF-8 locale too); every _("…") of a translated
file has an English entry (xgettext + msgcmp, the gettext tools); and no
user-facing string of a translated file is outside _(), except the lines
listed in STILL_ENGLISH, which other tests parse and are translated later.
"""
import os
import re
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))
PO = os.path.join(ROOT, "po", "en.po")

# Files whose every user-facing string goes through gettext.
TRANSLATED = ["indexer/main.c"]
# Files with strings in the catalogue (export.c: the reports' words; its
# file-error messages are still English).
CATALOGUED = TRANSLATED + ["searcher/export.c"]
# Per-file and summary lines still English: tests of the other programs
# parse them ("files indexed", "skipped:", "warning:"); they move to
# Danish once those tests ask for LANGUAGE=en.
STILL_ENGLISH = {
    "referat-index: %s:%zu: skipped: %s%s%s\\n", "referat-index: %s: skipped: %s%s%s\\n",
    "referat-index: %s:%zu: warning: %s\\n", "referat-index: %s: warning: %s\\n",
    "indexed %s: %zu punkter\\n", "unchanged %s\\n", "removed %s (%zu punkter): the file is gone\\n",
    "excluded %s (--exclude %s)\\n", "committed\\n",
    "referat-index: %llu files indexed (%llu punkter, %.1f MB) in %.2f s; ",
    "referat-index: compacted %s%s%s: %.1f MB -> %.1f MB", ", saved %.1f MB (%.0f%%)\\n",
    ", no saving (it was compact already)\\n", "referat-index: out of memory\\n",
}
# Names are the same in every language.
NAMES = re.compile(r"referat-index|Referat|Xapian")
OUTPUT_CALL = re.compile(r'\b(?:fprintf\(stderr,|fputs\(|printf\()\s*"((?:[^"\\]|\\.)*)"')


def run(*args, **env):
    e = {k: v for k, v in os.environ.items()
         if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    e.update(env)
    return subprocess.run([os.path.join(BIN, "referat-index"), *args], capture_output=True,
                          text=True, env=e, timeout=60)


class Language(unittest.TestCase):
    def test_danish_by_default_and_english_when_asked(self):
        r = run("--help")
        self.assertIn("Brug: referat-index", r.stdout)
        self.assertIn("Afslutningsstatus", r.stdout)
        for env in ({"LANG": "en_US.UTF-8"}, {"LC_MESSAGES": "en_GB.UTF-8", "LANG": "da_DK.UTF-8"},
                    {"LANGUAGE": "en"}):
            r = run("--help", **env)
            self.assertIn("Usage: referat-index", r.stdout, env)
            self.assertIn("Exit status", r.stdout, env)
        self.assertIn("Brug:", run("--help", LANG="da_DK.UTF-8").stdout)
        r = run("--threads", "0", "x")
        self.assertIn("forventede et tal", r.stderr)
        r = run()
        self.assertIn("ingen STI angivet", r.stderr)
        self.assertIn("Skriv 'referat-index --help'", r.stderr)
        r = run("--threads", "0", "x", LANG="en_US.UTF-8")
        self.assertIn("expected a number", r.stderr)

    def test_reports_follow_the_language(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "db")
            run("--db", db, os.path.join(ROOT, "corpus"))
            out = os.path.join(tmp, "r.md")
            for env, words in (({}, ("# Søgning: budget", "punkter fundet", "Kilde: ")),
                               ({"LANG": "en_US.UTF-8"}, ("# Search: budget", "items found",
                                                          "Source: "))):
                e = {k: v for k, v in os.environ.items()
                     if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
                e.update(env)
                r = subprocess.run([os.path.join(BIN, "referat-search"), "--db", db, "budget",
                                    "--output", out], env=e, capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(out, encoding="utf-8") as f:
                    text = f.read()
                for w in words:
                    self.assertIn(w, text, env)

    def test_every_message_has_an_english_entry(self):
        with tempfile.TemporaryDirectory() as tmp:
            pot = os.path.join(tmp, "referat.pot")
            subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_",
                            "--keyword=ngettext:1,2", "--keyword=ref_i18n_plural:1,2", "-o", pot,
                            *[os.path.join(ROOT, f) for f in CATALOGUED]],
                           check=True)
            r = subprocess.run(["msgcmp", PO, pot], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        with open(PO, encoding="utf-8") as f:
            self.assertNotRegex(f.read(), r'msgstr ""\n\n')  # none left empty

    def test_no_user_facing_string_lacks_a_danish_text(self):
        for name in TRANSLATED:
            with open(os.path.join(ROOT, name), encoding="utf-8") as f:
                src = f.read()
            loose = {m.group(1) for m in OUTPUT_CALL.finditer(src)
                     if re.search(r"[A-Za-zæøå]{3}", NAMES.sub("", m.group(1)))}
            self.assertEqual(loose - STILL_ENGLISH, set(), name)
            self.assertEqual(STILL_ENGLISH - loose, set(), "translated now: drop from the list")


if __name__ == "__main__":
    unittest.main()
