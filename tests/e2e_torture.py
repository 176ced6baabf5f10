"""The torture corpus: every kind of bad minutes file we know, in one folder.

The corpus is generated here, in a temporary folder, not kept as files: each
case says how its file is made and what referat-index must do with it —
index it, index it with a warning naming file and line, or skip it with a
message naming the file. One real indexer run over the whole folder (with
the good files among the bad) is then checked case by case, from its
messages and exit code, and by searching: every punkt of every file that
was indexed is found by its own unique word (minutes_gen.tag), exactly once.

A file that disappears during the run is made deterministic with a tiny
LD_PRELOAD shim compiled by the test: the indexer's fopen() of that one file
first unlinks it, so the file exists when the folder is walked and stat'ed
and is gone when it is read — the window a real deletion would hit.
"""
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import minutes_gen as g

VANISH_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Unlink $REFERAT_TEST_VANISH just before it is opened: the file "disappears
 * during the run" between the folder walk and the read. */
static void vanish(const char *path)
{
    const char *victim = getenv("REFERAT_TEST_VANISH");
    if (victim && path && strcmp(path, victim) == 0)
        unlink(path);
}

#define WRAP(name)                                                          \
    FILE *name(const char *path, const char *mode)                          \
    {                                                                       \
        static FILE *(*real)(const char *, const char *);                   \
        if (!real)                                                          \
            real = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, #name); \
        vanish(path);                                                       \
        return real(path, mode);                                            \
    }
