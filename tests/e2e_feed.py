"""Topic feeds, case threads, outcomes and citations on the web, end to end.

The real server over a real index of the bundled corpus: /feed.atom is read
by a real feed parser (Debian's python3-feedparser, run with the system
Python that package belongs to), minutes indexed while the server runs show
up in the feed, /sag/JOURNAL lists the case in date order, the search page
announces its feed, and headless Chromium follows a hit's case link and
lands on the punkt page's #beslutning anchor with its citation.
"""
import json
import os
import re
import subprocess
import urllib.parse

from cdp import Browser
from webserver import ServedCorpus, index

SYSTEM_PYTHON = "/usr/bin/python3"  # where Debian's python3-feedparser lives
PARSE = r"""
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": int(d.bozo), "error": str(d.get("bozo_exception", "")), "version": d.version,
    "title": d.feed.get("title"), "id": d.feed.get("id"),
    "links": {l.rel: l.href for l in d.feed.get("links", [])},
    "entries": [{"id": e.id, "title": e.title, "updated": e.updated, "link": e.link,
                 "summary": e.summary, "tags": [t.term for t in e.get("tags", [])]}
                for e in d.entries]}))
"""

NEW_MINUTES = """REFERAT Økonomiudvalget d. 03-02-2031

Mødedato Mandag d. 03. februar 2031 kl. 16:00

Mødested Rådhuset

Punkt 1: Nyt udbud af rengøring

00.15.00-G01-9-31

Sagsfremstilling

Forvaltningen har forberedt et nyt udbud af rengøring på skolerne.

Beslutning

Anbefales godkendt over for Kommunalbestyrelsen.

Bemærkning: <b>rengøring</b> & "vinduer"\x0bpå skolerne.
"""


def parse_feed(data):
    p = subprocess.run([SYSTEM_PYTHON, "-c", PARSE], input=data, capture_output=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)


