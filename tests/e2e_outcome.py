"""Decision outcomes, browsing with '*', case threads and citations, end to end.

Generates a small corpus with bench/gen-corpus, whose decisions are written
from wordings with known outcome labels (--outcome-truth), indexes it
with the real referat-index and asks the real referat-search: precision,
recall and F1 per label through --outcome must each reach 0.95. The bundled
corpus checks '*', the facet, udfald:, --thread and the citation line.
"""
import csv
import json
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))
LABELS = ["godkendt", "taget_til_efterretning", "udsat", "afvist", "oversendt", "droeftet",
          "andet"]


def search(db, *args, check=True):
    p = subprocess.run([os.path.join(BIN, "referat-search"), "--db", db, *args],
                       capture_output=True, text=True, timeout=120)
    if check and p.returncode not in (0, 1):
        raise AssertionError(f"referat-search {args}: exit {p.returncode}: {p.stderr}")
    return p


def hits(db, *args):
    out = search(db, "--format", "json", "-n", "0", *args).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"rank"')]


def index(db, *paths):
    subprocess.run([os.path.join(BIN, "referat-index"), "--db", db, *paths], check=True,
                   capture_output=True, timeout=300)


class Generated(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="referat-e2e-")
        cls.out = os.path.join(cls.tmp, "gen")
        cls.truth = os.path.join(cls.tmp, "outcome-truth.tsv")
        cls.threads = os.path.join(cls.tmp, "thread-truth.tsv")
        subprocess.run([os.path.join(ROOT, "bench", "gen-corpus"), "--seed", "17", "--size",
                        "400K", "--outcome-truth", cls.truth, "--thread-truth", cls.threads,
                        cls.out], check=True, capture_output=True, timeout=300)
        cls.db = os.path.join(cls.tmp, "db")
        index(cls.db, cls.out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_outcome_f1_per_label_on_generated_decisions(self):
        truth = {}
        with open(self.truth, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                path, num, labels = line.rstrip("\n").split("\t")
                truth[(path, int(num))] = set() if labels == "-" else set(labels.split(","))
        decisions = sum(1 for v in truth.values() if v)
        self.assertGreater(decisions, 150)
        got = {}
        for label in LABELS:
            for h in hits(self.db, "--outcome", label, "*"):
                key = (os.path.relpath(h["source"], self.out), h["punkt"])
                if key not in truth:
                    continue  # the closing "Evt." punkt: free text, not labelled
                got.setdefault(key, set()).add(label)
                self.assertIn(label, h["outcome"])
        report = []
        for label in LABELS:
            tp = sum(1 for k, v in truth.items() if label in v and label in got.get(k, ()))
            fp = sum(1 for k, v in got.items() if label in v and label not in truth.get(k, ()))
            fn = sum(1 for k, v in truth.items() if label in v and label not in got.get(k, ()))
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            report.append((label, tp + fn, p, r, f1))
        print("\noutcome on %d generated decisions (%d punkter):" % (decisions, len(truth)))
        for label, n, p, r, f1 in report:
            print("  %-24s n=%4d P=%.3f R=%.3f F1=%.3f" % (label, n, p, r, f1))
        for label, n, p, r, f1 in report:
            self.assertGreater(n, 0, label)
            self.assertGreaterEqual(f1, 0.95, label)

    def test_every_generated_case_thread_is_complete(self):
        cases = {}
        with open(self.threads, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#"):
                    path, num, journal = line.rstrip("\n").split("\t")
                    cases.setdefault(journal, set()).add((path, int(num)))
        self.assertGreaterEqual(sum(1 for v in cases.values() if len(v) > 1), 3)
        complete = 0
        for journal, want in cases.items():
            thread = hits(self.db, "--thread", journal)
            got = {(os.path.relpath(h["source"], self.out), h["punkt"]) for h in thread}
            dates = [h["date"] for h in thread]
            complete += got == want and dates == sorted(dates)
        print("\ncase threads complete: %d of %d (%d punkter)"
              % (complete, len(cases), sum(len(v) for v in cases.values())))
        self.assertEqual(complete, len(cases))

    def test_facet_counts_match_the_filters(self):
        out = search(self.db, "--format", "json", "--facets", "-n", "1", "*").stdout
        facets = json.loads(out.splitlines()[-1])["facets"]["outcome"]
        for label in LABELS:
            self.assertEqual(facets.get(label, 0), len(hits(self.db, f"udfald:{label}")), label)


class Bundled(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="referat-e2e-")
        cls.db = os.path.join(cls.tmp, "db")
        index(cls.db, os.path.join(ROOT, "corpus"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_star_browses_every_punkt_with_filters(self):
        every = hits(self.db, "*")
        count = int(search(self.db, "--format", "json", "--facets", "-n", "0", "*")
                    .stdout.splitlines()[-1] != "" and len(every))
        self.assertEqual(count, len(every))
        self.assertGreater(len(every), 30)
        decisions = hits(self.db, "--decisions", "*")
        self.assertTrue(0 < len(decisions) < len(every))
        chef_2017 = hits(self.db, "--body", "chefforum", "--from", "2017", "--to", "2017",
                         "--outcome", "taget_til_efterretning", "--outcome", "droeftet", "*")
        self.assertTrue(chef_2017)
        for h in chef_2017:
            self.assertTrue(h["date"].startswith("2017"))
            self.assertTrue({"taget_til_efterretning", "droeftet"} & set(h["outcome"]))
        timeline = search(self.db, "--timeline", "--outcome", "godkendt", "*").stdout
        self.assertIn("Udfald: Godkendt", timeline)
        # Exports of a browse: one row per punkt, with its outcome and citation.
        out = os.path.join(self.tmp, "alle.csv")
        search(self.db, "--decisions", "-n", "0", "--output", out, "*")
        with open(out, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        self.assertEqual(len(rows), len(decisions))
        self.assertEqual(sorted(r["outcome"] for r in rows),
                         sorted(",".join(h["outcome"]) for h in decisions))
        self.assertTrue(all(r["citation"] for r in rows))

    def test_unknown_outcome_is_a_clear_error(self):
        p = search(self.db, "udfald:godkent", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("'godkent' is not an outcome", p.stderr)
        self.assertIn("taget_til_efterretning", p.stderr)
        p = search(self.db, "--outcome", "vedtaget", "*", check=False)
        self.assertEqual(p.returncode, 2)

    def test_thread_is_exact_and_in_date_order(self):
        thread = hits(self.db, "--thread", " 00.01.00-a00-26-17 ")
        self.assertGreaterEqual(len(thread), 2)
        self.assertEqual({h["journal"] for h in thread}, {"00.01.00-A00-26-17"})
        dates = [h["date"] for h in thread]
        self.assertEqual(dates, sorted(dates))
        for h in thread:
            self.assertIsInstance(h["outcome"], list)
        # sagsnr: in a query reads the number the same way.
        self.assertEqual([h["id"] for h in hits(self.db, "--sort", "date",
                                                'sagsnr:" 00.01.00-A00-26-17  "')],
                         [h["id"] for h in thread])
        # A prefix of a journal number is another case.
        self.assertEqual(hits(self.db, "--thread", "00.01.00-A00-26-1"), [])
        text = search(self.db, "--thread", "00.01.00-A00-26-17").stdout
        self.assertIn("Udfald: ", text)

    def test_citation_line(self):
        h = [h for h in hits(self.db, "--decisions", "sygefravær") if h["punkt"] == 9 and
             h["body"] == "Chefforum" and h["section"] == "beslutning"][0]
        self.assertEqual(h["citation"],
                         "Albertslund Kommune, Chefforum, 7. september 2017, punkt 9: "
                         "Orientering om Sygefraværstatistik for 1. halvår 2017, Beslutning")


if __name__ == "__main__":
    unittest.main()
