#!/usr/bin/env python3
"""Fault-injection loops over the real programs (issue 18).

Each path is a command run once cleanly (its normal result, and how many
allocations it makes), then again with failmalloc.so failing the Nth
allocation, for every N (--every) or a sample spread over the range
(--sample K). Every faulty run must end in one of two ways:

  normal  exit status and output as in the clean run;
  clean   a message on stderr and a non-zero exit, and no partial export;

anything else is BAD: exit 0 with other output, a crash or abort, a
sanitizer report (a leak), a non-zero exit with no message, a partial
export file, or (index paths) an index that a rerun does not bring to
exactly the clean index.

  faultrun.py --bin DIR --shim failmalloc.so [--sample K | --every] [PATH...]

Prints one line per path with the counts; exits 1 if any run was BAD.
Under ASan (--asan LIBASAN) the shim is put before libasan.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "corpus")
SEED = os.path.join(CORPUS, "000_9de972e740e53f99.txt")
sys.path.insert(0, os.path.dirname(HERE))
import e2e_formats  # noqa: E402  render_html and the PDF script, shared with the format tests

# Libraries whose own allocations are not failed: libstemmer dereferences
# a failed allocation in sb_stemmer_new, Xapian 1.4.22 segfaults while a
# std::bad_alloc unwinds through its query optimiser (postlist_sub_and_like;
# found by these loops after the query changes of issue 14), and
# GLib/poppler abort on one by design. Crashes we cannot handle; everything
# else (our code, libc, zlib, libxml2, our wrapper's C++) is failed.
# glibc leaks that only a failed allocation shows (lsan.supp says which).
LSAN_SUPPRESSIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan.supp")
SPARED = "libstemmer,libxapian,libglib,libgobject,libpoppler"
HANG_SECONDS = 30
HANG = -1000  # the return code of a run that did not end in HANG_SECONDS
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


class Env:
    def __init__(self, args, tmp):
        self.bin = args.bin
        self.tmp = tmp
        self.preload = os.path.abspath(args.shim)
        if args.asan:
            self.preload += ":" + args.asan
        self.fault_paths = args.fault_paths

    def prog(self, name):
        return os.path.join(self.bin, name)

    def run(self, argv, fail_at=0, cwd=None):
        env = dict(os.environ)
        env["LD_PRELOAD"] = self.preload
        env["REFERAT_FAIL_COUNT"] = os.path.join(self.tmp, "count")
        env["REFERAT_FAIL_AT"] = str(fail_at)
        env["REFERAT_FAIL_SPARE"] = SPARED
        # Reports state their export time: one fixed time, so that a run
        # that crosses a minute compares equal to the clean one.
        env["SOURCE_DATE_EPOCH"] = "1700000000"
        # The C locale: glibc's locale loading (setlocale -> _nl_find_locale
        # -> _nl_normalize_codeset) leaks its codeset name when a malloc
        # fails inside it. That is glibc's allocation on glibc's error path,
        # and a bare Debian has no glibc symbols for lsan.supp to name; in
        # the C locale glibc never takes it. Both the clean run and the
        # failed ones use it, so their outputs still compare.
        env["LC_ALL"] = "C"
        env.pop("LANGUAGE", None)
        env["ASAN_OPTIONS"] = ("verify_asan_link_order=0:allocator_may_return_null=1:"
                               "detect_leaks=1:abort_on_error=0:exitcode=86")
        env["LSAN_OPTIONS"] = "exitcode=86:suppressions=" + LSAN_SUPPRESSIONS
        try:
            os.unlink(env["REFERAT_FAIL_COUNT"])
        except FileNotFoundError:
            pass
        try:
            r = subprocess.run(argv, env=env, capture_output=True, timeout=HANG_SECONDS, cwd=cwd)
        except subprocess.TimeoutExpired:
            r = subprocess.CompletedProcess(argv, HANG, b"", b"")
        count, fired = 0, 0
        try:
            with open(env["REFERAT_FAIL_COUNT"]) as f:
                count, fired = (int(x) for x in f.read().split())
        except (FileNotFoundError, ValueError):
            pass  # killed by a signal: atexit never ran
        return r, count, fired


def sanitizer_report(stderr):
    text = stderr.decode("utf-8", "replace")
    return any(m in text for m in SANITIZER_MARKS)


class CommandPath:
    """A command whose stdout (and OUTPUT file, if any) is its result."""

    def __init__(self, name, argv, output=None):
        self.name, self.argv, self.output = name, argv, output

    def prepare(self, env):
        pass

    def reset(self, env):
        if self.output and os.path.exists(self.output):
            os.unlink(self.output)

    def result(self, r):
        data = None
        if self.output and os.path.exists(self.output):
            with open(self.output, "rb") as f:
                data = f.read()
        return (r.returncode, r.stdout, data)

    def judge(self, env, r, clean):
        """'normal', 'clean' or 'BAD: why'."""
        if r.returncode == HANG:
            return "BAD: no end within %d s" % HANG_SECONDS
        if r.returncode < 0:
            return "BAD: killed by signal %d" % -r.returncode
        if sanitizer_report(r.stderr) or r.returncode == 86:
            return "BAD: sanitizer report"
        got = self.result(r)
        if got == clean:
            return "normal"
        if r.returncode == 0:
            return "BAD: exit 0 with other output"
        if r.returncode == clean[0] and clean[0] != 0:
            return "BAD: same failing exit, other output"
        if not r.stderr.strip():
            return "BAD: non-zero exit without a message"
        if self.output and os.path.exists(self.output):
            return "BAD: a partial export was left"
        leftovers = [n for n in os.listdir(os.path.dirname(self.output))
                     if n.startswith(".") or n.endswith(".tmp")] if self.output else []
        if leftovers:
            return "BAD: temporary export files left: " + " ".join(leftovers)
        return "clean"


class IndexPath(CommandPath):
    """A whole index run into a fresh database; after each faulty run a
    clean rerun must give exactly the clean index (fault_paths dump)."""

    def __init__(self, name, argv_tail, db):
        super().__init__(name, None)
        self.argv_tail, self.db = argv_tail, db

    def prepare(self, env):
        self.argv = [env.prog("referat-index"), "--db", self.db] + self.argv_tail

    def reset(self, env):
        shutil.rmtree(self.db, ignore_errors=True)

    def dump(self, env):
        r = subprocess.run([env.fault_paths, "dump", self.db], capture_output=True, timeout=120)
        return r.stdout if r.returncode == 0 else b"unreadable: " + r.stderr

    def result(self, r):
        return (r.returncode, None, None)

    def clean_result(self, env, r):
        self.clean_dump = self.dump(env)
        return self.result(r)

    def judge(self, env, r, clean):
        verdict = super().judge(env, r, clean)
        if verdict.startswith("BAD"):
            return verdict
        if verdict == "normal" and self.dump(env) != self.clean_dump:
            return "BAD: exit as clean, but the index differs"
        rr, _, _ = env.run(self.argv)
        if rr.returncode not in (0, clean[0]) or sanitizer_report(rr.stderr):
            return "BAD: the rerun failed: " + rr.stderr.decode("utf-8", "replace")[-300:]
        if self.dump(env) != self.clean_dump:
            return "BAD: the rerun does not give the clean index"
        return verdict


def make_paths(env, fixtures):
    s, i = env.prog("referat-search"), env.prog("referat-index")
    db = fixtures["db"]
    paths = [
        CommandPath("parse-text", [i, "--explain", SEED]),
        CommandPath("parse-html", [i, "--explain", fixtures["html"]]),
        CommandPath("parse-pdf", [i, "--explain", fixtures["pdf"]]),
        CommandPath("analyze", [s, "--analyze", "--format", "json",
                                "langtidssygefraværet budgettet ØU-mødet 12.3"]),
        CommandPath("search-json", [s, "--db", db, "--format", "json", "budget"]),
        CommandPath("search-facets", [s, "--db", db, "--facets", "--timeline", "--snippet",
                                      "--color", "always", "sygefravær OR budget"]),
    ]
    for fmt in ("csv", "jsonl", "md", "html"):
        out = os.path.join(env.tmp, "export", "hits." + fmt)
        paths.append(CommandPath("export-" + fmt, [s, "--db", db, "--facets", "--full",
                                                   "--output", out, "budget"], output=out))
    paths.append(IndexPath("index", ["--commit-every", "2", CORPUS],
                           os.path.join(env.tmp, "index-db")))
    return paths


def fixtures_in(env):
    os.makedirs(os.path.join(env.tmp, "export"))
    html_path = os.path.join(env.tmp, "000.html")
    with open(SEED, encoding="utf-8") as f:
        text = f.read()
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(e2e_formats.render_html(text))
    pdf_path = os.path.join(env.tmp, "000.pdf")
    script = os.path.join(env.tmp, "mkpdf.py")
    with open(script, "w", encoding="utf-8") as f:
        f.write(e2e_formats.PDF_SCRIPT)
    subprocess.run([e2e_formats.DEBIAN_PYTHON, script, SEED, pdf_path], check=True,
                   capture_output=True, timeout=120)
    db = os.path.join(env.tmp, "db")
    subprocess.run([env.prog("referat-index"), "--db", db, "--quiet", CORPUS],
                   capture_output=True, timeout=120)
    return {"html": html_path, "pdf": pdf_path, "db": db}


def points(total, every, sample):
    if every or total <= sample:
        return list(range(1, total + 1))
    # Spread evenly, starting at 1 and ending at the last allocation.
    return sorted({1 + (total - 1) * k // (sample - 1) for k in range(sample)})


def loop(env, path, every, sample, verbose):
    path.prepare(env)
    path.reset(env)
    r, total, _ = env.run(path.argv)
    if r.returncode not in (0, 1) or sanitizer_report(r.stderr):
        return {"BAD: the clean run failed: " + r.stderr.decode("utf-8", "replace")[-300:]: 1}, 0
    clean = path.clean_result(env, r) if hasattr(path, "clean_result") else path.result(r)
    tally = {}
    for n in points(total, every, sample):
        path.reset(env)
        r, _, fired = env.run(path.argv, fail_at=n)
        verdict = path.judge(env, r, clean)
        key = verdict if verdict.startswith("BAD") or fired else verdict + " (not reached)"
        tally[key] = tally.get(key, 0) + 1
        if verbose and verdict.startswith("BAD"):
            print("  %s N=%d: %s; exit %d; stderr: %s" % (
                path.name, n, verdict, r.returncode,
                r.stderr.decode("utf-8", "replace").strip()[-400:]), flush=True)
    return tally, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--shim", required=True)
    ap.add_argument("--fault-paths", required=True, help="the fault_paths program (dump)")
    ap.add_argument("--asan", help="libasan.so to preload after the shim")
    ap.add_argument("--every", action="store_true")
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--index-sample", type=int, default=25)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--known", default="",
                    help="paths with a known, reported gap: their BAD runs are "
                         "counted as 'known BAD' and do not fail the run")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="referat-faults-")
    env = Env(args, tmp)
    bad = 0
    try:
        for path in make_paths(env, fixtures_in(env)):
            if args.paths and path.name not in args.paths:
                continue
            t0 = time.time()
            sample = args.index_sample if isinstance(path, IndexPath) else args.sample
            tally, total = loop(env, path, args.every, sample, args.verbose)
            if path.name in args.known.split(","):
                tally = {("known " + k if k.startswith("BAD") else k): v for k, v in tally.items()}
            runs = sum(tally.values())
            bad += sum(v for k, v in tally.items() if k.startswith("BAD"))
            print("%-14s %6d allocations, %4d points: %s  (%.1f s)" % (
                path.name, total, runs,
                ", ".join("%d %s" % (v, k) for k, v in sorted(tally.items())),
                time.time() - t0), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
