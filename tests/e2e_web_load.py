"""Load test of the web server: 100 concurrent clients on loopback send a
bounded number of requests (2000; REFERAT_LOAD_REQUESTS and
REFERAT_LOAD_CLIENTS change that) over keep-alive connections to the real
server, every answer is checked against what the command line finds, and
the latency percentiles are printed (and kept in
build/test-artifacts/web-load.txt).

No latency bound is asserted: CI machines are small and shared; the test
protects correctness under concurrency, the figures are for people.
"""
import html
import http.client
import json
import os
import re
import threading
import time
import urllib.parse

from webserver import ARTIFACTS, ServedCorpus, run

REQUESTS = int(os.environ.get("REFERAT_LOAD_REQUESTS", "2000"))
CLIENTS = int(os.environ.get("REFERAT_LOAD_CLIENTS", "100"))
QUERIES = ["sygefravær", "budget", "udbud", '"ny organisering"', "chefforum", "vejbump",
           "økonomi OR budget", "arbejdsmiljø", "titel:budget", "ledelse -budget"]


def percentile(sorted_values, p):
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


class Load(ServedCorpus):
    threads = 4

    def expected(self):
        """Per query: the CLI's first ten ids and total, decisions or not."""
        exp = {}
        for query in QUERIES:
            for decisions in (0, 1):
                args = ["--decisions"] if decisions else []
                r = run("referat-search", "--db", self.db, "--format", "json", "--limit", "0",
                        *args, query)
                self.assertIn(r.returncode, (0, 1), r.stderr)
                hits = [json.loads(line) for line in r.stdout.splitlines()]
                exp[(query, decisions)] = ([h["id"] for h in hits[:10]], len(hits),
                                           [h["title"] for h in hits[:10]])
        return exp

    def requests(self, exp):
        """The request mix: (path, checker) pairs, cycled."""
        mix = []
        for (query, decisions), (ids, total, titles) in sorted(exp.items()):
            qs = "q=" + urllib.parse.quote(query) + ("&beslutninger=1" if decisions else "")
            mix.append(("/api/search?" + qs, ("api", ids, total)))
            mix.append(("/?" + qs, ("page", ids, total)))
            if ids:
                mix.append(("/punkt/%s?%s" % (urllib.parse.quote(ids[0], safe=""), qs),
                            ("punkt", titles[0])))
        mix.append(("/api/analyze?text=" + urllib.parse.quote("sygefraværsstatistikken"),
                    ("analyze",)))
        return mix

    def check(self, expect, status, body):
        if status != 200:
            return "HTTP %d" % status
        kind = expect[0]
        if kind == "api":
            data = json.loads(body)
            got = ([h["id"] for h in data["hits"]], data["total"])
            return None if got == expect[1:] else "api %r != %r" % (got, expect[1:])
        if kind == "page":
            text = body.decode("utf-8")
            ids = [urllib.parse.unquote(m) for m in
                   re.findall(r'<li class="hit"><h2><a href="/punkt/([^"?]+)', text)]
            if ids != expect[1]:
                return "page ids %r != %r" % (ids, expect[1])
            want = "%d %s fundet" % (expect[2], "punkt" if expect[2] == 1 else "punkter")
            return None if want in text else "page count: no %r" % want
        if kind == "punkt":
            m = re.search(r"<h1>(.*?)</h1>", body.decode("utf-8"), re.S)
            title = html.unescape(re.sub(r"</?mark>", "", m.group(1))) if m else None
            return None if title == expect[1] else "punkt title %r != %r" % (title, expect[1])
        if kind == "analyze":
            data = json.loads(body)
            return None if "fravær" in data["tokens"][0]["parts"] else "analyze parts"
        return "unknown check"

    def test_concurrent_clients_get_correct_answers(self):
        exp = self.expected()
        mix = self.requests(exp)
        latencies = []
        errors = []
        lock = threading.Lock()
        barrier = threading.Barrier(CLIENTS)
        per_client = [REQUESTS // CLIENTS + (1 if i < REQUESTS % CLIENTS else 0)
                      for i in range(CLIENTS)]

        def client(n):
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
            mine, bad = [], []
            try:
                conn.connect()  # all clients connected before any asks
                barrier.wait(timeout=300)
                for i in range(per_client[n]):
                    path, expect = mix[(n * 7 + i) % len(mix)]
                    t0 = time.perf_counter()
                    try:
                        conn.request("GET", path)
                        resp = conn.getresponse()
                        body = resp.read()
                        status = resp.status
                        if resp.will_close:
                            conn.close()
                    except (OSError, http.client.HTTPException) as e:
                        conn.close()
                        status, body = 0, repr(e).encode()
                    mine.append(time.perf_counter() - t0)
                    problem = (self.check(expect, status, body) if status
                               else body.decode())
                    if problem:
                        bad.append("%s: %s" % (path, problem))
            except Exception as e:  # noqa: BLE001 — report, never hang the test
                bad.append("client %d: %r" % (n, e))
            finally:
                conn.close()
                with lock:
                    latencies.extend(mine)
                    errors.extend(bad)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=900)
        wall = time.perf_counter() - t0
        self.assertFalse(any(t.is_alive() for t in threads), "clients still running")
        self.assertEqual(errors[:10], [])
        self.assertEqual(len(latencies), REQUESTS)
        lat = sorted(latencies)
        report = ("web load test: %d requests from %d concurrent clients (server --threads %d) "
                  "in %.2f s = %.0f requests/s; latency ms p50 %.1f, p95 %.1f, p99 %.1f, "
                  "max %.1f; %d errors"
                  % (REQUESTS, CLIENTS, self.threads, wall, REQUESTS / wall,
                     1000 * percentile(lat, 50), 1000 * percentile(lat, 95),
                     1000 * percentile(lat, 99), 1000 * lat[-1], len(errors)))
        print("\n" + report)
        os.makedirs(ARTIFACTS, exist_ok=True)
        with open(os.path.join(ARTIFACTS, "web-load.txt"), "w") as f:
            f.write(report + "\n")
