"""Concurrency: searching while the indexer writes, and a second indexer.

One referat-index run writes a large generated corpus (400 files x 10
punkter, committing every 10 files, so 40 commits), while three
searcher loops run referat-search over and over in other processes — among
them a search for a word every punkt holds, whose thousands of hits are read
while commits land (the case where Xapian raises DatabaseModifiedError and
the searcher must reopen and retry). Every search must answer: exit 0 or 1,
JSON that parses, no error text. A reader sees whole commits only, so the
hit count of that word is always a multiple of 10 (whole files) and never
goes down.

Meanwhile a second referat-index on the same database must be refused with
"database is locked by another indexer" and exit 4, and the first must still
complete: afterwards every punkt is found, exactly once.
"""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import minutes_gen as g

FILES = 400
PUNKTER = 10
SEARCHERS = 3
QUERIES = ["budgettet", "sag", "\"sagen handler\"", "godkendt OR budget*", "udvalg:samudvalget",
           "titel:sag -møde", "år:2022 beslutning:godkendt"]


class Concurrency(unittest.TestCase):
    def setUp(self):
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="referat-conc-"))
        self.src = os.path.join(self.tmp, "in")
        self.other = os.path.join(self.tmp, "other")
        self.db = os.path.join(self.tmp, "db")
        os.mkdir(self.src)
        os.mkdir(self.other)
        self.tags = []
        for f in range(FILES):
            punkter = [(i + 1, f"Sag {i + 1} i møde {f}", g.tag("c", f * PUNKTER + i))
                       for i in range(PUNKTER)]
            self.tags += [t for _, _, t in punkter]
            with open(os.path.join(self.src, f"m{f:03d}.txt"), "w", encoding="utf-8") as out:
                out.write(g.minutes("Samudvalget", f"2022-{f % 12 + 1:02d}-{f % 28 + 1:02d}",
                                    punkter))
        self.other_tags = [g.tag("o", i) for i in range(3)]
        with open(os.path.join(self.other, "x.txt"), "w", encoding="utf-8") as out:
            out.write(g.minutes("Andetudvalg", "2022-01-01",
                                [(i + 1, "Anden sag", t) for i, t in enumerate(self.other_tags)]))
        # An empty database first, so searchers have something to open.
        with open(os.path.join(self.tmp, "seed.txt"), "w", encoding="utf-8") as out:
            out.write(g.minutes("Samudvalget", "2022-01-01", [(1, "Start", g.tag("s", 0))]))
        r = g.run("referat-index", "--db", self.db, os.path.join(self.tmp, "seed.txt"))
        self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def searcher(self, n, stop, report):
        searches, counts, problems = 0, [], []
        i = n
        while not stop.is_set():
            query = QUERIES[i % len(QUERIES)]
            i += 1
            r, hits = None, None
            try:
                r = g.run("referat-search", "--db", self.db, "--format", "json", "--limit", "0",
                          query, timeout=120)
                hits = [json.loads(line) for line in r.stdout.splitlines()]
            except (ValueError, subprocess.TimeoutExpired) as e:
                problems.append(f"{query!r}: {e}")
                continue
            searches += 1
            errors = [l for l in r.stderr.splitlines()
                      if not l.startswith(("Mente du", "Ingen punkter fundet"))]
            if r.returncode not in (0, 1) or errors:
                problems.append(f"{query!r}: exit {r.returncode}: {r.stderr.strip()}")
            if query == "budgettet":
                counts.append(len(hits))
        report[n] = (searches, counts, problems)

    def test_searches_answer_while_indexing_and_a_second_indexer_is_locked_out(self):
        first = subprocess.Popen(
            [os.path.join(g.BIN, "referat-index"), "-v", "--commit-every", "10", "--db", self.db,
             self.src], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env=g.env_without_db())
        stop, report = threading.Event(), {}
        threads = [threading.Thread(target=self.searcher, args=(n, stop, report))
                   for n in range(SEARCHERS)]
        for t in threads:
            t.start()
        t0 = time.monotonic()
        try:
            # After the first commit, the writer holds the lock for sure.
            lines = []
            for line in first.stderr:
                lines.append(line)
                if line.startswith("committed"):
                    break
            running_before = first.poll() is None
            second = g.run("referat-index", "--db", self.db, self.other)
            running_after = first.poll() is None
            rest = first.stderr.read()
            first.stderr.close()
            rc = first.wait(timeout=600)
        finally:
            stop.set()
            for t in threads:
                t.join()
            if first.poll() is None:
                first.kill()
                first.wait()
        seconds = time.monotonic() - t0
        self.assertEqual(rc, 0, rest[-2000:])
        self.assertTrue(running_before and running_after,
                        "the first indexer ended before the second could be refused")
        self.assertEqual(second.returncode, 4, second.stderr)
        self.assertIn("database is locked by another indexer", second.stderr)

        total = 0
        for n, (searches, counts, problems) in sorted(report.items()):
            self.assertEqual(problems, [], f"searcher {n}: " + "\n".join(problems))
            self.assertGreater(searches, 0)
            total += searches
            self.assertEqual(counts, sorted(counts), "a reader saw punkter disappear")
            # Whole files only: the seed's 1 punkt plus 10 per file.
            self.assertEqual([c for c in counts if (c - 1) % PUNKTER], [],
                             "a reader saw part of a file")
        self.assertEqual(len(report), SEARCHERS)

        found = g.find_tags(self.db, self.tags)
        self.assertEqual([t for t in self.tags if len(found[t]) != 1], [])
        found = g.find_tags(self.db, self.other_tags)
        self.assertEqual(found, {t: [] for t in self.other_tags}, "the refused indexer wrote")
        print(f"\n    {total} searches in {seconds:.1f} s of indexing "
              f"({FILES * PUNKTER} punkter)", end=" ")


if __name__ == "__main__":
    unittest.main()
