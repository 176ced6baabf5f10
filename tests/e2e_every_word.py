"""Nothing dropped, on a generated corpus: bench/gen-corpus writes a small
corpus (about 20 files) and test_minutes's invariant
(test_every_word_of_every_file_is_kept: every word of every line, but page
furniture, closed items' text and structure words, is kept by the parser)
runs over it as well as over tests/data/real-minutes and corpus/.
REFERAT_BIN names the folder of the binaries (bin/ by default); the test
binaries are beside it (build/rel/tests for bin/, build/san/tests for
build/san/bin).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("REFERAT_BIN", "bin")


def test_binary():
    if os.path.normpath(BIN) == "bin":
        tests = os.path.join(ROOT, "build", "rel", "tests")
    else:
        tests = os.path.join(ROOT, os.path.dirname(os.path.normpath(BIN)), "tests")
    return os.path.join(tests, "test_minutes")


class EveryWordOfAGeneratedCorpus(unittest.TestCase):
    def test_every_word_is_kept(self):
        binary = test_binary()
        if not os.path.exists(binary):
            self.skipTest("%s not built (make %s)" % (binary, os.path.relpath(binary, ROOT)))
        tmp = tempfile.mkdtemp(prefix="referat-e2e-every-word-")
        try:
            out = os.path.join(tmp, "corpus")
            r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-corpus"),
                                "--seed", "1", "--size", "300000", out],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            env = dict(os.environ, REFERAT_EVERY_WORD_DIR=out,
                       REFERAT_TESTDATA=os.path.join(ROOT, "tests", "data"),
                       REFERAT_CORPUS=os.path.join(ROOT, "corpus"))
            r = subprocess.run([binary], capture_output=True, text=True, env=env, timeout=600)
            report = r.stdout + r.stderr
            self.assertEqual(r.returncode, 0, report[-4000:])
            self.assertRegex(report, r"(\d+) files, 0 words not kept")
            n = int(report.split(" files, 0 words not kept")[0].split()[-1])
            self.assertGreaterEqual(n, 62 + 5 + 10)  # real excerpts, corpus, generated
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
