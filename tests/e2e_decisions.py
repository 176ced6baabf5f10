"""End-to-end tests of issue 4: decision history (--timeline), filters
(--from, --to, --body), facets (--facets) and the exports of a timeline,
read back with real parsers (csv, json, gzip, html.parser).

The expected values are never written down here: every check compares one
output of the real binaries with another (the timeline against a plain
--limit 0 search, facets against the hits they count, an export against the
JSON Lines of the same search).
"""
import collections
import csv
import gzip
import html.parser
import json
import os
import re
import subprocess

from e2e_cli import CORPUS, IndexedBase, run


def year(hit):
    return hit["date"][:4]


class Timeline(IndexedBase):
    def all_decisions(self, word):
        r, hits = self.search("--decisions", "--limit", "0", word)
        self.assertEqual(r.returncode, 0, r.stderr)
        return hits

    def test_budget_timeline_lists_every_decision_oldest_first_grouped_by_year(self):
        expect = self.all_decisions("budget")
        self.assertGreater(len(expect), 3)
        r = run("referat-search", "--db", self.db, "--decisions", "--timeline", "budget")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        # Groups: "== 2016: 1 beslutning ==", years ascending, each count the
        # number of decisions of that year.
        groups = re.findall(r"^== (\d{4}): (\d+) beslutning(?:er)? ==$", out, re.M)
        by_year = collections.Counter(year(h) for h in expect)
        self.assertEqual([g[0] for g in groups], sorted(by_year))
        self.assertEqual({g[0]: int(g[1]) for g in groups}, dict(by_year))
        # Every decision is listed once, in date order, under its year.
        lines = re.findall(r"^(\d{4}-\d{2}-\d{2})  (.+?), punkt (\d+): (.*)$", out, re.M)
        self.assertEqual(len(lines), len(expect))
        self.assertEqual(sorted((d, int(p)) for d, _, p, _ in lines),
                         sorted((h["date"], h["punkt"]) for h in expect))
        # Date order, and a meeting's punkter in agenda order.
        order = [(d, int(p)) for d, _, p, _ in lines]
        self.assertEqual(order, sorted(order))
        # The whole decision is shown, not a snippet: compare with the
        # exporter's full decision text of the same punkter.
        _, full = self.search("--decisions", "--timeline", "budget")
        self.assertEqual(len(full), len(expect))
        for h in full:
            self.assertIn("decision", h)
            first_line = h["decision"].splitlines()[0]
            self.assertIn("      " + first_line, out)
        self.assertNotIn("…", "".join(h["decision"] for h in full))

    def test_timeline_json_is_date_ordered_and_snippet_drops_the_decision(self):
        _, hits = self.search("--decisions", "--timeline", "budget")
        dates = [h["date"] for h in hits]
        self.assertEqual(dates, sorted(dates))
        _, newest = self.search("--decisions", "--timeline", "--sort", "-date", "budget")
        self.assertEqual([h["date"] for h in newest], sorted(dates, reverse=True))
        _, snip = self.search("--decisions", "--timeline", "--snippet", "budget")
        self.assertEqual([h["id"] for h in snip], [h["id"] for h in hits])
        self.assertTrue(all("decision" not in h for h in snip))
        self.assertTrue(all("<mark>" in h["snippet"] for h in snip))

    def test_timeline_limit_only_when_asked(self):
        expect = self.all_decisions("budget")
        _, two = self.search("--decisions", "--timeline", "--limit", "2", "budget")
        self.assertEqual(len(two), 2)
        r = run("referat-search", "--db", self.db, "--decisions", "--timeline", "--limit", "2",
                "budget")
        self.assertIn("viser 2 af %d" % len(expect), r.stdout)

    def test_timeline_refuses_relevance_order_and_snippet_needs_timeline(self):
        r = run("referat-search", "--db", self.db, "--timeline", "--sort", "relevance", "budget")
        self.assertEqual(r.returncode, 2)
        self.assertIn("date order", r.stderr)
        r = run("referat-search", "--db", self.db, "--snippet", "budget")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--timeline", r.stderr)


