"""Shards: one archive split over several databases, some served by Debian's
own xapian-tcpsrv, searched as one.

A small corpus from bench/gen-corpus is indexed twice: once into one
database, and once split three ways (file by file, round robin) into three
shard databases. Two shards are served by real `xapian-tcpsrv` processes on
loopback and one is opened locally, all listed in a stub file
(`remote 127.0.0.1:PORT`, `auto PATH`). Every kind of search (ranked,
paged, sorted by date either way, wildcards, decisions only, facets,
timeline, exports) must print exactly what the one database prints: the
same hits in the same order, scores, totals, snippets and facet counts.
Wildcards are the exception Xapian makes (SYNONYM_SEARCHES): the same hits,
totals, facets and date order, scores left out.

Faults: a shard that is killed is named in the error (and with
--allow-partial the search answers from the rest and names it in a
"missing_shards" line); a stopped (hung) shard fails within --shard-timeout;
a server keeps serving while a shard is down and answers whole again once it
is restarted.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webserver import ROOT, Server, run  # noqa: E402

GEN = os.path.join(ROOT, "bench", "gen-corpus")
TCPSRV = shutil.which("xapian-tcpsrv")

# (options, query): every feature a search has, each compared whole.
SEARCHES = [
    ([], "budget"),
    (["-n", "5", "--offset", "3"], "budget"),
    (["-n", "0"], "sag"),
    (["--facets"], "budget"),
    (["--facets", "-n", "3"], "godkendt"),
    (["-b", "--facets", "-n", "0"], "godkendt"),
    (["--timeline"], "budget"),
    (["--timeline", "--sort", "-date", "--snippet"], "beslutning:godkendt"),
    (["-n", "0"], "\"sagen handler\""),
    (["--format", "csv", "-n", "0"], "budget"),
    (["--format", "md", "-n", "5"], "økonomi"),
]

# Wildcards expand to a synonym group, which Xapian weights with an
# *estimate* of the group's document frequency made database by database:
# over shards the scores differ a little (the hits, totals, facets and any
# date order do not). These are compared without scores; a relevance order
# is compared as a set.
SYNONYM_SEARCHES = [
    (["--sort", "date", "-n", "15", "--facets"], "udvalg*"),
    (["--sort", "-date", "-n", "0"], "bud*"),
    (["-n", "0", "--facets"], "bud* OR sag*"),
]

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Shard:
    """One database served by xapian-tcpsrv on a loopback port. The server
    forks a child per connection, so signals go to its process group: a
    killed shard drops the connections it was serving too."""

    def __init__(self, db):
        self.db = db
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [TCPSRV, "--port", str(self.port), "--interface", "127.0.0.1", "--quiet", self.db],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError("xapian-tcpsrv exited on port %d" % self.port)
                time.sleep(0.05)
        raise AssertionError("xapian-tcpsrv did not listen on port %d" % self.port)

    def signal(self, sig):
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGKILL)
            self.proc.wait()

    @property
    def name(self):
        return "remote 127.0.0.1:%d" % self.port


@unittest.skipUnless(TCPSRV, "xapian-tcpsrv (Debian's xapian-tools) is not installed")
class Shards(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = os.path.realpath(tempfile.mkdtemp(prefix="referat-shards-"))
        corpus = os.path.join(cls.tmp, "corpus")
        subprocess.run([sys.executable, GEN, "--size", "150K", corpus], check=True,
                       capture_output=True)
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs)
        assert len(files) >= 9, files
        cls.one = os.path.join(cls.tmp, "one")
        cls.part = [os.path.join(cls.tmp, "s%d" % i) for i in range(3)]
        for db, chunk in [(cls.one, files)] + [(cls.part[i], files[i::3]) for i in range(3)]:
            r = run("referat-index", "--db", db, *chunk)
            assert r.returncode in (0, 1), r.stderr
        cls.remote = [Shard(cls.part[0]).start(), Shard(cls.part[1]).start()]
        cls.stub = os.path.join(cls.tmp, "all.stub")
        with open(cls.stub, "w") as f:
            f.write("# two shards on xapian-tcpsrv, one local\n")
            for s in cls.remote:
                f.write("remote 127.0.0.1:%d\n" % s.port)
            f.write("auto s2\n")  # relative to the stub's folder

    @classmethod
    def tearDownClass(cls):
        for s in cls.remote:
            s.kill()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def search(self, dbs, *args):
        db_args = [a for db in dbs for a in ("--db", db)]
        return run("referat-search", *db_args, *args)

    def restart(self, shard):
        shard.kill()
        shard.start()

    def test_shards_answer_exactly_as_one_database(self):
        lines = 0
        for opts, query in SEARCHES:
            with self.subTest(opts=opts, query=query):
                args = ["--format", "json"] + opts if "--format" not in opts else opts
                one = self.search([self.one], *args, query)
                self.assertIn(one.returncode, (0, 1), one.stderr)
                lines += len(one.stdout.splitlines())
                for dbs in ([self.stub], self.part):
                    got = self.search(dbs, *args, query)
                    self.assertEqual(got.returncode, one.returncode, got.stderr)
                    self.assertEqual(got.stdout, one.stdout)
                    self.assertEqual(got.stderr, one.stderr)
        # The comparisons saw real results, facets among them.
        self.assertGreater(lines, 100)

    def test_wildcard_searches_find_the_same_hits_over_shards(self):
        def parsed(out, by_relevance):
            lines = [json.loads(line) for line in out.splitlines()]
            hits = [h for h in lines if "id" in h]
            rest = [x for x in lines if "id" not in x]
            for h in hits:
                del h["score"], h["rank"]
            if by_relevance:
                hits.sort(key=lambda h: h["id"])
            return hits, rest
        for opts, query in SYNONYM_SEARCHES:
            with self.subTest(opts=opts, query=query):
                by_relevance = "--sort" not in opts
                one = self.search([self.one], "--format", "json", *opts, query)
                got = self.search([self.stub], "--format", "json", *opts, query)
                self.assertEqual(got.returncode, one.returncode, got.stderr)
                hits, rest = parsed(one.stdout, by_relevance)
                self.assertGreater(len(hits), 3)
                self.assertEqual(parsed(got.stdout, by_relevance), (hits, rest))

    def test_the_facets_timeline_and_order_are_not_trivial(self):
        r = self.search([self.stub], "--format", "json", "--facets", "-n", "0", "budget")
        hits = [json.loads(line) for line in r.stdout.splitlines()]
        facets = hits.pop()["facets"]
        self.assertGreater(len(hits), 10)
        self.assertEqual(sum(facets["year"].values()), len(hits))
        self.assertTrue(facets["section"])
        r = self.search([self.stub], "--format", "json", "--sort", "-date", "-n", "0", "sag")
        keys = [(h["date"], -h["punkt"]) for h in map(json.loads, r.stdout.splitlines())]
        self.assertEqual(keys, sorted(keys, reverse=True))
        self.assertGreater(len(keys), 10)

    def test_repeated_db_is_the_same_as_a_stub(self):
        a = self.search(self.part, "--format", "json", "--facets", "budget")
        b = self.search([self.stub], "--format", "json", "--facets", "budget")
        self.assertEqual(a.returncode, 0, a.stderr)
        self.assertEqual(a.stdout, b.stdout)

    def test_a_bad_stub_line_is_named_by_file_and_line(self):
        bad = os.path.join(self.tmp, "bad.stub")
        with open(bad, "w") as f:
            f.write("auto s0\nremote nowhere\n")
        r = self.search([bad], "budget")
        self.assertEqual(r.returncode, 3)
        self.assertIn("bad.stub:2:", r.stderr)
        self.assertIn("remote HOST:PORT", r.stderr)

    def test_a_killed_shard_is_named_and_partial_answers_name_it(self):
        down = self.remote[1]
        try:
            down.kill()
            r = self.search([self.stub], "--shard-timeout", "2", "budget")
            self.assertEqual(r.returncode, 3)
            self.assertIn(down.name, r.stderr)
            self.assertIn("did not answer", r.stderr)
            r = self.search([self.stub], "--allow-partial", "--format", "json", "-n", "0",
                            "--facets", "budget")
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.splitlines()
            self.assertEqual(json.loads(lines[-1]), {"missing_shards": [down.name]})
            # The rest answer as the shards that are up would on their own.
            rest = self.search([self.part[0], self.part[2]], "--format", "json", "-n", "0",
                               "--facets", "budget")
            self.assertEqual(lines[:-1], rest.stdout.splitlines())
        finally:
            self.restart(down)
        r = self.search([self.stub], "--allow-partial", "--format", "json", "budget")
        self.assertNotIn("missing_shards", r.stdout)

    def test_a_hung_shard_fails_named_within_the_timeout(self):
        hung = self.remote[0]
        # What a search costs here when every shard answers (start-up
        # included: sanitizer builds on a busy machine are slow).
        start = time.monotonic()
        self.search([self.stub], "--shard-timeout", "1", "budget")
        normal = time.monotonic() - start
        try:
            hung.signal(signal.SIGSTOP)
            start = time.monotonic()
            r = self.search([self.stub], "--shard-timeout", "1", "budget")
            took = time.monotonic() - start
            self.assertEqual(r.returncode, 3)
            self.assertIn(hung.name, r.stderr)
            self.assertLess(took, normal + 1.0 + 0.5)  # the timeout, and some slack
        finally:
            hung.signal(signal.SIGCONT)
        r = self.search([self.stub], "--shard-timeout", "1", "budget")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_the_server_keeps_serving_and_takes_a_shard_back(self):
        down = self.remote[1]
        server = Server(self.stub, threads=1,
                        args=["--allow-partial", "--shard-timeout", "2"]).start()
        try:
            def api(q):
                status, _, body = server.request("/api/search?q=" + urllib.parse.quote(q))
                self.assertEqual(status, 200, body)
                return json.loads(body)
            whole = api("budget")
            self.assertEqual(whole["missing_shards"], [])
            self.assertTrue(whole["version"])
            down.kill()
            part = api("budget")
            self.assertEqual(part["missing_shards"], [down.name])
            self.assertLess(part["total"], whole["total"])
            down.start()
            time.sleep(1.2)  # missing shards are tried again at most once a second
            back = api("budget")
            self.assertEqual(back["missing_shards"], [])
            self.assertEqual(back, whole)
        finally:
            server.stop()
            if down.proc.poll() is not None:
                down.start()

    def test_without_allow_partial_the_server_fails_named_until_the_shard_is_back(self):
        """A search must never be silently partial: every request while the
        shard is down is a 503 naming it, then whole answers again."""
        down = self.remote[0]
        server = Server(self.stub, threads=1, args=["--shard-timeout", "2"]).start()
        try:
            def api(q):
                status, _, body = server.request("/api/search?q=" + urllib.parse.quote(q))
                return status, json.loads(body)
            status, whole = api("budget")
            self.assertEqual(status, 200, whole)
            down.kill()
            for _ in range(2):  # the failure, and the request after it
                status, body = api("budget")
                self.assertEqual(status, 503, body)
                self.assertIn(down.name, body["error"])
            down.start()
            time.sleep(1.2)
            status, back = api("budget")
            self.assertEqual(status, 200, back)
            self.assertEqual(back, whole)
        finally:
            server.stop()
            if down.proc.poll() is not None:
                down.start()

    def test_the_server_bounds_terms_and_time(self):
        """A public server answers a costly query with a clear 400 or 503
        rather than a stall: too many terms (wildcards counted as the words
        they match) is 400, a search over its time budget 503."""
        def api(server, q):
            status, _, body = server.request("/api/search?q=" + urllib.parse.quote(q))
            return status, json.loads(body)
        server = Server(self.stub, threads=1, args=["--max-terms", "12"]).start()
        try:
            status, body = api(server, "budget")
            self.assertEqual(status, 200, body)
            status, body = api(server, "a b c d e f g h i j k l m n o p q r s t")
            self.assertEqual(status, 400)
            self.assertIn("more than 12 words", body["error"])
            status, body = api(server, "s*")  # one word, many terms
            self.assertEqual(status, 400)
            self.assertIn("wildcards", body["error"])
        finally:
            server.stop()
        server = Server(self.stub, threads=1, args=["--time-budget", "0.001"]).start()
        try:
            status, body = api(server, "budget OR sag OR udvalg*")
            self.assertEqual(status, 503)
            self.assertIn("time budget", body["error"])
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
