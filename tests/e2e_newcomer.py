"""End-to-end tests of what a newcomer meets in the first hour (issue 19):
honest exports, the indexer's messages, the query language agreeing with
the options, and the web page's sources, forms and exports.

The real binaries on copies of the bundled corpus plus one undated minutes
file, and the real server (tests/webserver.py).
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

from webserver import BIN, CORPUS, Server, index

# A meeting with no date anywhere: its punkter are "undated" hits.
UNDATED_MINUTES = """REFERAT Chefforum

Mødested Rådhuset

Punkt 1: Budget for udateret møde

Sagsfremstilling

Budget og budgetopfølgning uden en dato.

Beslutning

Budgettet blev godkendt uden dato.
"""


def run(prog, *args, cwd=None, env=None):
    e = dict(os.environ)
    e.pop("REFERAT_DB", None)
    e.pop("LANG", None)
    e.pop("LC_ALL", None)
    e.pop("LC_MESSAGES", None)
    if env:
        e.update(env)
    return subprocess.run([os.path.join(BIN, prog), *args], capture_output=True, text=True,
                          env=e, timeout=120, cwd=cwd)


def q(s):
    return urllib.parse.quote(s, safe="")


class Corpus(unittest.TestCase):
    """The bundled corpus plus one undated file, indexed once per class."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="referat-newcomer-")
        cls.minutes = os.path.join(cls.tmp, "minutes")
        shutil.copytree(CORPUS, cls.minutes)
        os.mkdir(os.path.join(cls.minutes, "2099"))
        with open(os.path.join(cls.minutes, "2099", "udateret.txt"), "w",
                  encoding="utf-8") as f:
            f.write(UNDATED_MINUTES)
        cls.db = os.path.join(cls.tmp, "db")
        index(cls.db, cls.minutes)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def search(self, *args):
        return run("referat-search", "--db", self.db, *args, cwd=self.tmp)

    def total(self, *args):
        r = self.search("--format", "json", "--limit", "0", *args)
        return len(r.stdout.splitlines())


