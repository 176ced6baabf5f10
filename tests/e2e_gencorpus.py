"""bench/gen-corpus: deterministic, shaped like real minutes, and indexable.

Generates a small corpus twice with one seed (and once with another) in a
temporary folder, compares the bytes, checks the layout the benchmark relies
on, and indexes it with the real referat-index (REFERAT_BIN, bin/ by default).
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))
GEN = os.path.join(ROOT, "bench", "gen-corpus")


def digest(folder):
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(root, f)
            h.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as fh:
                h.update(fh.read())
            h.update(str(int(os.stat(path).st_mtime)).encode())
    return h.hexdigest()


class GenCorpus(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="referat-e2e-")

        def gen(name, seed):
            out = os.path.join(cls.tmp, name)
            subprocess.run([sys.executable, GEN, "--seed", str(seed), "--size", "600K", out],
                           check=True, capture_output=True, timeout=300)
            return out
        cls.a, cls.b, cls.c = gen("a", 3), gen("b", 3), gen("c", 4)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def files(self, folder):
        return sorted(os.path.join(r, f) for r, _, fs in os.walk(folder) for f in fs)

    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        self.assertEqual(digest(self.a), digest(self.b))
        self.assertNotEqual(digest(self.a), digest(self.c))

    def test_size_years_committees_and_markdown(self):
        files = self.files(self.a)
        total = sum(os.path.getsize(f) for f in files)
        self.assertGreaterEqual(total, 600_000)
        self.assertLess(total, 700_000)
        years = {os.path.basename(os.path.dirname(f)) for f in files}
        self.assertGreaterEqual(len(years), 15)
        self.assertTrue(all(re.fullmatch(r"20(0[5-9]|1\d|2[0-4])", y) for y in years), years)
        self.assertTrue(any(f.endswith(".md") for f in files))
        self.assertTrue(any(f.endswith(".txt") for f in files))

    def test_files_have_the_minutes_layout(self):
        text = open(self.files(self.a)[0], encoding="utf-8").read()
        for pattern in (r"REFERAT .+ d\. \d\d-\d\d-\d{4}", r"Mødedato", r"Indholdsfortegnelse",
                        r"Punkt 1: [A-ZÆØÅ]+ - ", r"\d\d\.\d\d\.\d\d-[A-Z]\d\d-\d+-\d\d",
                        r"Anledning", r"Indstilling"):
            self.assertRegex(text, pattern)

    def test_referat_indexes_every_file_with_its_committee(self):
        db = os.path.join(self.tmp, "db")
        r = subprocess.run([os.path.join(BIN, "referat-index"), "-q", "--db", db, self.a],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        n = len(self.files(self.a))
        self.assertIn(f"{n} files indexed", r.stderr)
        r = subprocess.run([os.path.join(BIN, "referat-search"), "--db", db, "--format", "json",
                            "--limit", "0", "indstiller"], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        bodies = {json.loads(line)["body"] for line in r.stdout.splitlines()}
        self.assertGreaterEqual(len(bodies), 8, bodies)


if __name__ == "__main__":
    unittest.main()
