"""Installing: `make install PREFIX=… DESTDIR=…` as an operator or a package
build runs it, and what it installs.

- Installed into a temporary prefix, the programs run from there (the
  lexicon is built into them) and answer --version GNU style.
- DESTDIR stages the same files under DESTDIR, with PREFIX's paths inside.
- The man pages render without a single groff warning (-ww) and lexgrog
  reads their NAME lines.
- The systemd units pass `systemd-analyze verify` (sandboxing settings
  included); a unit with a wrong setting does not, so the check can fail.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_FILE = os.path.join(ROOT, "corpus")
PAGES = ["referat-index.1", "referat-search.1"]
UNITS = ["referat-search.service", "referat-shard@.service"]


def make_install(prefix, destdir=""):
    r = subprocess.run(["make", "--no-print-directory", "-s", "-C", ROOT, "install",
                        "PREFIX=" + prefix, "DESTDIR=" + destdir],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = os.path.realpath(tempfile.mkdtemp(prefix="referat-install-"))
        cls.prefix = os.path.join(cls.tmp, "prefix")
        make_install(cls.prefix)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_installed(self, prog, *args):
        env = dict(os.environ)
        env.pop("REFERAT_DB", None)
        return subprocess.run([os.path.join(self.prefix, "bin", prog), *args],
                              capture_output=True, text=True, env=env, cwd=self.tmp,
                              timeout=300)

    def test_installed_programs_index_and_search_from_the_prefix(self):
        db = os.path.join(self.tmp, "db")
        first = sorted(f for f in os.listdir(CORPUS_FILE) if f.endswith(".txt"))[0]
        r = self.run_installed("referat-index", "--db", db, os.path.join(CORPUS_FILE, first))
        self.assertIn(r.returncode, (0, 1), r.stderr)
        r = self.run_installed("referat-search", "--db", db, "--format", "json", "-n", "0",
                               "kommune")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.strip())

    def test_version_is_gnu_style(self):
        for prog in ("referat-index", "referat-search"):
            r = self.run_installed(prog, "--version")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout.splitlines()[0],
                             r"^%s \(Referat\) [0-9][0-9.]*$" % re.escape(prog))
        r = self.run_installed("referat-search", "--serve", "--version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("referat-search (Referat) "))

    def test_destdir_stages_files_with_the_prefix_paths(self):
        stage = os.path.join(self.tmp, "stage")
        make_install("/usr", stage)
        for rel in ["usr/bin/referat-index", "usr/bin/referat-search",
                    "usr/share/man/man1/referat-search.1",
                    "usr/lib/systemd/system/referat-search.service"]:
            self.assertTrue(os.path.isfile(os.path.join(stage, rel)), rel)
        with open(os.path.join(stage, "usr/lib/systemd/system/referat-search.service")) as f:
            self.assertIn("ExecStart=/usr/bin/referat-search --serve", f.read())

    def test_man_pages_render_without_warnings(self):
        for page in PAGES:
            path = os.path.join(self.prefix, "share", "man", "man1", page)
            r = subprocess.run(["groff", "-man", "-ww", "-z", "-K", "utf8", path],
                               capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr), (0, ""), page)
            r = subprocess.run(["lexgrog", path], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(page[:-2] + " - ", r.stdout)
        # The check sees a broken page.
        bad = os.path.join(self.tmp, "bad.1")
        with open(bad, "w") as f:
            f.write(".TH BAD 1\n.SH NAME\nbad \\- x\n.BOGUS request\n\\f[Q]x\n")
        r = subprocess.run(["groff", "-man", "-ww", "-z", bad], capture_output=True, text=True)
        self.assertNotEqual(r.stderr, "")

    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze not installed")
    def test_systemd_units_verify(self):
        units = os.path.join(self.prefix, "lib", "systemd", "system")
        env = dict(os.environ, MANPATH=os.path.join(self.prefix, "share", "man"))
        names = ["referat-search.service", "referat-shard@albertslund.service"]
        r = subprocess.run(["systemd-analyze", "verify", *names], cwd=units, env=env,
                           capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        for unit in UNITS:
            with open(os.path.join(units, unit)) as f:
                text = f.read()
            for setting in ("DynamicUser=yes", "ProtectSystem=strict", "ReadOnlyPaths="):
                self.assertIn(setting, text, unit)
        # The check sees a broken unit.
        with open(os.path.join(units, "referat-search.service")) as f:
            text = f.read().replace("ProtectSystem=strict", "ProtectSystem=everything")
        bad_dir = os.path.join(self.tmp, "badunits")
        os.makedirs(bad_dir, exist_ok=True)
        with open(os.path.join(bad_dir, "referat-search.service"), "w") as f:
            f.write(text)
        r = subprocess.run(["systemd-analyze", "verify", "referat-search.service"], cwd=bad_dir,
                           env=env, capture_output=True, text=True)
        self.assertIn("protect system value", r.stderr)


if __name__ == "__main__":
    unittest.main()
