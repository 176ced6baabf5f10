"""End-to-end tests of the real binaries: referat-index and referat-search.

They run bin/referat-index on copies of the bundled corpus in a temporary
folder and check referat-search's JSON Lines (the contract documented in
include/referat/present.h and README.md), its text output, messages and exit
codes. REFERAT_BIN names the folder of the binaries (bin/ by default).
"""
import gzip
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))
CORPUS = os.path.join(ROOT, "corpus")
JSON_KEYS = {"rank", "score", "id", "body", "date", "punkt", "title", "journal",
             "section", "snippet", "snippet_text", "matches", "source", "municipality",
             "unstructured", "outcome", "citation"}  # and "page", only for PDF (tests/e2e_formats.py)


def run(prog, *args, env=None):
    e = dict(os.environ)
    e.pop("REFERAT_DB", None)
    if env:
        e.update(env)
    return subprocess.run([os.path.join(BIN, prog), *args], capture_output=True,
                          text=True, env=e, timeout=120)


class IndexedBase(unittest.TestCase):
    """A database of the bundled corpus, shared by a class's tests."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="referat-e2e-")
        cls.db = os.path.join(cls.tmp, "db")
        r = run("referat-index", "--db", cls.db, CORPUS)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def search(self, *args):
        r = run("referat-search", "--db", self.db, "--format", "json", *args)
        hits = [json.loads(line) for line in r.stdout.splitlines()]
        return r, hits


class Indexed(IndexedBase):
    def test_json_lines_carry_the_documented_keys(self):
        r, hits = self.search("--limit", "0", "chefforum")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(len(hits), 10)
        for i, h in enumerate(hits):
            self.assertEqual(set(h), JSON_KEYS)
            self.assertEqual(h["rank"], i + 1)
            self.assertRegex(h["date"], r"^\d{4}-\d{2}-\d{2}$")
            self.assertIsInstance(h["punkt"], int)
            self.assertTrue(os.path.isfile(h["source"]), h["source"])
        scores = [h["score"] for h in hits]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_sygefravaer_first_hit(self):
        _, hits = self.search("sygefravær")
        self.assertEqual((hits[0]["date"], hits[0]["punkt"]), ("2017-09-07", 9))

    def test_decisions_udbud_first_hit_and_snippet_from_the_decision(self):
        _, hits = self.search("--decisions", "udbud")
        self.assertEqual((hits[0]["date"], hits[0]["punkt"]), ("2023-01-31", 6))
        self.assertEqual(hits[0]["section"], "beslutning")
        self.assertIn("<mark>udbud</mark>", hits[0]["snippet"])
        self.assertIn("udbud", hits[0]["matches"])
        self.assertNotIn("<mark>", hits[0]["snippet_text"])

    def test_environment_names_the_default_database(self):
        r = run("referat-search", "--format", "json", "budget", env={"REFERAT_DB": self.db})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.strip())

    def test_no_hits_exit_one(self):
        r, hits = self.search("xylofonundervisning")
        self.assertEqual((r.returncode, hits), (1, []))

    def test_malformed_query_is_a_message_and_exit_two(self):
        for q in ['"ikke lukket', "(budget", ""]:
            r, _ = self.search(q)
            self.assertEqual(r.returncode, 2, q)
            self.assertIn("referat-search:", r.stderr)
            self.assertNotIn("Traceback", r.stderr)

    def test_text_output_shows_body_date_punkt_title_journal(self):
        r = run("referat-search", "--db", self.db, "--color", "never", "sygefravær")
        self.assertEqual(r.returncode, 0)
        self.assertIn("Orientering om Sygefraværstatistik for 1. halvår 2017", r.stdout)
        self.assertIn("Chefforum 2017-09-07, punkt 9", r.stdout)
        self.assertIn("sagsnr. 81.28.00-P05-1-17", r.stdout)
        colored = run("referat-search", "--db", self.db, "--color", "always", "sygefravær")
        self.assertIn("\033[1;31m", colored.stdout)

    def test_help_documents_options_and_exit_status(self):
        for prog in ("referat-search", "referat-index"):
            # In English, from po/en.po (Danish is the default: e2e_i18n.py).
            r = run(prog, "--help", env={"LANG": "en_US.UTF-8"})
            self.assertEqual(r.returncode, 0)
            self.assertIn("Usage:", r.stdout)
            self.assertIn("Exit status", r.stdout)


class Export(IndexedBase):
    """Exports read back with real parsers: csv, json, gzip, html.parser."""

    def export(self, name, *args):
        path = os.path.join(self.tmp, name)
        r = run("referat-search", "--db", self.db, "--limit", "0", "--output", path, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return path

    def test_csv_reads_back_in_excel_dialect(self):
        import csv
        path = self.export("budget.csv", "--full", "--decisions", "budget")
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        _, hits = self.search("--limit", "0", "--decisions", "budget")
        self.assertEqual(len(rows), len(hits))
        self.assertEqual([r["title"] for r in rows], [h["title"] for h in hits])
        self.assertTrue(all(r["decision"] for r in rows))
        self.assertTrue(any("ø" in r["decision"] or "æ" in r["decision"] for r in rows))
        with open(path, "rb") as f:
            self.assertTrue(f.read().startswith(b"\xef\xbb\xbf"))

    def test_jsonl_gz_is_valid_gzip_of_the_json_lines(self):
        path = self.export("budget.jsonl.gz", "budget")
        self.assertEqual(subprocess.run(["gzip", "-t", path]).returncode, 0)
        with gzip.open(path, "rt", encoding="utf-8") as f:
            lines = [json.loads(line) for line in f]
        _, hits = self.search("--limit", "0", "budget")
        for h in hits:  # exports give sources relative to the indexed folder
            h["source"] = os.path.relpath(h["source"], CORPUS)
        self.assertEqual(lines, hits)

    def test_html_parses_and_escapes(self):
        from html.parser import HTMLParser
        path = self.export("budget.html", "budget")

        class Collect(HTMLParser):
            def __init__(self):
                super().__init__()
                self.marks, self.in_mark, self.stack = [], False, []

            def handle_starttag(self, tag, attrs):
                self.in_mark = tag == "mark"

            def handle_data(self, data):
                if self.in_mark:
                    self.marks.append(data)
                    self.in_mark = False

        p = Collect()
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        self.assertTrue(p.marks)
        self.assertTrue(all("budget" in m.lower() for m in p.marks))

    def test_markdown_has_bold_matches(self):
        path = self.export("budget.md", "budget")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("**", text)
        self.assertIn("budget", text.lower())


class Analyze(unittest.TestCase):
    def analyze(self, text):
        r = run("referat-search", "--analyze", "--format", "json", text)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [json.loads(line) for line in r.stdout.splitlines()]

    def test_json_keys_and_compound_parts(self):
        toks = self.analyze("Langtidssygefraværet og planlægning")
        self.assertEqual([t["token"] for t in toks], ["langtidssygefraværet", "og", "planlægning"])
        for t in toks:
            self.assertTrue({"token", "stem", "parts", "part_stems"} <= set(t))
        syg = self.analyze("sygefravær")[0]["stem"]
        self.assertIn("syge", toks[0]["parts"])
        # The sub-compound "sygefravær" is an index term of the compound.
        self.assertIn(syg, toks[0]["terms"])
        anlaeg = self.analyze("anlæg")[0]["stem"]
        self.assertNotIn(anlaeg, toks[2]["part_stems"] + toks[2]["terms"])
        self.assertEqual(toks[1]["parts"], [])

    def test_inflections_share_a_stem(self):
        stems = {t["stem"] for t in self.analyze("budget budgettet budgetterne")}
        self.assertEqual(len(stems), 1)

    def test_text_output(self):
        r = run("referat-search", "--analyze", "udbudsplanen")
        self.assertIn("parts: udbud planen", r.stdout)


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="referat-e2e-")
        self.db = os.path.join(self.tmp, "db")
        self.src = os.path.join(self.tmp, "in")
        shutil.copytree(CORPUS, self.src)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_broken_files_are_named_and_skipped_and_the_rest_indexed(self):
        with open(os.path.join(self.src, "empty.txt"), "w"):
            pass
        with open(os.path.join(self.src, "noise.txt"), "wb") as f:
            f.write(bytes(range(256)) * 8)
        with open(os.path.join(self.src, "truncated.txt.gz"), "wb") as f:
            f.write(gzip.compress(b"Punkt 1: Alpha\n\nBeslutning\n\nGodkendt.\n" * 50)[:40])
        # A PATH that does not exist is a mistake in the command: nothing
        # is indexed and no database is created (issue 19).
        missing = os.path.join(self.tmp, "missing-folder")
        r = run("referat-index", "--db", self.db, self.src, missing)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("missing-folder", r.stderr)
        self.assertFalse(os.path.exists(self.db))
        r = run("referat-index", "--db", self.db, self.src)
        self.assertEqual(r.returncode, 1, r.stderr)
        for name in ("empty.txt", "noise.txt", "truncated.txt.gz"):
            self.assertIn(name, r.stderr)
        self.assertIn("5 files indexed (37 punkter", r.stderr)
        _, = [line for line in r.stderr.splitlines() if "skipped" in line and "empty.txt" in line]
        r = run("referat-search", "--db", self.db, "--format", "json", "--limit", "0", "chefforum")
        self.assertEqual(r.returncode, 0)

    def test_invalid_utf8_is_reported_with_its_line(self):
        with open(os.path.join(CORPUS, "004_693509ccfd0fbea2.txt"), "rb") as f:
            text = f.read()
        lines = text.split(b"\n")
        lines[20] = lines[20] + b" \xff\xfe ugyldig"
        with open(os.path.join(self.src, "bad-utf8.md"), "wb") as f:
            f.write(b"\n".join(lines))
        r = run("referat-index", "--db", self.db, self.src)
        self.assertIn("bad-utf8.md:21", r.stderr)

    def test_second_indexer_is_told_the_database_is_locked(self):
        # A real first indexer holds the write lock: it is given a large
        # folder and stopped (SIGSTOP) while it works.
        big = os.path.join(self.tmp, "big")
        os.mkdir(big)
        for i in range(40):
            for name in os.listdir(CORPUS):
                shutil.copy(os.path.join(CORPUS, name), os.path.join(big, f"{i:02d}-{name}"))
        first = subprocess.Popen([os.path.join(BIN, "referat-index"), "-q", "--db", self.db, big],
                                 stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.3)
            first.send_signal(signal.SIGSTOP)
            r = run("referat-index", "--db", self.db, self.src)
            if first.poll() is not None:
                self.skipTest("the first indexer finished before it could be stopped")
            self.assertEqual(r.returncode, 4, r.stderr)
            self.assertIn("locked by another indexer", r.stderr)
        finally:
            first.send_signal(signal.SIGCONT)
            first.wait()
        self.assertEqual(first.returncode, 0)

    def test_missing_database_is_a_clear_message(self):
        r = run("referat-search", "--db", os.path.join(self.tmp, "nope"), "budget")
        self.assertEqual(r.returncode, 3)
        self.assertIn("referat-index", r.stderr)


if __name__ == "__main__":
    unittest.main()