class Exports(Corpus):
    def test_export_writes_every_hit_unless_limit_and_says_so_in_danish(self):
        total = self.total("budget")
        self.assertGreater(total, 10)  # more than the screen's default page
        out = os.path.join(self.tmp, "budget.csv")
        r = self.search("budget", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        self.assertEqual(len(rows), total)
        self.assertIn("%d punkter skrevet til %s" % (total, out), r.stderr)
        r = self.search("budget", "--limit", "3", "--output", out)
        with open(out, encoding="utf-8-sig") as f:
            self.assertEqual(len(list(csv.DictReader(f, delimiter=";"))), 3)
        self.assertIn("3 punkter skrevet til", r.stderr)

    def test_decisions_search_exports_the_decision(self):
        out = os.path.join(self.tmp, "beslutninger.csv")
        r = self.search("--decisions", "budget", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        self.assertTrue(rows)
        for row in rows:
            self.assertTrue(row["decision"].strip(), row["title"])

    def test_reports_open_with_query_filters_time_and_count(self):
        total = self.total("--body", "chefforum", "--from", "2014", "budget")
        for ext in ("md", "html"):
            out = os.path.join(self.tmp, "rapport." + ext)
            r = self.search("--body", "chefforum", "--from", "2014", "budget", "--output", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, encoding="utf-8") as f:
                head = f.read()[:3000]
            self.assertIn("budget", head, ext)
            self.assertIn("udvalg: chefforum", head, ext)
            self.assertIn("fra 2014", head, ext)
            self.assertRegex(head, r"Eksporteret \d+\. \w+ 20\d\d kl\. \d\d\.\d\d", ext)
            self.assertIn("%d punkter fundet" % total, head, ext)

    def test_sources_are_relative_to_the_indexed_folder(self):
        for ext in ("csv", "jsonl", "md", "html"):
            out = os.path.join(self.tmp, "kilder." + ext)
            r = self.search("budget", "--output", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, encoding="utf-8-sig") as f:
                text = f.read()
            self.assertNotIn(self.minutes, text, ext)
            self.assertIn("2099/udateret.txt", text, ext)

    def test_undated_hits_come_last_under_uden_dato(self):
        for ext in ("csv", "jsonl", "md", "html"):
            out = os.path.join(self.tmp, "tid." + ext)
            r = self.search("--sort", "date", "budget", "--output", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, encoding="utf-8-sig") as f:
                text = f.read()
            last_dated = max(m.start() for m in re.finditer(r"20\d\d-\d\d-\d\d", text))
            undated = text.index("udateret.txt")
            self.assertGreater(undated, last_dated, ext)
            if ext in ("md", "html"):
                heading = text.index("Uden dato")
                self.assertLess(last_dated, heading, ext)
                self.assertLess(heading, undated, ext)
        r = self.search("--timeline", "budget")
        self.assertGreater(r.stdout.index("Uden dato"), r.stdout.index("== 20"))


BYRAADET_MINUTES = """REFERAT Byrådet d. 02-03-2021

Mødedato Tirsdag d. 02. marts 2021 kl. 16:00

Mødested Rådhuset

Punkt 1: Budget for vejbump

Sagsfremstilling

Budget for vejbump på skolevejen.

Beslutning

Godkendt.
"""


class Parity(unittest.TestCase):
    """The query language's field filters behave as the options do."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="referat-parity-")
        cls.db = os.path.join(cls.tmp, "db")
        extra = os.path.join(cls.tmp, "kbh")
        os.mkdir(extra)
        with open(os.path.join(extra, "byraadet.txt"), "w", encoding="utf-8") as f:
            f.write(BYRAADET_MINUTES)
        r = run("referat-index", "--db", cls.db, CORPUS, "--municipality", "København", extra)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def ids(self, *args):
        r = run("referat-search", "--db", self.db, "--format", "json", "--limit", "0", *args)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return sorted(json.loads(l)["id"] for l in r.stdout.splitlines())

    def fails(self, *args):
        r = run("referat-search", "--db", self.db, "--format", "json", *args)
        self.assertEqual(r.returncode, 2, (args, r.stdout[:200], r.stderr))
        return r.stderr

    def test_prefixes_in_fields_as_in_options(self):
        by_option = self.ids("--body", "chef*", "budget")
        self.assertTrue(by_option)
        self.assertEqual(self.ids("udvalg:chef* budget"), by_option)

    def test_spellings_and_case_in_field_values(self):
        want = self.ids("--body", "Byrådet", "budget")
        self.assertTrue(want)
        for query in ("udvalg:byraadet budget", "udvalg:BYRÅDET budget", "udvalg:Byraadet budget"):
            self.assertEqual(self.ids(query), want, query)
        self.assertEqual(self.ids("--body", "byraadet", "budget"), want)
        self.assertEqual(self.ids("kommune:koebenhavn budget"), want)
        self.assertEqual(self.ids("--municipality", "koebenhavn", "budget"), want)

    def test_unknown_or_empty_field_is_a_usage_error_naming_the_fields(self):
        err = self.fails("foo:bar budget")
        for field in ("titel:", "beslutning:", "udvalg:", "kommune:", "år:"):
            self.assertIn(field, err)
        self.assertIn("titel", self.fails("titel: budget"))
        self.assertIn("titel", self.fails("budget titel:"))
        # Colons that are not fields stay text.
        for text in ("kl.: 9:00 budget", "http://x.dk budget"):
            r = run("referat-search", "--db", self.db, text)
            self.assertIn(r.returncode, (0, 1), (text, r.stderr))

    def test_a_reversed_range_is_an_error_in_both_forms(self):
        self.fails("år:2017..2015 budget")
        self.fails("dato:2017-01-01..2015-01-01 budget")
        self.fails("--from", "2017", "--to", "2015", "budget")

    def test_a_filter_naming_nothing_says_so_and_suggests_the_nearest(self):
        err = self.fails("--body", "chefforumm", "budget")
        self.assertIn("chefforumm", err)
        self.assertIn("chefforum«", err)
        err = self.fails("--municipality", "kobenhavn", "budget")
        self.assertIn("københavn", err)
        err = self.fails("udvalg:chefforumm budget")  # the query's own field too
        self.assertIn("chefforum«", err)
        r = run("referat-search", "--db", self.db, "kommune:albertslund xylofon")
        self.assertEqual(r.returncode, 1, r.stderr)  # a known name: just no hits


REAL_MINUTES = os.path.join(os.path.dirname(CORPUS), "tests", "data", "real-minutes")


class QuietIndexer(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="referat-indexer-")
        self.db = os.path.join(self.tmp, "db")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def index(self, *args):
        return run("referat-index", "--db", self.db, *args)

    def test_warnings_are_grouped_by_kind_and_information_losing_ones_shown(self):
        r = self.index(REAL_MINUTES)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stderr.splitlines()
        summary = lines[-1]
        shown = [l for l in lines[:-1] if ": warning: " in l]
        # Only the warnings that lose information are printed one by one ...
        self.assertTrue(shown)
        for line in shown:
            self.assertRegex(line, r"warning: no (meeting date|punkter)", line)
        # ... and the summary counts every kind, those first.
        m = re.search(r"(\d+) warnings: (.*)", summary)
        self.assertTrue(m, summary)
        kinds = re.findall(r"(\d+) ([^,(]+?)(?:,|\s*\(|$)", m.group(2))
        self.assertEqual(sum(int(n) for n, _ in kinds), int(m.group(1)))
        self.assertEqual(int(dict((k, n) for n, k in kinds)["no meeting date found"]),
                         sum("no meeting date found" in l for l in shown))
        self.assertIn("punkt N has no text", [k for _, k in kinds])
        self.assertTrue(kinds[0][1].startswith("no "))
        # -v gives the per-line detail of every one.
        v = run("referat-index", "--db", os.path.join(self.tmp, "db2"), "-v", REAL_MINUTES)
        self.assertEqual(sum(": warning: " in l for l in v.stderr.splitlines()),
                         int(m.group(1)))

    def test_a_missing_path_is_an_error_that_creates_nothing(self):
        r = self.index(os.path.join(self.tmp, "findes-ikke"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("findes-ikke", r.stderr)
        self.assertNotIn("No such file or directory: No such file or directory", r.stderr)
        self.assertFalse(os.path.exists(self.db))

    def test_an_empty_run_exits_1_with_a_message(self):
        empty = os.path.join(self.tmp, "tom")
        os.mkdir(empty)
        r = self.index(empty)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("ingen referater fundet", r.stderr)

    def test_project_files_and_excluded_globs_are_left_out(self):
        folder = os.path.join(self.tmp, "m")
        shutil.copytree(CORPUS, folder)
        for name in ("README.md", "LICENSE.txt", "CHANGELOG.md"):
            with open(os.path.join(folder, name), "w") as f:
                f.write("# Projekt\n\nPunkt 1: Budget i en README\n\nBudget budget.\n")
        first = sorted(n for n in os.listdir(CORPUS))[0]
        r = self.index("--exclude", first, "--exclude", "*/nothing/*", folder)
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("README.md", "LICENSE.txt", "CHANGELOG.md"):
            self.assertIn(name, r.stderr)
        self.assertIn("%d files indexed" % (len(os.listdir(CORPUS)) - 1), r.stderr)
        s = run("referat-search", "--db", self.db, "--format", "json", "--limit", "0",
                "budget")
        sources = {json.loads(l)["source"] for l in s.stdout.splitlines()}
        self.assertFalse([x for x in sources if "README" in x or first in x], sources)
        # A file named on the command line is read whatever its name.
        r = self.index(os.path.join(folder, "README.md"))
        self.assertIn("1 files indexed", r.stderr)

    def test_changing_municipality_reindexes_the_files(self):
        folder = os.path.join(self.tmp, "m")
        shutil.copytree(CORPUS, folder)
        self.index(folder)
        r = self.index("--municipality", "Aarhus", folder)
        self.assertIn("%d files indexed" % len(os.listdir(CORPUS)), r.stderr)
        s = run("referat-search", "--db", self.db, "--format", "json", "--limit", "0",
                "kommune:aarhus")
        self.assertEqual(s.returncode, 0, s.stderr)
        r = self.index("--municipality", "Aarhus", folder)
        self.assertIn("0 files indexed", r.stderr)  # unchanged now


class WebExports(Corpus):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = Server(cls.db).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        super().tearDownClass()

    def get(self, path):
        return self.server.request(path)

    def test_every_export_format_is_offered_and_served(self):
        st, _, body = self.get("/?q=budget")
        self.assertEqual(st, 200)
        for path, sep in (("/eksport.csv", ","), ("/eksport-excel.csv", ";")):
            self.assertIn(('href="%s?q=budget"' % path).encode(), body)
            st, headers, data = self.get(path + "?q=budget")
            self.assertEqual(st, 200, path)
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))
            self.assertEqual(rows[0][:3], ["rank", "score", "body"], path)
        for path, ctype in (("/eksport.jsonl", "application/x-ndjson"),
                            ("/eksport.md", "text/markdown"), ("/eksport.html", "text/html")):
            self.assertIn(('href="%s?q=budget"' % path).encode(), body)
            st, headers, data = self.get(path + "?q=budget")
            self.assertEqual(st, 200, path)
            self.assertTrue(headers["content-type"].startswith(ctype), path)

    def test_decisions_export_on_the_web_carries_the_decision(self):
        st, _, data = self.get("/eksport-excel.csv?q=budget&beslutninger=1")
        self.assertEqual(st, 200)
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        self.assertTrue(rows)
        self.assertTrue(all(r["decision"].strip() for r in rows))

    def test_report_links_sources_to_the_original_served_by_id(self):
        st, _, data = self.get("/eksport.html?q=budget&udvalg=Chefforum")
        self.assertEqual(st, 200)
        text = data.decode("utf-8")
        self.assertIn("udvalg: Chefforum", text)
        links = re.findall(r'href="(http://[^"]+/kilde/[^"]+)"', text)
        self.assertTrue(links)
        path = urllib.parse.urlsplit(links[0].replace("&amp;", "&")).path
        st, headers, original = self.get(path)
        self.assertEqual(st, 200)
        self.assertIn(b"Punkt 1", original)
        self.assertNotIn(self.minutes.encode(), data)

    def test_no_hit_page_gives_tips_and_a_way_out_of_the_filters(self):
        st, _, body = self.get("/?q=xylofonundervisning&udvalg=Chefforum")
        self.assertEqual(st, 200)
        text = body.decode("utf-8")
        self.assertIn("Ingen punkter fundet", text)
        self.assertIn("budget*", text)  # the tips
        self.assertIn('href="/?q=xylofonundervisning"', text)  # without the filters

    def test_singular_and_no_score_for_filter_only_searches(self):
        r = self.search('"udateret møde"')
        self.assertIn("1 punkt fundet", r.stdout)
        r = self.search("udvalg:chefforum", "--limit", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("score", r.stdout)
        r = self.search("udvalg:chefforum budget", "--limit", "3")
        self.assertIn("score", r.stdout)
        st, _, body = self.get("/?q=" + q('"udateret møde"'))
        self.assertIn("1 punkt fundet", body.decode("utf-8"))
        self.assertNotIn("1 punkter", body.decode("utf-8"))

    def test_query_errors_on_the_page_are_danish(self):
        for path, words in (("/?q=budget&fra=2017-13", "er ikke en dato"),
                            ("/?q=%22ikke+lukket", "anførselstegn"),
                            ("/?q=(budget", "parentes")):
            st, _, body = self.get(path)
            self.assertEqual(st, 400, path)
            self.assertIn(words, body.decode("utf-8"), path)

    def test_server_stops_within_half_a_second_of_sigterm(self):
        import signal
        import socket
        import time
        server = Server(self.db).start()
        try:
            self.assertEqual(server.request("/?q=budget")[0], 200)
            # An idle keep-alive connection and a half-sent request.
            idle = socket.create_connection(("127.0.0.1", server.port))
            half = socket.create_connection(("127.0.0.1", server.port))
            half.sendall(b"GET /?q=budget HTTP/1.1\r\nHost: localhost\r\n")
            time.sleep(0.2)
            t = time.monotonic()
            server.proc.send_signal(signal.SIGTERM)
            server.proc.wait(timeout=10)
            self.assertLess(time.monotonic() - t, 0.5)
            idle.close()
            half.close()
        finally:
            server.stop()

    def test_kilde_serves_only_indexed_files_by_id(self):
        hit = json.loads(self.search("--format", "json", "--limit", "1", "budget")
                         .stdout.splitlines()[0])
        st, headers, body = self.get("/kilde/" + q(hit["id"]))
        self.assertEqual(st, 200)
        with open(hit["source"], "rb") as f:
            self.assertEqual(body, f.read())
        self.assertIn("sandbox", headers["content-security-policy"])
        st, _, body = self.get("/punkt/%s" % q(hit["id"]))
        self.assertIn(('href="/kilde/%s"' % q(hit["id"])).encode(), body)
        for path in ("/kilde/..%2F..%2Fetc%2Fpasswd", "/kilde/%2Fetc%2Fpasswd",
                     "/kilde/" + q(os.path.basename(hit["source"])), "/kilde/ffff%2399"):
            st, _, body = self.get(path)
            self.assertEqual(st, 404, path)
            self.assertNotIn(b"root:", body)


if __name__ == "__main__":
    unittest.main()
