"""What the parser reads of real minutes, against what their text states.

tests/data/real-minutes/manifest.tsv records, by reading each file, the
meeting's date, committee and municipality and the journal (case) numbers
the text states ("-" where it states none). `referat-index --explain` must
read them: each field right in at least 95 % of the files that state it,
at least 95 % of the stated journal numbers, and every structured punkt
with a title. The figures are printed, so the test log quotes them.
REFERAT_BIN names the folder of the binaries (bin/ by default).
"""
import csv
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))
REAL = os.path.join(ROOT, "tests", "data", "real-minutes")
MANIFEST = os.path.join(REAL, "manifest.tsv")
TARGET = 0.95


def explain(path):
    r = subprocess.run([os.path.join(BIN, "referat-index"), "--explain", path],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def meeting_field(out, name):
    m = re.search(r"^  %s: (.*)$" % name, out, re.M)
    value = m.group(1).strip() if m else ""
    return "" if value == "(none)" else value


def norm(name):
    """A committee's name compared without case and runs of white space."""
    return " ".join(name.casefold().split())


def manifest_rows():
    with open(MANIFEST, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


class FieldsReadFromTheText(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rows = manifest_rows()
        cls.out = {row["file"]: explain(os.path.join(REAL, row["file"])) for row in cls.rows}

    def share(self, field, right):
        """Of the files whose text states FIELD, the share RIGHT(row, out)
        accepts; printed with the files it missed."""
        stated = [r for r in self.rows if r["stated_" + field] != "-"]
        missed = [r["file"] for r in stated if not right(r, self.out[r["file"]])]
        share = (len(stated) - len(missed)) / len(stated)
        print("\n%s: %d of %d files read right (%.0f %%)" %
              (field, len(stated) - len(missed), len(stated), 100 * share))
        for name in missed:
            print("  missed: %s" % name)
        return share, missed

    def test_manifest_states_every_file(self):
        self.assertEqual(len(self.rows), 62)
        for r in self.rows:
            for field in ("date", "committee", "municipality", "journals"):
                self.assertTrue(r["stated_" + field], r["file"])

    def test_meeting_date(self):
        share, missed = self.share(
            "date", lambda r, out: meeting_field(out, "date") == r["stated_date"])
        self.assertGreaterEqual(share, TARGET, missed)

    def test_committee(self):
        share, missed = self.share(
            "committee", lambda r, out: norm(meeting_field(out, "body")) in
            {norm(c) for c in r["stated_committee"].split("|")})
        self.assertGreaterEqual(share, TARGET, missed)

    def test_municipality(self):
        share, missed = self.share(
            "municipality",
            lambda r, out: meeting_field(out, "municipality") == r["stated_municipality"])
        self.assertGreaterEqual(share, TARGET, missed)

    def test_journal_numbers(self):
        stated = read = 0
        missed = []
        for r in self.rows:
            if r["stated_journals"] == "-":
                continue
            got = set(re.findall(r"^  line \d+(?:, page \d+)?, journal (\S+)", self.out[r["file"]],
                                 re.M))
            for number in r["stated_journals"].split():
                stated += 1
                if number in got:
                    read += 1
                else:
                    missed.append("%s: %s" % (r["file"], number))
        print("\njournal numbers: %d of %d read (%.0f %%)" % (read, stated, 100 * read / stated))
        for m in missed:
            print("  missed: %s" % m)
        self.assertGreaterEqual(read / stated, TARGET, missed)

    def test_every_structured_punkt_has_a_title(self):
        untitled = []
        for name, out in self.out.items():
            if "structure: structured" not in out:
                continue
            untitled += ["%s: %s" % (name, line) for line in out.splitlines()
                         if re.match(r"^punkt -?\d+( \[[^]]*\])?: \(no title\)$", line)]
        total = sum(len(re.findall(r"^punkt ", out, re.M)) for out in self.out.values())
        print("\npunkter without title: %d of %d" % (len(untitled), total))
        self.assertEqual(untitled, [])

    def test_punkter_without_date_or_committee(self):
        """Reported, not asserted: a file that states neither cannot give
        its punkter a date or a committee."""
        no_date = no_body = total = 0
        for out in self.out.values():
            n = len(re.findall(r"^(punkt |header text)", out, re.M))
            total += n
            no_date += n if not meeting_field(out, "date") else 0
            no_body += n if not meeting_field(out, "body") else 0
        print("\npunkter without date: %d, without committee: %d, of %d" %
              (no_date, no_body, total))
        self.assertGreater(total, 0)


class UndatedPunkterAreCounted(unittest.TestCase):
    """A date filter cannot reach punkter without a date; the search says
    how many it left out instead of dropping them silently."""

    def test_date_filter_says_how_many_undated_it_left_out(self):
        tmp = tempfile.mkdtemp(prefix="referat-e2e-undated-")
        try:
            docs = os.path.join(tmp, "docs")
            os.mkdir(docs)
            with open(os.path.join(docs, "dated.txt"), "w", encoding="utf-8") as f:
                f.write("REFERAT Byrådet d. 03-04-2019\n\nPunkt 1: Grusgrav\n\n"
                        "Beslutning\n\nGrusgraven godkendes.\n")
            with open(os.path.join(docs, "undated.txt"), "w", encoding="utf-8") as f:
                f.write("REFERAT Byrådet\n\nPunkt 1: Grusgrav\n\nBeslutning\n\n"
                        "Grusgraven udsættes.\n\nPunkt 2: Vej\n\nBeslutning\n\n"
                        "Grusgraven nævnes.\n")
            db = os.path.join(tmp, "db")
            r = subprocess.run([os.path.join(BIN, "referat-index"), "--db", db, docs],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = subprocess.run([os.path.join(BIN, "referat-search"), "--db", db, "--from",
                                "2019", "grusgrav"], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"\b1 punkt(er)? fundet")
            self.assertIn("2 punkter uden dato er ikke med", r.stdout)
            r = subprocess.run([os.path.join(BIN, "referat-search"), "--db", db, "grusgrav"],
                               capture_output=True, text=True, timeout=60)
            self.assertNotIn("uden dato", r.stdout + r.stderr)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