WRAP(fopen)
WRAP(fopen64)
"""

FIFTY_MB = 50 * 1024 * 1024


def write(path, data):
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


class Torture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = os.path.realpath(tempfile.mkdtemp(prefix="referat-torture-"))
        cls.src = os.path.join(cls.tmp, "in")
        cls.db = os.path.join(cls.tmp, "db")
        os.mkdir(cls.src)
        cls.tags = {}      # file name -> [(punkt number, tag)] expected searchable
        cls.make_corpus()
        env = {"REFERAT_TEST_VANISH": cls.path("vanishing.txt"),
               "LD_PRELOAD": cls.build_shim(),
               # An ASan build insists on coming first among preloaded libraries.
               "ASAN_OPTIONS": (os.environ.get("ASAN_OPTIONS", "") +
                                ":verify_asan_link_order=0").lstrip(":")}
        t0 = time.monotonic()
        # -v: every warning with its line (without it they are counted by kind).
        cls.result = g.run("referat-index", "-v", "--db", cls.db, cls.src, env=env, timeout=300)
        cls.seconds = time.monotonic() - t0
        cls.lines = cls.result.stderr.splitlines()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    @classmethod
    def path(cls, name):
        return os.path.join(cls.src, name)

    @classmethod
    def build_shim(cls):
        # The C compiler that built Referat builds the shim.
        cc = shutil.which("cc") or "gcc"
        c = os.path.join(cls.tmp, "vanish.c")
        so = os.path.join(cls.tmp, "vanish.so")
        write(c, VANISH_SHIM)
        subprocess.run([cc, "-shared", "-fPIC", "-o", so, c, "-ldl"], check=True)
        return so

    @classmethod
    def minutes_file(cls, name, prefix, n, body="Testudvalg", date="2020-02-01"):
        punkter = g.numbered(prefix, n)
        cls.tags[name] = [(num, t) for num, _, t in punkter]
        return g.minutes(body, date, punkter)

    @classmethod
    def make_corpus(cls):
        p = cls.path
        write(p("good.txt"), cls.minutes_file("good.txt", "go", 5))
        write(p("empty.txt"), b"")
        rnd = random.Random(5)
        write(p("noise.txt"), bytes(rnd.getrandbits(8) for _ in range(8192)))
        text = cls.minutes_file("invalid-utf8.txt", "iv", 3)
        # Break punkt 1's "Sagen handler om ..." line; the warning must name it.
        lines = text.split("\n")
        cls.invalid_line = next(i for i, l in enumerate(lines) if l.startswith("Sagen")) + 1
        raw = text.encode()
        at = raw.index(b"Sagen handler")
        write(p("invalid-utf8.txt"), raw[:at] + b"\xff\xc3( " + raw[at:])
        write(p("latin1.txt"),
              cls.minutes_file("latin1.txt", "la", 3, body="Økonomiudvalget").encode("latin-1"))
        write(p("utf16.txt"), "\ufeff".encode("utf-16-le") +
              cls.minutes_file("utf16.txt", "ut", 3, body="Ældrerådet").encode("utf-16-le"))
        write(p("utf16be.md"), "\ufeff".encode("utf-16-be") +
              cls.minutes_file("utf16be.md", "ub", 2, body="Børneudvalget").encode("utf-16-be"))
        write(p("crlf.txt"), cls.minutes_file("crlf.txt", "cr", 4).replace("\n", "\r\n"))
        # 50 MB on one line, no line break at all: a converter that lost them.
        tag = g.tag("ol", 0)
        cls.tags["oneline.txt"] = [(1, tag)]
        head = "Punkt 1: Hele referatet på én linje ".encode()
        filler = b"ord og flere ord om budgettet "
        body = (filler * (FIFTY_MB // len(filler) + 1))[:FIFTY_MB - len(head) - len(tag) - 1]
        write(p("oneline.txt"), head + body + b" " + tag.encode())
        write(p("many.txt"), cls.minutes_file("many.txt", "ma", 10000))
        # Duplicate (2 twice) and missing (3, 4) punkt numbers.
        punkter = [(1, "En", g.tag("du", 0)), (2, "To", g.tag("du", 1)),
                   (2, "To igen", g.tag("du", 2)), (5, "Fem", g.tag("du", 3))]
        cls.tags["dup.txt"] = [(n, t) for n, _, t in punkter]
        text = g.minutes("Testudvalg", "2020-02-06", punkter)
        cls.dup_lines = [i + 1 for i, l in enumerate(text.split("\n")) if l.startswith("Punkt")]
        write(p("dup.txt"), text)
        # Headings with no text under them, one at the very end of the file.
        text = cls.minutes_file("headings.md", "he", 2)
        cls.empty_heading_line = text.count("\n") + 1
        text += "Beslutning\n\nIndstilling\n\n"
        write(p("headings.md"), text)
        # Deeply nested Markdown: quotes in lists, 1000 levels (2 MB).
        tag = g.tag("dp", 0)
        cls.tags["deep.md"] = [(1, tag)]
        nest = "".join("  " * i + "- " + "> " * i + f"niveau {i}\n" for i in range(1000))
        write(p("deep.md"), "# REFERAT Testudvalg d. 08-02-2020\n\n## Punkt 1: Dybt\n\n"
              "### Sagsfremstilling\n\n" + nest + "\n" + "#" * 200 + " " + tag + "\n")
        full = gzip.compress(cls.minutes_file("x", "tz", 50).encode())
        del cls.tags["x"]
        write(p("truncated.txt.gz"), full[:len(full) // 2])
        write(p("whole.txt.gz"),
              gzip.compress(cls.minutes_file("whole.txt.gz", "gz", 3).encode()))
        # A folder that links back to its parent, and a link to itself.
        os.mkdir(p("loop"))
        os.symlink("..", p("loop/up"))
        write(p("loop/inner.txt"), cls.minutes_file("loop/inner.txt", "lp", 2))
        os.symlink("self.txt", p("self.txt"))
        # A FIFO named like minutes: reading it would block for ever.
        os.mkfifo(p("fifo.txt"))
        write(p("vanishing.txt"), g.minutes("Testudvalg", "2020-02-11", g.numbered("va", 2)))
        cls.vanished_tags = [g.tag("va", i) for i in range(2)]

    # --- helpers ------------------------------------------------------------
    def messages_about(self, name):
        path = self.path(name)
        return [l for l in self.lines
                if l.startswith(f"referat-index: {path}:") or
                l.startswith(f"referat-index: {os.path.relpath(path)}:")]

    def assert_skipped(self, name, reason):
        msgs = self.messages_about(name)
        skipped = [m for m in msgs if ": skipped: " in m]
        self.assertEqual(len(skipped), 1, f"{name}: {msgs}")
        self.assertIn(reason, skipped[0])

    def assert_indexed(self, name, warnings=()):
        msgs = self.messages_about(name)
        self.assertFalse([m for m in msgs if ": skipped: " in m], msgs)
        got = [m for m in msgs if ": warning: " in m]
        for w in warnings:
            self.assertTrue([m for m in got if re.search(w, m)], f"{name}: want {w!r} in {got}")
        self.assertEqual(len(got), len(warnings), f"{name}: warnings {got}")
        self.assert_all_searchable(name)

    def assert_all_searchable(self, name):
        want = self.tags[name]
        found = g.find_tags(self.db, [t for _, t in want])
        source = os.path.realpath(self.path(name))
        for number, t in want:
            self.assertEqual(found[t], [(source, number)], f"{name}: punkt {number} ({t})")

    # --- the run as a whole ---------------------------------------------------
    def test_run_completes_with_exit_1_and_a_true_summary(self):
        r = self.result
        self.assertEqual(r.returncode, 1, r.stderr[-3000:])
        for bad in ("AddressSanitizer", "runtime error", "LeakSanitizer"):
            self.assertNotIn(bad, r.stderr)
        files = len(self.tags)
        punkter = sum(len(v) for v in self.tags.values())
        self.assertIn(f"{files} files indexed ({punkter} punkter", self.lines[-1])
        self.assertIn(" 5 skipped,", self.lines[-1])
        print(f"\n    torture run: {self.seconds:.1f} s for {files} files indexed, "
              f"{punkter} punkter", end=" ")

    # --- each case ------------------------------------------------------------
    def test_good_file_indexed(self):
        self.assert_indexed("good.txt")

    def test_empty_file_skipped(self):
        self.assert_skipped("empty.txt", "file is empty")
        # Said once: the detail does not repeat the status.
        self.assertNotIn("empty: file is empty", "".join(self.messages_about("empty.txt")))

    def test_binary_noise_skipped(self):
        self.assert_skipped("noise.txt", "binary")

    def test_invalid_utf8_indexed_with_warning_at_its_line(self):
        self.assert_indexed("invalid-utf8.txt",
                            [rf"invalid-utf8\.txt:{self.invalid_line}: warning: invalid UTF-8"])

    def assert_converted(self, name, encoding, body):
        self.assert_indexed(name, [rf"warning: not UTF-8: read as {encoding}"])
        _, hits = g.search_json(self.db, self.tags[name][0][1])
        self.assertEqual(hits[0]["body"], body)  # æ, ø, å came through intact

    def test_latin1_converted_and_says_so(self):
        self.assert_converted("latin1.txt", "ISO-8859-1", "Økonomiudvalget")

    def test_utf16le_with_bom_converted_and_says_so(self):
        self.assert_converted("utf16.txt", "UTF-16LE", "Ældrerådet")

    def test_utf16be_with_bom_converted_and_says_so(self):
        self.assert_converted("utf16be.md", "UTF-16BE", "Børneudvalget")

    def test_crlf_indexed_without_carriage_returns(self):
        self.assert_indexed("crlf.txt")
        _, hits = g.search_json(self.db, self.tags["crlf.txt"][0][1])
        self.assertEqual(hits[0]["title"], "Sag nummer 1")

    def test_fifty_megabyte_single_line_indexed(self):
        # One punkt whose line holds everything: indexed, with the parser's
        # warnings that there is no header. The punkt line is too long to be
        # a title: the title is its first words, the rest the punkt's text
        # (so its last word, the tag, is found), and no output carries 50 MB.
        self.assertEqual(os.path.getsize(self.path("oneline.txt")), FIFTY_MB)
        self.assert_indexed("oneline.txt", [r"oneline\.txt: warning: no meeting date found",
                                            r"oneline\.txt: warning: no committee name found"])
        (_, tag), = self.tags["oneline.txt"]
        r = subprocess.run([os.path.join(g.BIN, "referat-search"), "--db", self.db, "--format",
                            "json", tag], capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        hit = json.loads(r.stdout.splitlines()[0])
        self.assertLess(len(hit["title"].encode()), 400)
        self.assertLess(len(r.stdout), 10000)

    def test_ten_thousand_punkter_all_searchable(self):
        self.assertEqual(len(self.tags["many.txt"]), 10000)
        self.assert_indexed("many.txt")

    def test_duplicate_and_missing_punkt_numbers_warned_and_all_kept(self):
        second_2, five = self.dup_lines[2], self.dup_lines[3]
        self.assert_indexed("dup.txt", [
            rf"dup\.txt:{second_2}: warning: punkt 2 appears again \(first at line {self.dup_lines[1]}\)",
            rf"dup\.txt:{five}: warning: punkt 5 follows punkt 2: out of sequence"])

    def test_headings_without_text_warned_at_their_lines(self):
        n = self.empty_heading_line
        self.assert_indexed("headings.md", [
            rf"headings\.md:{n}: warning: heading \"Beslutning\" has no text",
            rf"headings\.md:{n + 2}: warning: heading \"Indstilling\" has no text"])

    def test_deeply_nested_markdown_indexed(self):
        self.assert_indexed("deep.md")

    def test_truncated_gzip_skipped(self):
        self.assert_skipped("truncated.txt.gz", "gzip stream truncated")

    def test_whole_gzip_indexed(self):
        self.assert_indexed("whole.txt.gz")

    def test_symlink_loop_entered_once(self):
        # loop/up leads back to the folder itself: its files are indexed once
        # (assert_indexed finds every tag exactly once), and the walk ends.
        self.assert_indexed("loop/inner.txt")
        self.assertFalse([l for l in self.lines if "loop/up" in l], self.lines)

    def test_fifo_in_a_folder_is_passed_over_without_blocking(self):
        # Only regular files are read from folders; the run ended (setUpClass
        # would have timed out) and said nothing about it.
        self.assertEqual(self.messages_about("fifo.txt"), [])

    def test_link_to_itself_skipped(self):
        self.assert_skipped("self.txt", "Too many levels of symbolic links")

    def test_file_that_vanished_during_the_run_skipped(self):
        self.assertFalse(os.path.exists(self.path("vanishing.txt")))
        self.assert_skipped("vanishing.txt", "no such file or directory")
        found = g.find_tags(self.db, self.vanished_tags)
        self.assertEqual(found, {t: [] for t in self.vanished_tags})


if __name__ == "__main__":
    unittest.main()