class Filters(IndexedBase):
    def test_from_to_bound_the_dates_and_match_the_query_language(self):
        _, every = self.search("--limit", "0", "budget")
        _, hits = self.search("--limit", "0", "--from", "2016-10", "--to", "2021", "budget")
        self.assertTrue(hits)
        self.assertEqual(sorted(h["id"] for h in hits),
                         sorted(h["id"] for h in every
                                if "2016-10-01" <= h["date"] <= "2021-12-31"))
        _, lang = self.search("--limit", "0", "budget dato:2016-10-01..2021-12-31")
        self.assertEqual(sorted(h["id"] for h in lang), sorted(h["id"] for h in hits))

    def test_filters_combine_with_field_filters(self):
        _, hits = self.search("--limit", "0", "--from", "2018", "budget år:2017")
        self.assertEqual(hits, [])

    def test_body_is_case_insensitive_and_repeatable(self):
        _, every = self.search("--limit", "0", "budget")
        _, upper = self.search("--limit", "0", "--body", "CHEFFORUM", "budget")
        self.assertEqual([h["id"] for h in upper], [h["id"] for h in every])
        _, two = self.search("--limit", "0", "--body", "økonomiudvalget", "--body", "Chefforum",
                             "budget")
        self.assertEqual(len(two), len(every))
        # A body the index does not know is a usage error that names the
        # nearest one (issue 19), not "nothing found".
        r, none = self.search("--body", "økonomiudvalget", "budget")
        self.assertEqual((r.returncode, none), (2, []))
        self.assertIn("økonomiudvalget", r.stderr)

    def test_bad_dates_are_usage_errors_naming_the_date(self):
        for args in (["--from", "2017-13"], ["--to", "i går"], ["--from", "2019", "--to", "2018"]):
            r = run("referat-search", "--db", self.db, *args, "budget")
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(args[1], r.stderr)


