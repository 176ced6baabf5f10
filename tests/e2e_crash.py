"""Crash safety: SIGKILL referat-index at several points of a run, then check.

A corpus of 300 generated files x 10 punkter (3000 punkter, each with its
own word, minutes_gen.tag) is indexed with --commit-every 5 --verbose, so the
indexer prints "indexed FILE" per file and "committed" after each commit.
The test kills it (SIGKILL, no chance to clean up) after a number of
"committed" lines, or after a time, and each time checks:

  - the database opens and answers (referat-search exits 0/1, no error);
  - it holds exactly the files of one commit: the ones reported before the
    last "committed" line, or — when the kill hit after a commit was durable
    but before its line was printed — those plus the batch being committed;
  - each of those files has all 10 punkter, each exactly once (the search
    for a punkt's word finds that punkt and no copy), and nothing else is
    in the index (a word every punkt has finds exactly 10 per file);
  - the next run reports exactly those files as "unchanged": the metadata
    that records a file as indexed (src:) was committed with its punkter.

The next run then goes on from there; the last run is not killed and must
complete the index: all 3000 punkter, each exactly once.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import minutes_gen as g

FILES = 300
PUNKTER = 10
COMMIT_EVERY = 5


class CrashSafety(unittest.TestCase):
    def setUp(self):
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="referat-crash-"))
        self.src = os.path.join(self.tmp, "in")
        self.db = os.path.join(self.tmp, "db")
        os.mkdir(self.src)
        self.file_tags = {}
        for f in range(FILES):
            path = os.path.join(self.src, f"m{f:03d}.txt")
            punkter = [(i + 1, f"Sag {i + 1} i møde {f}", g.tag("k", f * PUNKTER + i))
                       for i in range(PUNKTER)]
            with open(path, "w", encoding="utf-8") as out:
                out.write(g.minutes("Krakudvalget", f"2021-{f % 12 + 1:02d}-{f % 28 + 1:02d}",
                                    punkter))
            self.file_tags[path] = [(n, t) for n, _, t in punkter]
        self.in_db = set()  # files the database holds, as last verified

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def index(self, kill_after_commits=None, kill_after_seconds=None):
        """Run referat-index -v; SIGKILL it after N "committed" lines or S
        seconds (whichever is given). Returns (killed, lines of stderr)."""
        proc = subprocess.Popen(
            [os.path.join(g.BIN, "referat-index"), "-v", "--commit-every", str(COMMIT_EVERY),
             "--db", self.db, self.src],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env=g.env_without_db())
        lines, commits, killed = [], 0, False
        t0 = time.monotonic()
        if kill_after_seconds is not None:
            # Read nothing until the kill: the pipe (64 KiB) holds the lines.
            time.sleep(kill_after_seconds)
            killed = proc.poll() is None
            proc.kill()
        else:
            for line in proc.stderr:
                lines.append(line.rstrip("\n"))
                if line.startswith("committed"):
                    commits += 1
                    if kill_after_commits is not None and commits == kill_after_commits:
                        proc.kill()
                        killed = True
                        break
        lines += proc.stderr.read().splitlines()
        proc.stderr.close()
        rc = proc.wait(timeout=300)
        self.seconds = time.monotonic() - t0
        if killed:
            self.assertEqual(rc, -signal.SIGKILL)
        return killed, rc, lines

    @staticmethod
    def parse(lines):
        """(unchanged files, batches): batches[i] lists the files reported
        "indexed" before the i-th "committed" line; the last batch holds the
        files reported after the last commit."""
        unchanged, batches = [], [[]]
        for line in lines:
            if line.startswith("unchanged "):
                unchanged.append(line[len("unchanged "):])
            elif line.startswith("indexed "):
                batches[-1].append(line[len("indexed "):].rsplit(":", 1)[0])
            elif line == "committed":
                batches.append([])
        return unchanged, batches

    def files_found(self):
        """{file: [punkt numbers found]} for files with any punkt found, and
        the number of punkter the word every punkt shares finds."""
        tags = {t: (path, n) for path, v in self.file_tags.items() for n, t in v}
        found = g.find_tags(self.db, list(tags))
        files = {}
        for t, hits in found.items():
            path, n = tags[t]
            for source, punkt in hits:
                self.assertEqual((source, punkt), (path, n), f"{t} found in the wrong punkt")
                files.setdefault(path, []).append(punkt)
        r, hits = g.search_json(self.db, "budgettet")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return files, len(hits)

    def check_after_kill(self, lines):
        unchanged, batches = self.parse(lines)
        # Files are walked in order and the database holds a prefix of them,
        # so once a run reports a file indexed it has reported every file the
        # database held. A timed kill on a loaded machine can land before
        # that: then the lines seen must still name only files it held.
        if any(batches):
            self.assertEqual(set(unchanged), self.in_db,
                             "the run must see as unchanged exactly what the database held")
        else:
            self.assertLessEqual(set(unchanged), self.in_db,
                                 "the run saw as unchanged a file the database did not hold")
        committed = self.in_db | {f for b in batches[:-1] for f in b}
        pending = batches[-1]
        files, total = self.files_found()
        got = set(files)
        # The kill may land after a commit was durable and before its line.
        allowed = [committed]
        if len(pending) == COMMIT_EVERY:
            allowed.append(committed | set(pending))
        names = lambda files: sorted(os.path.basename(f) for f in files)
        self.assertTrue(got in allowed,
                        f"database holds {len(got)} files; a commit held "
                        f"{' or '.join(str(len(a)) for a in allowed)}; extra "
                        f"{names(got - committed)}, missing {names(committed - got)}")
        for path, punkter in files.items():
            self.assertEqual(sorted(punkter), list(range(1, PUNKTER + 1)), path)
        self.assertEqual(total, PUNKTER * len(got), "documents outside the committed files")
        self.in_db = got

    def test_killed_runs_keep_whole_commits_and_a_rerun_completes(self):
        timings = []
        for kill in ({"kill_after_commits": 3}, {"kill_after_commits": 20},
                     {"kill_after_seconds": 0.2}, {"kill_after_commits": 1}):
            killed, rc, lines = self.index(**kill)
            timings.append(f"{self.seconds:.1f}" + ("" if killed else " (ran to the end)"))
            if not killed:
                self.assertIn(rc, (0,), lines[-5:])
            self.check_after_kill(lines)
        # The last run is left to finish: the index is complete.
        killed, rc, lines = self.index()
        self.assertEqual(rc, 0, lines[-5:])
        finish = self.seconds
        self.check_after_kill(lines)
        self.assertEqual(len(self.in_db), FILES)
        # And one more run finds nothing to do.
        _, rc, lines = self.index()
        unchanged, batches = self.parse(lines)
        self.assertEqual((rc, len(unchanged), sum(map(len, batches))), (0, FILES, 0))
        print(f"\n    killed runs (s): {', '.join(timings)}; the run that finished: "
              f"{finish:.1f} s", end=" ")


if __name__ == "__main__":
    unittest.main()
