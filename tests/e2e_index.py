"""End-to-end tests of referat-index's compaction, progress bar and threads.

The real binaries on copies of the bundled corpus in a temporary folder
(REFERAT_BIN names the folder of the binaries, bin/ by default).
"""
import glob
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))
CORPUS = os.path.join(ROOT, "corpus")
SAVED = re.compile(r"compacted .+: ([\d.]+) MB -> ([\d.]+) MB, saved ([\d.]+) MB \((\d+)%\)")
QUERIES = [("sygefravær",), ("--decisions", "udbud"), ('"ny organisering"',),
           ("år:2017", "referat"), ("budget", "OR", "økonomi")]


def run(prog, *args):
    env = dict(os.environ)
    env.pop("REFERAT_DB", None)
    return subprocess.run([os.path.join(BIN, prog), *args], capture_output=True, text=True,
                          env=env, timeout=120)


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="referat-e2e-")
        self.db = os.path.join(self.tmp, "db")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def index(self, *args):
        r = run("referat-index", "--db", self.db, *args, CORPUS)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def answers(self, db):
        """Every query's hits as (id, score, snippet) on DB."""
        out = []
        for q in QUERIES:
            r = run("referat-search", "--db", db, "--format", "json", "--limit", "10", *q)
            self.assertIn(r.returncode, (0, 1), r.stderr)
            out.append([(h["id"], h["score"], h["snippet"])
                        for h in map(json.loads, r.stdout.splitlines())])
        return out


class Shards(Base):
    def test_sharded_build_answers_as_one_writer(self):
        """A new database built in shards, merged at the end, answers every
        query with the same hits, scores and snippets as one writer's, and
        the next run finds every file unchanged."""
        self.index("--shards", "1")
        one = self.answers(self.db)
        self.assertTrue(one[0], "sygefravær finds nothing")
        shutil.rmtree(self.db)
        r = self.index("--shards", "2", "-v")
        self.assertEqual(r.stderr.count("committed"), 1, r.stderr)
        self.assertEqual([sorted(a) for a in self.answers(self.db)], [sorted(a) for a in one])
        self.assertEqual([os.path.basename(p) for p in glob.glob(self.db + "/shard-*")], [])
        self.assertIn("5 unchanged", self.index().stderr)


    def test_killed_sharded_build_leaves_an_empty_index_and_a_rerun_builds_it(self):
        """A sharded build writes the database once, at the end: stopped and
        killed midway, it leaves an empty index that answers (no hits, no
        error); the rerun builds the whole index and clears the shards."""
        big = os.path.join(self.tmp, "big")
        os.mkdir(big)
        for i in range(12):
            for name in os.listdir(CORPUS):
                shutil.copy(os.path.join(CORPUS, name), os.path.join(big, f"{i:02d}-{name}"))
        proc = subprocess.Popen([os.path.join(BIN, "referat-index"), "-v", "--shards", "2",
                                 "--db", self.db, big], stderr=subprocess.PIPE, text=True)
        try:
            indexed = 0
            for line in proc.stderr:
                indexed += line.startswith("indexed")
                if indexed == 2:
                    proc.send_signal(signal.SIGSTOP)
                    break
            self.assertIsNone(proc.poll(), "the build ended before it could be stopped")
            self.assertTrue(glob.glob(self.db + "/shard-*"), "no shards while the build ran")
            r = run("referat-search", "--db", self.db, "--format", "json", "sygefravær")
            self.assertEqual((r.returncode, r.stdout), (1, ""), r.stderr)
        finally:
            proc.kill()
            proc.wait()
            proc.stderr.close()
        r = run("referat-search", "--db", self.db, "--format", "json", "sygefravær")
        self.assertEqual((r.returncode, r.stdout), (1, ""), r.stderr)
        r = run("referat-index", "--shards", "2", "--db", self.db, big)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{12 * len(os.listdir(CORPUS))} files indexed", r.stderr)
        self.assertEqual(glob.glob(self.db + "/shard-*"), [])
        r = run("referat-search", "--db", self.db, "--format", "json", "--limit", "0",
                "sygefravær")
        self.assertEqual(r.returncode, 0, r.stderr)


