"""Helpers for the web tests: index minutes, start the real server, fetch.

Not a test module itself (the e2e_web*.py tests import it). The server runs
the real bin/referat-search --serve on a loopback port the kernel picks
(--listen 127.0.0.1:0; the URL it prints names the port), so parallel runs
never race for a port, and it is always stopped, even when a test fails.
"""
import http.client
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))
CORPUS = os.path.join(ROOT, "corpus")
ARTIFACTS = os.path.join(ROOT, "build", "test-artifacts")
# Generous: CI machines are small and busy, and sanitizer builds are slow.
START_TIMEOUT = 120
REQUEST_TIMEOUT = 120

# Minutes whose every field holds HTML and quotes: the pages must show them
# as text. The body name, title, sections and decision all carry markup.
EVIL_MINUTES = """REFERAT Teknik & <Miljø> "Udvalg" d. 02-03-2021

Mødedato Tirsdag d. 02. marts 2021 kl. 16:00

Mødested Rådhuset

Punkt 1: <script>alert("titel")</script> & 'citater' om vejbump

00.01.00-A00-1-21

Sagsfremstilling

Teksten indeholder <script>alert("x")</script> og "anførselstegn" & 'apostroffer' samt <b>fed</b> skrift om vejbump.

Beslutning

Udvalget besluttede <img src=x onerror=alert(1)> at etablere vejbump.

Punkt 2: Eventuelt

Ingen bemærkninger.
"""


def run(prog, *args):
    env = dict(os.environ)
    env.pop("REFERAT_DB", None)
    return subprocess.run([os.path.join(BIN, prog), *args], capture_output=True, text=True,
                          env=env, timeout=600)


def index(db, *paths):
    r = run("referat-index", "--db", db, *paths)
    assert r.returncode in (0, 1), r.stderr
    return r


class Server:
    """bin/referat-search --serve on a free loopback port."""

    def __init__(self, db, threads=4, args=()):
        self.db = db
        self.threads = threads
        self.args = tuple(args)  # more options (e.g. --allow-partial)
        self.proc = None
        self.port = None
        self.stderr_path = None
        self.last_log = ""

    def start(self):
        fd, self.stderr_path = tempfile.mkstemp(prefix="referat-serve-", suffix=".log")
        env = dict(os.environ)
        env.pop("REFERAT_DB", None)
        with os.fdopen(fd, "w") as err:
            self.proc = subprocess.Popen(
                [os.path.join(BIN, "referat-search"), "--serve", "--db", self.db, "--listen",
                 "127.0.0.1:0", "--threads", str(self.threads), *self.args],
                stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + START_TIMEOUT
        line = ""
        while time.monotonic() < deadline and self.proc.poll() is None:
            if sel.select(timeout=1):
                line = self.proc.stdout.readline()
                break
        sel.close()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.stop()
            raise AssertionError("server did not start: %r %s" % (line, self.log()))
        self.port = int(m.group(1))
        return self

    def log(self):
        if not self.stderr_path or not os.path.exists(self.stderr_path):
            return ""
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        """SIGTERM, then SIGKILL if it hangs; returns the exit code."""
        code = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        elif self.proc:
            code = self.proc.returncode
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.last_log = self.log()
        if self.stderr_path and os.path.exists(self.stderr_path):
            os.unlink(self.stderr_path)
            self.stderr_path = None
        return code

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def request(self, path, method="GET", body=None, headers=None):
        """(status, headers as a lower-cased dict, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()


class ServedCorpus(unittest.TestCase):
    """A class's tests share one index of the bundled corpus (plus the
    minutes with markup) and one server."""

    threads = 4

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="referat-web-")
        cls.minutes = os.path.join(cls.tmp, "minutes")
        shutil.copytree(CORPUS, cls.minutes)
        with open(os.path.join(cls.minutes, "evil.txt"), "w", encoding="utf-8") as f:
            f.write(EVIL_MINUTES)
        cls.db = os.path.join(cls.tmp, "db")
        index(cls.db, cls.minutes)
        cls.server = Server(cls.db, threads=cls.threads)
        try:
            cls.server.start()
        except BaseException:
            shutil.rmtree(cls.tmp)
            raise

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        shutil.rmtree(cls.tmp)
        assert code == 0, "server exit code %r:\n%s" % (code, cls.server.last_log[-3000:])
