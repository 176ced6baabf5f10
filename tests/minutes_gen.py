"""Generated minutes for the hardening tests (torture, crash, concurrency).

Each generated punkt carries one word found nowhere else in the corpus (its
*tag*), so a test can prove that exactly that punkt is searchable. Tags are
made of letters only and cannot be Danish words: the analyser keeps them whole
(no compound parts, no inflection to strip), so searching the tag finds the
punkt and nothing else.

The helpers also run the real binaries (REFERAT_BIN names their folder) and
read referat-search's JSON Lines back.
"""
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, os.environ.get("REFERAT_BIN", "bin"))

# Consonant clusters no Danish word has: the splitter finds no part in them.
_LETTERS = "bcdfghjklmnpqrstvwxz"


def tag(prefix, n):
    """A unique nonsense word: PREFIX (letters) + N spelt in consonants."""
    digits = []
    while True:
        digits.append(_LETTERS[n % len(_LETTERS)])
        n //= len(_LETTERS)
        if n == 0:
            break
    return "qx" + prefix + "".join(reversed(digits)) + "zq"


def punkt_text(number, title, tag_word, body_words=""):
    return (f"Punkt {number}: {title}\n\n"
            f"Sagsfremstilling\n\n"
            f"Sagen handler om {tag_word} og budgettet. {body_words}\n\n"
            f"Beslutning\n\nGodkendt.\n\n")


def minutes(body, date, punkter, header=True):
    """Text of one minutes file. PUNKTER: list of (number, title, tag)."""
    out = []
    if header:
        d, m, y = date[8:10], date[5:7], date[0:4]
        out.append(f"REFERAT {body} d. {d}-{m}-{y}\n\nMødedato {d}-{m}-{y} kl. 09:00\n\n"
                   "Mødested Mødelokale 1\n\n")
    for number, title, tag_word in punkter:
        out.append(punkt_text(number, title, tag_word))
    return "".join(out)


def numbered(prefix, n, start=1):
    """N punkter numbered from START, each with its own tag."""
    return [(start + i, f"Sag nummer {start + i}", tag(prefix, i)) for i in range(n)]


def env_without_db(extra=None):
    e = dict(os.environ)
    e.pop("REFERAT_DB", None)
    if extra:
        e.update(extra)
    return e


def run(prog, *args, env=None, timeout=300):
    return subprocess.run([os.path.join(BIN, prog), *args], capture_output=True, text=True,
                          env=env_without_db(env), timeout=timeout)


def search_json(db, query, *extra):
    """(completed process, list of hits) for QUERY, every hit (--limit 0)."""
    r = run("referat-search", "--db", db, "--format", "json", "--limit", "0", *extra, query)
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    return r, hits


def find_tags(db, tags, chunk=200):
    """Search TAGS (an OR query per CHUNK) and return {tag: [(source, punkt), ...]}.

    A tag is in exactly one punkt, and a punkt holds only its own tag, so a
    hit's tag is the one of the chunk that its snippet (or title) shows."""
    found = {t: [] for t in tags}
    for i in range(0, len(tags), chunk):
        part = tags[i:i + chunk]
        r, hits = search_json(db, " OR ".join(part))
        # stderr may hold a "Mente du" suggestion (few hits); errors exit >= 2.
        if r.returncode not in (0, 1):
            raise AssertionError(f"referat-search failed ({r.returncode}): {r.stderr}")
        if "Ingen punkter fundet for" in r.stderr:
            continue  # nothing found; the hits shown are those of a "corrected" query
        for h in hits:
            shown = (h["snippet_text"] + " " + h["title"]).lower()
            words = [t for t in part if t in shown]
            if len(words) != 1:
                raise AssertionError(f"hit {h['source']}:{h['punkt']} shows tags {words}")
            found[words[0]].append((h["source"], h["punkt"]))
    return found