class Facets(IndexedBase):
    def facets(self, *args):
        r, lines = self.search("--facets", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("facets", lines[-1])
        self.assertEqual(set(lines[-1]["facets"]), {"year", "body", "section", "municipality", "outcome"})
        return lines[:-1], lines[-1]["facets"]

    def test_facets_agree_with_limit_zero(self):
        for query in ("budget", "sygefravær", "chefforum", "udbud OR strategi", "arbejdsmiljø",
                      "trivsel", "ledelse", "data", "organisering", "sygefraværsstatistik",
                      "udbudsplan"):
            _, every = self.search("--limit", "0", query)
            page, f = self.facets("--limit", "3", query)
            self.assertEqual(len(page), min(3, len(every)))
            self.assertEqual(f["year"], dict(collections.Counter(year(h) for h in every)))
            self.assertEqual(f["body"], dict(collections.Counter(h["body"] for h in every)))
            self.assertEqual(sum(f["year"].values()), len(every))
            for section, n in f["section"].items():
                self.assertLessEqual(n, len(every))
                _, field = self.search("--limit", "0", "%s:(%s)" % (section, query)
                                       if " " in query else "%s:%s" % (section, query))
                if " " not in query:
                    self.assertEqual(n, len(field), section)

    def test_facets_follow_filters_and_decisions(self):
        _, f = self.facets("--decisions", "--from", "2017", "budget")
        self.assertTrue(all(y >= "2017" for y in f["year"]))
        self.assertEqual(set(f["section"]), {"beslutning"})
        _, every = self.search("--decisions", "--limit", "0", "--from", "2017", "budget")
        self.assertEqual(f["section"]["beslutning"], len(every))

    def test_text_facets_name_every_year(self):
        r = run("referat-search", "--db", self.db, "--facets", "budget")
        _, every = self.search("--limit", "0", "budget")
        self.assertIn("Fordeling af alle %d punkter" % len(every), r.stdout)
        for y, n in collections.Counter(year(h) for h in every).items():
            self.assertIn("%s (%d)" % (y, n), r.stdout)


class TimelineExport(IndexedBase):
    """The done-when of issue 4: the budget timeline exported to .csv,
    .jsonl.gz, .md and .html reads back correctly."""

    ARGS = ("--decisions", "--timeline", "budget")

    def export(self, name, *extra):
        path = os.path.join(self.tmp, name)
        r = run("referat-search", "--db", self.db, "--output", path, *extra, *self.ARGS)
        self.assertEqual(r.returncode, 0, r.stderr)
        return path

    def expected(self):
        _, hits = self.search(*self.ARGS)
        self.assertGreater(len(hits), 3)
        for h in hits:  # exports give sources relative to the indexed folder
            h["source"] = os.path.relpath(h["source"], CORPUS)
        return hits

    def test_csv_reads_back_with_decisions_danish_letters_and_quoting(self):
        hits = self.expected()
        for sep, name in ((";", "t.csv"), (",", "t-comma.csv")):
            path = self.export(name, *(["--csv-sep", ","] if sep == "," else []))
            with open(path, "rb") as f:
                self.assertTrue(f.read(3) == b"\xef\xbb\xbf")
            with open(path, encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f, delimiter=sep))
            self.assertEqual([r["date"] for r in rows], [h["date"] for h in hits])
            self.assertEqual([r["decision"] for r in rows], [h["decision"] for h in hits])
            self.assertTrue(any("\n" in r["decision"] for r in rows))
            self.assertTrue(any(c in r["decision"] for r in rows for c in "æøå"))
            for r, h in zip(rows, hits):
                self.assertEqual((r["body"], r["title"], r["journal"], r["source"]),
                                 (h["body"], h["title"], h["journal"], h["source"]))
                self.assertNotIn("<mark>", r["snippet"])
                self.assertTrue(r["matches"])

    def test_jsonl_gz_is_gzip_of_the_timeline_lines(self):
        hits = self.expected()
        path = self.export("t.jsonl.gz")
        self.assertEqual(subprocess.run(["gzip", "-t", path]).returncode, 0)
        with gzip.open(path, "rt", encoding="utf-8") as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(lines, hits)

    def test_markdown_has_one_heading_per_year_with_counts(self):
        hits = self.expected()
        path = self.export("t.md")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        heads = re.findall(r"^## (\d{4}): (\d+) beslutning", text, re.M)
        counts = collections.Counter(year(h) for h in hits)
        self.assertEqual([(y, int(n)) for y, n in heads], sorted(counts.items()))
        self.assertEqual(len(re.findall(r"^### ", text, re.M)), len(hits))

    def test_html_has_one_section_per_year_and_escaped_text(self):
        hits = self.expected()
        path = self.export("t.html")

        class Sections(html.parser.HTMLParser):
            def __init__(self):
                super().__init__()
                self.tag, self.h2, self.per_section, self.marks = None, [], [], 0

            def handle_starttag(self, tag, attrs):
                self.tag = tag
                if tag == "section":
                    self.per_section.append(0)
                cls = dict(attrs).get("class") or ""
                if tag == "article" and "hit" in cls.split():
                    self.per_section[-1] += 1
                if tag == "mark":
                    self.marks += 1

            def handle_data(self, data):
                if self.tag == "h2" and data.strip():
                    self.h2.append(data.strip())
                self.tag = None

        p = Sections()
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        counts = collections.Counter(year(h) for h in hits)
        self.assertEqual(p.h2, ["%s: %d %s" % (y, n, "beslutning" if n == 1 else "beslutninger")
                                for y, n in sorted(counts.items())])
        self.assertEqual(p.per_section, [n for _, n in sorted(counts.items())])
        self.assertGreater(p.marks, 0)
        # The page is also well-formed by the strict reader test_export.c uses.
        r = subprocess.run(["python3", os.path.join(os.path.dirname(__file__),
                                                    "e2e_export_reader.py"), "html", path],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)


class Municipalities(IndexedBase):
    """--municipality and the municipality facet, over the bundled corpus
    and the other municipalities' minutes in tests/data/real-minutes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        real = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "real-minutes")
        r = run("referat-index", "--db", cls.db, real)
        assert r.returncode in (0, 1), r.stderr

    def test_municipality_facet_matches_the_hits_and_filters_them(self):
        r, lines = self.search("--facets", "--limit", "0", "budget")
        hits, facets = lines[:-1], lines[-1]["facets"]
        by_muni = collections.Counter(h["municipality"] for h in hits if h["municipality"])
        self.assertEqual(facets["municipality"], dict(by_muni))
        self.assertGreaterEqual(len(by_muni), 3)
        for name, n in by_muni.items():
            _, only = self.search("--limit", "0", "--municipality", name.upper(), "budget")
            self.assertEqual(len(only), n, name)
            self.assertTrue(all(h["municipality"] == name for h in only))
            _, lang = self.search("--limit", "0", 'budget kommune:"%s"' % name)
            self.assertEqual(sorted(h["id"] for h in lang), sorted(h["id"] for h in only))
        two = sorted(by_muni)[:2]
        _, both = self.search("--limit", "0", "--municipality", two[0], "--municipality", two[1],
                              "budget")
        self.assertEqual(len(both), by_muni[two[0]] + by_muni[two[1]])
