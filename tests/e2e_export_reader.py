#!/usr/bin/env python3
"""e2e_export_reader.py — read an export (export.h) back with Python's own
parsers, for tests/test_export.c, which runs it via system().

    python3 tests/e2e_export_reader.py csv   FILE SEP   rows of fields
    python3 tests/e2e_export_reader.py jsonl FILE       per line: key, value, …
    python3 tests/e2e_export_reader.py html  FILE       (element, text) pairs

FILE ending in ".gz" is read through gzip. The result goes to stdout as
length-prefixed records, which C parses without escaping rules: "R<n>\\n"
then n fields "<bytes>:<utf-8>\\n". Anything the parser rejects (a ragged
CSV row, a line that is not JSON, a stray or unclosed HTML tag, a script or
an external resource) is an error on stderr and exit status 1.

`make e2e-test` imports this file while discovering tests; it defines none.
"""
import csv
import gzip
import html.parser
import io
import json
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
# Elements whose text test_export.c looks at, by tag or class.
COLLECT_TAGS = {"title", "h1", "h2", "h3", "mark"}
COLLECT_CLASSES = {"snippet", "decision", "source", "meta", "matches"}


class Malformed(Exception):
    pass


def read_bytes(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()


def read_csv(path, sep):
    raw = read_bytes(path)
    if not raw.startswith(b"\xef\xbb\xbf"):
        raise Malformed("no UTF-8 byte order mark")
    text = raw.decode("utf-8-sig")  # strict: invalid UTF-8 raises
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    for i, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise Malformed(f"row {i} has {len(row)} fields, header {len(rows[0])}")
    return rows


def read_jsonl(path):
    rows = []
    for i, line in enumerate(read_bytes(path).decode("utf-8").split("\n")):
        if line == "":
            continue
        obj = json.loads(line)
        if not isinstance(obj, dict):
            raise Malformed(f"line {i + 1} is not an object")
        row = []
        for key, value in obj.items():
            row += [key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)]
        rows.append(row)
    return rows


class Checker(html.parser.HTMLParser):
    """Tag balance (every non-void element closed, in order), no scripts, no
    external resources; collects the text of the interesting elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, collected-index or None)
        self.rows = []
        self.doctype = False

    def handle_decl(self, decl):
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            raise Malformed("a <script> element")
        for name, value in attrs:
            if name in ("src", "href") or name.startswith("on"):
                raise Malformed(f"<{tag} {name}={value!r}>")
        if tag in VOID:
            return
        cls = dict(attrs).get("class") or ""
        key = cls if cls in COLLECT_CLASSES else tag if tag in COLLECT_TAGS else None
        if key:
            self.rows.append([key, ""])
        self.stack.append((tag, len(self.rows) - 1 if key else None))

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            raise Malformed(f"self-closed <{tag}/>")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            open_tag = self.stack[-1][0] if self.stack else "nothing"
            raise Malformed(f"</{tag}> closes {open_tag}")
        self.stack.pop()

    def handle_data(self, data):
        for _, idx in self.stack:
            if idx is not None:
                self.rows[idx][1] += data


def read_html(path):
    p = Checker()
    p.feed(read_bytes(path).decode("utf-8"))
    p.close()
    if not p.doctype:
        raise Malformed("no <!DOCTYPE html>")
    if p.stack:
        raise Malformed("unclosed: " + " ".join(t for t, _ in p.stack))
    return p.rows


def dump(rows, out):
    for row in rows:
        out.write(b"R%d\n" % len(row))
        for field in row:
            b = field.encode("utf-8")
            out.write(b"%d:" % len(b) + b + b"\n")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    kind, path = argv[0], argv[1]
    try:
        if kind == "csv":
            rows = read_csv(path, argv[2] if len(argv) > 2 else ";")
        elif kind == "jsonl":
            rows = read_jsonl(path)
        elif kind == "html":
            rows = read_html(path)
        else:
            print(f"unknown kind {kind}", file=sys.stderr)
            return 2
    except (Malformed, ValueError, csv.Error, OSError) as e:
        print(f"{path}: {e}", file=sys.stderr)
        return 1
    dump(rows, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