class Feed(ServedCorpus):
    def feed(self, query):
        status, headers, body = self.server.request("/feed.atom?" + query)
        self.assertEqual(status, 200, body[:300])
        self.assertTrue(headers["content-type"].startswith("application/atom+xml"))
        return parse_feed(body)

    def test_feed_is_valid_atom_newest_first_with_stable_ids(self):
        f = self.feed("q=udbud")
        self.assertEqual(f["bozo"], 0, f["error"])
        self.assertEqual(f["version"], "atom10")
        self.assertEqual(f["links"]["self"], "/feed.atom?q=udbud")
        self.assertEqual(f["links"]["alternate"], "/?q=udbud")
        self.assertTrue(f["entries"])
        dates = [e["updated"] for e in f["entries"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        api = json.loads(self.server.request("/api/search?sort=-dato&limit=100&q=udbud")[2])
        self.assertEqual([e["id"] for e in f["entries"]],
                         ["urn:referat:punkt:" + urllib.parse.quote(h["id"], safe="")
                          for h in api["hits"]][:len(f["entries"])])
        for e, h in zip(f["entries"], api["hits"]):
            self.assertTrue(e["updated"].startswith(h["date"]))
            self.assertIn(h["body"], e["title"])
            self.assertIn(h["title"], e["title"])
            self.assertEqual(e["link"], "/punkt/" + urllib.parse.quote(h["id"], safe=""))
            self.assertEqual(sorted(e["tags"]), sorted(h["outcome"]))
        # The same search, the same ids.
        self.assertEqual([e["id"] for e in self.feed("q=udbud")["entries"]],
                         [e["id"] for e in f["entries"]])
        decisions = self.feed("q=udbud&beslutninger=1")
        self.assertEqual(decisions["bozo"], 0, decisions["error"])
        self.assertTrue(set(e["id"] for e in decisions["entries"]) <=
                        set(e["id"] for e in f["entries"]))

    def test_newly_indexed_minutes_show_up_first(self):
        before = self.feed("q=udbud")
        path = os.path.join(self.minutes, "ny-2031.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(NEW_MINUTES)
        index(self.db, self.minutes)
        after = self.feed("q=udbud")
        self.assertEqual(after["bozo"], 0, after["error"])
        new = after["entries"][0]
        self.assertNotIn(new["id"], [e["id"] for e in before["entries"]])
        self.assertTrue(new["updated"].startswith("2031-02-03"))
        self.assertIn("Nyt udbud af rengøring", new["title"])
        self.assertIn("Anbefales godkendt", new["summary"])
        # Markup stays text; a control character XML forbids becomes a space.
        self.assertIn('<b>rengøring</b> & "vinduer" på skolerne', new["summary"])
        self.assertEqual(sorted(new["tags"]), ["godkendt", "oversendt"])

    def test_feed_of_minutes_full_of_markup_is_well_formed(self):
        f = self.feed("q=vejbump")
        self.assertEqual(f["bozo"], 0, f["error"])
        self.assertTrue(f["entries"])
        self.assertIn('<script>alert("titel")</script>', f["entries"][0]["title"])

    def test_search_page_links_its_feed(self):
        status, _, body = self.server.request("/?q=udbud&beslutninger=1")
        page = body.decode()
        m = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"',
                      page)
        self.assertTrue(m, page[:800])
        href = m.group(1).replace("&amp;", "&")
        self.assertTrue(href.startswith("/feed.atom?q=udbud"), href)
        self.assertIn("beslutninger=1", href)
        self.assertEqual(parse_feed(self.server.request(href)[2])["bozo"], 0)

    def test_case_thread_page_in_date_order(self):
        status, _, body = self.server.request("/sag/" + urllib.parse.quote("00.01.00-A00-26-17"))
        self.assertEqual(status, 200)
        page = body.decode()
        self.assertIn("Sagsforløb for sag 00.01.00-A00-26-17", page)
        api = json.loads(self.server.request(
            "/api/search?q=*&sag=00.01.00-A00-26-17&sort=dato")[2])
        self.assertGreaterEqual(api["total"], 2)
        titles = re.findall(r'<li class="hit"><h2><a [^>]*>([^<]*)</a>', page)
        self.assertEqual(titles, [h["title"] for h in api["hits"]])
        self.assertIn("udfald: ", page)
        self.assertIn("<title>Sagsforløb 00.01.00-A00-26-17 – Referat</title>", page)
        # A journal number from the address is text, never markup.
        status, _, body = self.server.request("/sag/" + urllib.parse.quote('<b id="x">1</b>'))
        self.assertEqual(status, 200)
        self.assertNotIn('<b id="x">', body.decode())
        self.assertIn("&lt;b id=&quot;x&quot;&gt;1&lt;/b&gt;", body.decode())
        # Exact: a prefix is another case.
        self.assertEqual(json.loads(self.server.request(
            "/api/search?q=*&sag=00.01.00-A00-26-1")[2])["total"], 0)

    def test_outcome_facet_and_filter_on_the_api(self):
        api = json.loads(self.server.request("/api/search?q=*&beslutninger=1")[2])
        facet = api["facets"]["outcome"]
        self.assertTrue(facet)
        for label, count in facet.items():
            got = json.loads(self.server.request(
                "/api/search?q=*&beslutninger=1&udfald=" + label)[2])
            self.assertEqual(got["total"], count, label)
            self.assertTrue(all(label in h["outcome"] for h in got["hits"]))


class Browsing(ServedCorpus):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.browser = Browser()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        browser = getattr(cls, "browser", None)
        if browser:
            browser.quit()
        super().tearDownClass()

    def test_case_link_outcome_facet_citation_and_anchor(self):
        b = self.browser
        b.navigate(self.server.url + "/?q=" + urllib.parse.quote("træningsplan"))
        # A hit's journal number links to its case thread.
        b.loads(lambda: b.click("document.querySelector('li.hit a.case')"))
        path = urllib.parse.unquote(urllib.parse.urlparse(b.evaluate("location.href")).path)
        self.assertEqual(path, "/sag/00.01.00-A00-26-17")
        self.assertEqual(b.evaluate("document.querySelector('h1.thread').textContent"),
                         "Sagsforløb for sag 00.01.00-A00-26-17")
        # The outcome facet narrows to that outcome.
        b.loads(lambda: b.click(
            "[...document.querySelectorAll('aside.facets a')].find(a => "
            "a.textContent === 'Godkendt')"))
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlparse(
            b.evaluate("location.href")).query).get("udfald"), ["godkendt"])
        outcomes = b.evaluate(
            "[...document.querySelectorAll('li.hit .outcome')].map(s => s.textContent)")
        self.assertTrue(outcomes)
        self.assertTrue(all("Godkendt" in o for o in outcomes), outcomes)
        # The punkt page: citation, and #beslutning is the decision section.
        href = b.evaluate("document.querySelector('li.hit h2 a').getAttribute('href')")
        b.navigate(self.server.url + href.split("?")[0] + "#beslutning")
        self.assertEqual(b.evaluate("document.querySelector(':target').className"),
                         "beslutning")
        cite = b.evaluate("document.querySelector('p.citation q').textContent")
        self.assertRegex(cite, r"^Albertslund Kommune, Chefforum, \d+\. \w+ \d{4}, punkt \d+: "
                               r".+, Beslutning$")