class Compact(Base):
    def test_in_place_says_what_it_saved_and_answers_the_same(self):
        # One writer: a sharded build is merged by compaction already.
        self.index("--shards", "1")
        before = self.answers(self.db)
        self.assertTrue(before[0], "sygefravær finds nothing")
        r = run("referat-index", "--compact", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = SAVED.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        self.assertLess(float(m.group(2)), float(m.group(1)))
        self.assertEqual(self.answers(self.db), before)
        # Incremental indexing goes on afterwards.
        r = self.index()
        self.assertIn("5 unchanged", r.stderr)

    def test_single_file_output_answers_the_same(self):
        self.index()
        before = self.answers(self.db)
        out = os.path.join(self.tmp, "referat.glass")
        r = run("referat-index", "--compact", "--db", self.db, "--output", out, "--single-file")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(out))
        self.assertEqual(self.answers(out), before)

    def test_usage_errors_and_missing_database(self):
        self.index()
        for args in (["--compact", "--single-file"], ["--compact", CORPUS],
                     ["--output", os.path.join(self.tmp, "x")]):
            r = run("referat-index", "--db", self.db, *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn("--help", r.stderr)
        r = run("referat-index", "--compact", "--db", self.db, "--output", self.tmp)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("will not overwrite", r.stderr)
        missing = os.path.join(self.tmp, "missing")
        r = run("referat-index", "--compact", "--db", missing)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("database not found", r.stderr)
        self.assertFalse(os.path.exists(missing))

    def test_locked_while_an_indexer_writes(self):
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
            r = run("referat-index", "--compact", "--db", self.db)
            if first.poll() is not None:
                self.skipTest("the indexer finished before it could be stopped")
            self.assertEqual(r.returncode, 4, r.stderr)
            self.assertIn("locked by another indexer", r.stderr)
        finally:
            first.send_signal(signal.SIGCONT)
            first.wait()


def run_on_terminal(*args):
    """Run referat-index with stderr on a pseudo-terminal; what it wrote.
    Raises unittest.SkipTest where the system has no pseudo-terminals (a
    chroot without /dev/pts): there is no terminal to draw a bar on."""
    try:
        master, slave = pty.openpty()
    except OSError as e:
        raise unittest.SkipTest("no pseudo-terminal available: %s" % e)
    p = subprocess.Popen([os.path.join(BIN, "referat-index"), *args], stdout=subprocess.DEVNULL,
                         stderr=slave)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=60)
    os.close(master)
    return p.returncode, out.decode("utf-8", "replace")


class Progress(Base):
    def test_terminal_shows_the_bar(self):
        code, out = run_on_terminal("--db", self.db, CORPUS)
        self.assertEqual(code, 0, out)
        bars = re.findall(r"\r\x1b\[K\[[#.]+\]\s+(\d+)%\s+(\d+)/(\d+) files\s+[\d.]+/[\d.]+ MB\s+"
                          r"[\d.]+ MB/s\s+ETA ", out)
        self.assertTrue(bars, out)
        self.assertEqual(bars[0][2], "5")  # the pre-walk's total
        self.assertIn("5 files indexed", out)

    def test_quiet_terminal_has_no_bar(self):
        code, out = run_on_terminal("--quiet", "--db", self.db, CORPUS)
        self.assertEqual(code, 0, out)
        self.assertNotIn("\x1b[K[", out)
        self.assertIn("5 files indexed", out)

    def test_not_a_terminal_prints_the_summary_line_only(self):
        r = self.index()
        self.assertNotIn("\r", r.stderr)
        summary = [l for l in r.stderr.splitlines() if not l.startswith("referat-index: /")]
        self.assertEqual(len(summary), 1, r.stderr)
        self.assertRegex(summary[0], r"5 files indexed \(37 punkter")


class Threads(Base):
    def test_any_number_of_threads_gives_the_same_answers(self):
        self.index("--threads", "1")
        one = self.answers(self.db)
        shutil.rmtree(self.db)
        self.index("--threads", "8")
        self.assertEqual(self.answers(self.db), one)

    def test_threads_must_be_a_small_number(self):
        for bad in ("0", "9", "two"):
            r = run("referat-index", "--threads", bad, "--db", self.db, CORPUS)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("--threads", r.stderr)


if __name__ == "__main__":
    unittest.main()
