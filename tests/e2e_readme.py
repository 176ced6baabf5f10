"""The README's examples run as written (issue 19).

Every command in README.md's code blocks (indented or fenced) runs, in
order, in a scratch folder holding the bundled corpus/ and the built bin/,
so `bin/referat-index corpus` and the searches after it work on
./referat.db exactly as a newcomer would type them. Two kinds of lines are
not commands and are told apart by their form, not by a list:
  - synopses: options in brackets ("[--db PATH]") or names in capitals
    standing for what the reader fills in (FOLDER_OR_FILE, QUERY);
  - `make` targets: they install packages and run whole suites (make demo
    and make test run them, and this file is part of make test).
Each command must exit 0 and print something; a command that writes a file
(--output) must leave it there.
"""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))
README = os.path.join(ROOT, "README.md")

PLACEHOLDER = re.compile(r"\[-|\b[A-Z][A-Z_]{2,}\b(?:\.\.\.)?")


def code_blocks(text):
    """The README's code blocks, each a list of lines."""
    blocks, cur, fenced = [], None, False
    for line in text.split("\n"):
        if line.startswith("```"):
            if fenced:
                blocks.append(cur)
                cur, fenced = None, False
            else:
                cur, fenced = [], True
            continue
        if fenced:
            cur.append(line)
        elif line.startswith("    ") and line.strip():
            cur = cur if cur is not None else []
            cur.append(line[4:])
        elif cur is not None and not line.strip():
            cur.append("")
        elif cur is not None:
            blocks.append(cur)
            cur = None
    if cur:
        blocks.append(cur)
    return blocks


def commands(text):
    """(command, kind) for every command line: kind is "run", "synopsis" or
    "make". A line indented under a command continues it."""
    out = []
    for block in code_blocks(text):
        for line in block:
            if not line.strip():
                continue
            if line[0].isspace() and out:
                cmd, _ = out[-1]
                out[-1] = (cmd + " " + line.strip(), "synopsis")
                continue
            words = shlex.split(line, comments=True)
            if not words:
                continue
            cmd = shlex.join(words)
            if words[0] == "make":
                out.append((cmd, "make"))
            elif words[0].startswith("bin/"):
                out.append((cmd, "synopsis" if PLACEHOLDER.search(line.split("#")[0])
                            else "run"))
    return out


class Readme(unittest.TestCase):
    def test_every_command_in_the_readme_runs(self):
        with open(README, encoding="utf-8") as f:
            cmds = commands(f.read())
        runnable = [c for c, kind in cmds if kind == "run"]
        # The README must show a first session, and this test must see it.
        self.assertGreaterEqual(len(runnable), 8, cmds)
        self.assertTrue(runnable[0].startswith("bin/referat-index"), runnable)
        tmp = tempfile.mkdtemp(prefix="referat-readme-")
        try:
            shutil.copytree(os.path.join(ROOT, "corpus"), os.path.join(tmp, "corpus"))
            os.symlink(BIN, os.path.join(tmp, "bin"))
            env = dict(os.environ)
            for name in ("REFERAT_DB", "REFERAT_SYNONYMS"):
                env.pop(name, None)
            for cmd in runnable:
                r = subprocess.run(shlex.split(cmd), cwd=tmp, env=env, capture_output=True,
                                   text=True, timeout=120)
                self.assertEqual(r.returncode, 0, "%s\n%s" % (cmd, r.stderr[-2000:]))
                self.assertTrue(r.stdout or r.stderr, cmd)
                words = shlex.split(cmd)
                if "--output" in words:
                    out = words[words.index("--output") + 1]
                    self.assertTrue(os.path.getsize(os.path.join(tmp, out)) > 0, cmd)
        finally:
            shutil.rmtree(tmp)

    def test_synopses_are_told_apart_from_commands(self):
        cmds = commands(
            "    bin/referat-index [--db PATH] FOLDER_OR_FILE...  # index\n"
            "    bin/referat-search [--limit N]\n"
            "                       QUERY\n"
            "    make demo    # builds\n"
            "\n"
            "text\n"
            "\n"
            "```\n"
            "bin/referat-search 'udvalg:chef* budget'   # a comment\n"
            "```\n")
        self.assertEqual([kind for _, kind in cmds], ["synopsis", "synopsis", "make", "run"])
        self.assertEqual(cmds[-1][0], "bin/referat-search 'udvalg:chef* budget'")

if __name__ == "__main__":
    unittest.main()
