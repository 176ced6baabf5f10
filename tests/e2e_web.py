"""End-to-end tests of the web front end: the real referat-search --serve on a
loopback port, against a real index of the bundled corpus plus minutes full
of markup. They check the pages, the JSON API against the command line's
JSON Lines, exports read back with csv/json, the security headers, and that
bad requests get 400/404/405/414 and never a crash.
"""
import csv
import html.parser
import io
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest
import urllib.parse

from webserver import CORPUS, EVIL_MINUTES, ServedCorpus, Server, index, run

JSON_KEYS = {"rank", "score", "id", "body", "date", "punkt", "title", "journal",
             "section", "snippet", "snippet_text", "matches", "source", "municipality",
             "unstructured", "outcome", "citation"}  # and "page" for PDF hits (issue 10, e2e_formats.py)


class Page(html.parser.HTMLParser):
    """The parts of a page the tests look at: text, links, marks, hits."""

    def __init__(self, data):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.links = []          # (href, text)
        self.marks = []
        self.tags = []           # every start tag name
        self.options = []        # (value, selected)
        self.hit_links = []      # hrefs of hit titles
        self.ol_start = None
        self.style_nonces = []
        self._a = None
        self._mark = None
        self._in_hit_h2 = False
        self._in_style = False
        self.feed(data.decode("utf-8"))
        self.close()
        self.text = "".join(self.text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "a":
            self._a = [a.get("href"), ""]
            if self._in_hit_h2:
                self.hit_links.append(a.get("href"))
        elif tag == "mark":
            self._mark = ""
        elif tag == "option":
            self.options.append((a.get("value"), "selected" in a))
        elif tag == "h2" and self.getpos() and self._last_li_hit:
            self._in_hit_h2 = True
        elif tag == "ol" and "hits" in (a.get("class") or ""):
            self.ol_start = int(a.get("start"))
        elif tag == "style":
            self.style_nonces.append(a.get("nonce"))
            self._in_style = True
        self._last_li_hit = tag == "li" and a.get("class") == "hit"

    _last_li_hit = False

    def handle_endtag(self, tag):
        if tag == "a" and self._a:
            self.links.append(tuple(self._a))
            self._a = None
        elif tag == "mark" and self._mark is not None:
            self.marks.append(self._mark)
            self._mark = None
        elif tag == "h2":
            self._in_hit_h2 = False
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            return
        self.text.append(data)
        if self._a:
            self._a[1] += data
        if self._mark is not None:
            self._mark += data


def q(s):
    return urllib.parse.quote(s, safe="")


class Pages(ServedCorpus):
    def get(self, path):
        status, headers, body = self.server.request(path)
        return status, headers, body

    def page(self, path, status=200):
        st, headers, body = self.get(path)
        self.assertEqual(st, status, body[:500])
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        return Page(body), body

    def api(self, path, status=200):
        st, headers, body = self.get(path)
        self.assertEqual(st, status, body[:500])
        self.assertEqual(headers["content-type"], "application/json; charset=utf-8")
        return json.loads(body)

    def cli(self, *args):
        r = run("referat-search", "--db", self.db, "--format", "json", *args)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return [json.loads(line) for line in r.stdout.splitlines()]

    # --- the search page ---------------------------------------------------

    def test_front_page_has_the_danish_form_and_the_bodies_of_the_index(self):
        p, body = self.page("/")
        self.assertIn(b'<html lang="da">', body)
        for field in (b'name="q"', b'name="beslutninger"', b'name="udvalg"', b'name="fra"',
                      b'name="til"', b'name="sort"'):
            self.assertIn(field, body)
        self.assertIn("Kun beslutninger", p.text)
        values = [v for v, _ in p.options]
        self.assertIn("Chefforum", values)
        self.assertIn('Teknik & <Miljø> "Udvalg"', values)
        self.assertIn("Sådan søger du", p.text)
        p, _ = self.page("/?q=+++")  # blanks are no search, and no error
        self.assertIn("Sådan søger du", p.text)

    def test_search_page_marks_the_words_and_agrees_with_the_command_line(self):
        for query in ("sygefravær", "budget", "udbud", '"ny organisering"'):
            p, _ = self.page("/?q=" + q(query))
            cli = self.cli("--limit", "10", query)
            ids = [urllib.parse.unquote(h.split("?")[0][len("/punkt/"):]) for h in p.hit_links]
            self.assertEqual(ids, [h["id"] for h in cli], query)
            self.assertTrue(p.marks, query)
            for h in cli:
                self.assertIn(h["title"], p.text)
        p, _ = self.page("/?q=sygefrav%C3%A6r")
        self.assertTrue(any("ygefravær" in m for m in p.marks), p.marks)

    def test_count_facets_and_a_year_facet_filters(self):
        api = self.api("/api/search?q=budget")
        p, body = self.page("/?q=budget")
        self.assertIn("%d punkter fundet" % api["total"], p.text)
        years = api["facets"]["year"]
        self.assertGreater(len(years), 1)
        self.assertEqual(sum(years.values()), api["total"])
        year, count = sorted(years.items())[0]
        links = [h for h, t in p.links if t == year]
        self.assertEqual(len(set(links)), 1, p.links)  # wide and phone facets
        self.assertIn("fra=%s&til=%s" % (year, year), links[0])
        p2, body2 = self.page(links[0])
        self.assertIn("%d %s fundet" % (count, "punkt" if count == 1 else "punkter"), p2.text)
        dates = re.findall(rb'<time datetime="(\d{4})-', body2.split(b'class="hits"')[1])
        self.assertTrue(dates)
        self.assertEqual({d.decode() for d in dates}, {year})
        # The same facet again removes the filter.
        back = [h for h, t in Page(body2).links if t.startswith(year)]
        self.assertTrue(any("fra=" not in h for h in back), back)

    def test_body_facet_and_udvalg_filter(self):
        p, _ = self.page("/?q=vejbump")
        link = [h for h, t in p.links if t == 'Teknik & <Miljø> "Udvalg"']
        self.assertEqual(len(set(link)), 1, p.links)  # wide and phone facets
        p2, _ = self.page(link[0])
        self.assertEqual(len(p2.hit_links), 1)
        self.assertIn(('Teknik & <Miljø> "Udvalg"', True), p2.options)
        p3, _ = self.page("/?q=budget&udvalg=Chefforum")
        self.assertTrue(p3.hit_links)
        p4, _ = self.page("/?q=budget&udvalg=" + q('Teknik & <Miljø> "Udvalg"'))
        self.assertEqual(p4.hit_links, [])
        self.assertIn("0 punkter fundet", p4.text)

    def test_municipality_facet_and_kommune_filter(self):
        api = self.api("/api/search?q=budget&antal=100")
        munis = api["facets"]["municipality"]
        self.assertTrue(munis, api["facets"])
        name, n = sorted(munis.items())[0]
        only = self.api("/api/search?antal=100&q=budget&kommune=" + q(name.upper()))
        self.assertEqual(only["total"], n)
        self.assertTrue(all(h["municipality"] == name for h in only["hits"]))
        cli = self.cli("--limit", "0", "--municipality", name, "budget")
        self.assertEqual([h["id"] for h in only["hits"]], [h["id"] for h in cli])
        # The facet panel links to the filtered page, and the link keeps it.
        p, _ = self.page("/?q=budget")
        link = [h for h, t in p.links if t == name]
        self.assertEqual(len(set(link)), 1, p.links)  # wide and phone facets
        self.assertIn("kommune=", link[0])
        p2, _ = self.page(link[0])
        self.assertEqual(len(p2.hit_links), min(n, 10))

    def test_decisions_only_sort_and_dates_are_in_the_url(self):
        api = self.api("/api/search?q=udbud&beslutninger=1&sort=-dato&fra=2013&til=2023&antal=100")
        self.assertTrue(api["decisions_only"])
        self.assertTrue(api["hits"])
        self.assertEqual({h["section"] for h in api["hits"]}, {"beslutning"})
        dates = [h["date"] for h in api["hits"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        cli = self.cli("--decisions", "--sort", "-date", "--limit", "100", "udbud")
        self.assertEqual([h["id"] for h in api["hits"]], [h["id"] for h in cli])
        p, body = self.page("/?q=udbud&beslutninger=1&sort=-dato")
        self.assertIn(b'name="beslutninger" value="1" checked', body)
        self.assertIn(("-dato", True), p.options)
        self.assertIn("(kun beslutninger)", p.text)
        api = self.api("/api/search?q=budget&fra=2016&til=2016-12")
        self.assertTrue(api["hits"])
        self.assertTrue(all(h["date"].startswith("2016") for h in api["hits"]))

    def test_pagination_links_carry_the_state(self):
        api = self.api("/api/search?q=chefforum&antal=100")
        self.assertGreater(api["total"], 20)
        p, _ = self.page("/?q=chefforum&beslutninger=0")
        nxt = [h for h, t in p.links if t.startswith("Næste")]
        self.assertEqual(len(nxt), 1)
        self.assertIn("side=2", nxt[0])
        p2, _ = self.page(nxt[0])
        self.assertEqual(p2.ol_start, 11)
        ids = [urllib.parse.unquote(h.split("?")[0][len("/punkt/"):]) for h in p2.hit_links]
        self.assertEqual(ids, [h["id"] for h in api["hits"][10:20]])
        prev = [h for h, t in p2.links if t.startswith("← Forrige")]
        self.assertEqual(len(prev), 1)
        page2 = self.api("/api/search?q=chefforum&side=2")
        self.assertEqual([h["rank"] for h in page2["hits"]], list(range(11, 21)))
        page3 = self.api("/api/search?q=chefforum&offset=20&antal=5")
        self.assertEqual([h["id"] for h in page3["hits"]], [h["id"] for h in api["hits"][20:25]])

    def test_mente_du_and_corrected_queries(self):
        api = self.api("/api/search?q=sygefravar")
        self.assertTrue(api["corrected"])
        self.assertTrue(api["suggestion"])
        p, _ = self.page("/?q=sygefravar")
        self.assertIn("Viser resultater for »%s«" % api["suggestion"], p.text)
        self.assertTrue(p.hit_links)
        # The way back: the words as typed, never corrected again.
        orig = [h for h, t in p.links if t == "Søg kun efter »sygefravar«"]
        self.assertEqual(orig, ["/?q=sygefravar&ordret=1"])
        p, _ = self.page(orig[0])
        self.assertNotIn("Viser resultater for", p.text)
        self.assertFalse(p.hit_links)
        self.assertIn("Mente du", p.text)
        self.assertFalse(self.api("/api/search?q=sygefravar&ordret=1")["corrected"])
        api = self.api("/api/search?q=sygefrav%C3%A6r")
        if api["suggestion"] and not api["corrected"]:
            p, _ = self.page("/?q=sygefrav%C3%A6r")
            link = [h for h, t in p.links if t == api["suggestion"]]
            self.assertEqual(link, ["/?q=" + q(api["suggestion"])])
            self.assertIn("Mente du", p.text)

    def test_query_errors_are_400_with_the_message(self):
        p, body = self.page("/?q=%22ikke+lukket", status=400)
        self.assertIn("Søgningen kan ikke forstås", p.text)
        self.assertIn(b'name="q"', body)  # the form is still there to fix it
        err = self.api("/api/search?q=(budget", status=400)
        self.assertTrue(err["error"])
        err = self.api("/api/search", status=400)
        self.assertIn("q", err["error"])

    # --- one punkt ----------------------------------------------------------

    def test_punkt_page_shows_the_whole_punkt_its_meeting_and_neighbours(self):
        hit = self.cli("--limit", "1", "sygefravær")[0]
        p, body = self.page("/punkt/%s?q=%s" % (q(hit["id"]), q("sygefravær")))
        self.assertIn(hit["title"], p.text)
        self.assertIn(hit["journal"], p.text)
        self.assertTrue(any("ygefravær" in m for m in p.marks))
        self.assertIn("Beslutning", p.text)
        self.assertIn(os.path.basename(hit["source"]), p.text)
        self.assertNotIn(self.tmp.encode(), body)  # no server path on the page
        meeting = body.split(b'class="meeting"')[1]
        items = re.findall(rb"<li[ >]", meeting)
        self.assertGreaterEqual(len(items), 10)
        self.assertEqual(meeting.count(b'aria-current="page"'), 1)
        nxt = [h for h, t in p.links if t.startswith("Næste punkt")]
        prv = [h for h, t in p.links if t.startswith("← Forrige punkt")]
        self.assertEqual(len(nxt), 1)
        self.assertEqual(len(prv), 1)
        p2, _ = self.page(nxt[0])
        self.assertIn("punkt %d" % (hit["punkt"] + 1), p2.text)
        back = [h for h, t in p.links if t.startswith("← Tilbage")]
        self.assertEqual(back, ["/?q=" + q("sygefravær")])

    def test_unknown_punkt_is_404(self):
        p, _ = self.page("/punkt/ffffffffffffffff%2399", status=404)
        self.assertIn("Punktet findes ikke", p.text)

    # --- markup in minutes and queries ---------------------------------------

    def test_minutes_with_markup_show_as_text(self):
        hit = self.cli("vejbump")[0]
        paths = ["/", "/?q=vejbump", "/?q=vejbump&beslutninger=1",
                 "/punkt/%s?q=vejbump" % q(hit["id"])]
        for path in paths:
            p, body = self.page(path)
            for raw in (b"<script", b"<img", b"<b>fed", b"<Milj", b"onerror=alert(1)>"):
                self.assertNotIn(raw, body, path)
            self.assertEqual([t for t in p.tags if t in ("script", "img", "b", "iframe")], [],
                             path)
            self.assertIn('Teknik & <Miljø> "Udvalg"', p.text, path)
        p, _ = self.page("/punkt/%s" % q(hit["id"]))
        self.assertIn('<script>alert("titel")</script> & \'citater\' om vejbump', p.text)
        self.assertIn('Teksten indeholder <script>alert("x")</script> og "anførselstegn"', p.text)
        self.assertIn("Udvalget besluttede <img src=x onerror=alert(1)> at etablere", p.text)
        api = self.api("/api/search?q=vejbump")
        self.assertEqual(api["hits"][0]["body"], 'Teknik & <Miljø> "Udvalg"')
        self.assertEqual(api["hits"][0]["source"], "evil.txt")

    def test_markup_in_the_query_is_text(self):
        attack = '"><script>alert(1)</script><b x=\'y\'>'
        for path in ("/?q=" + q(attack), "/?q=budget&fra=" + q(attack),
                     "/?q=budget&udvalg=" + q(attack), "/punkt/%s?q=%s" % (q(attack), q(attack))):
            st, _, body = self.get(path)
            self.assertIn(st, (200, 400, 404), path)
            self.assertNotIn(b"<script", body, path)
            self.assertNotIn(b"<b x", body, path)
            self.assertEqual([t for t in Page(body).tags if t in ("script", "b")], [])
        p, body = self.page("/?q=" + q(attack), status=400)
        self.assertIn(b"value=\"&quot;&gt;&lt;script&gt;", body)

    # --- API --------------------------------------------------------------------

    def test_api_search_has_the_cli_hit_keys_and_facets(self):
        api = self.api("/api/search?q=budget&antal=100")
        cli = self.cli("--limit", "100", "budget")
        self.assertEqual(set(api), {"query", "total", "offset", "limit", "decisions_only",
                                    "corrected", "suggestion", "hits", "facets", "version",
                                    "missing_shards"})
        self.assertEqual(api["missing_shards"], [])  # one database: nothing missing
        self.assertEqual(api["query"], "budget")
        self.assertEqual(api["total"], len(cli))
        self.assertEqual(len(api["hits"]), len(cli))
        for a, c in zip(api["hits"], cli):
            self.assertEqual(set(a), JSON_KEYS)
            self.assertEqual(a["source"], os.path.basename(c["source"]))
            del a["source"], c["source"]
            self.assertEqual(a, c)
        self.assertEqual(set(api["facets"]), {"year", "body", "section", "municipality", "outcome"})
        self.assertEqual(sum(api["facets"]["body"].values()), api["total"])
        self.assertTrue(all(isinstance(n, int) and n > 0
                            for n in api["facets"]["section"].values()))
        # The same facets as the command line's --facets.
        r = run("referat-search", "--db", self.db, "--format", "json", "--facets", "budget")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual(lines[-1], {"facets": api["facets"]})

    def test_api_analyze_is_the_analysis_chain(self):
        api = self.api("/api/analyze?text=" + q("Sygefraværsstatistikken budgettet"))
        r = run("referat-search", "--analyze", "--format", "json",
                "Sygefraværsstatistikken budgettet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(api["tokens"], [json.loads(line) for line in r.stdout.splitlines()])
        self.assertIn("fravær", api["tokens"][0]["parts"])
        self.assertEqual(self.api("/api/analyze", status=400).keys(), {"error"})

    def test_api_numbers_out_of_range_are_400(self):
        for path in ("/api/search?q=budget&antal=101", "/api/search?q=budget&antal=0",
                     "/api/search?q=budget&side=0", "/api/search?q=budget&offset=-1",
                     "/api/search?q=budget&side=x", "/api/search?q=budget&sort=op"):
            self.assertIn("error", self.api(path, status=400), path)
        self.assertEqual(self.api("/api/nothing", status=404).keys(), {"error"})

    # --- exports ------------------------------------------------------------

    def test_exports_are_the_search_as_csv_and_json_lines(self):
        api = self.api("/api/search?q=budget&antal=100")
        st, headers, body = self.get("/eksport-excel.csv?q=budget&side=2")
        self.assertEqual(st, 200)
        self.assertEqual(headers["content-type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", headers["content-disposition"])
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(len(rows), api["total"])  # every hit, not one page
        self.assertEqual([r["title"] for r in rows], [h["title"] for h in api["hits"]])
        self.assertEqual({r["source"] for r in rows},
                         {h["source"] for h in api["hits"]})  # relative, as on the page
        st, headers, body = self.get("/eksport.jsonl?q=budget")
        self.assertEqual(st, 200)
        lines = [json.loads(line) for line in body.decode("utf-8").splitlines()]
        self.assertEqual([h["id"] for h in lines], [h["id"] for h in api["hits"]])
        st, _, _ = self.get("/eksport.csv")
        self.assertEqual(st, 400)
        p, _ = self.page("/?q=budget")
        self.assertTrue([h for h, t in p.links if h.startswith("/eksport.csv?q=budget")])
        self.assertTrue([h for h, t in p.links if h.startswith("/eksport.jsonl?q=budget")])

    # --- safety --------------------------------------------------------------

    def test_security_headers_on_every_answer(self):
        nonces = set()
        for path, method in (("/", "GET"), ("/?q=budget", "GET"), ("/api/search?q=budget", "GET"),
                             ("/punkt/x", "GET"), ("/", "POST"), ("/%zz", "GET"),
                             ("/eksport.csv?q=budget", "GET")):
            st, headers, body = self.server.request(path, method=method)
            self.assertEqual(headers.get("x-content-type-options"), "nosniff", path)
            csp = headers.get("content-security-policy", "")
            self.assertIn("default-src 'none'", csp, path)
            self.assertIn("frame-ancestors 'none'", csp, path)
            self.assertNotIn("unsafe", csp, path)
            if headers["content-type"].startswith("text/html"):
                page = Page(body)
                self.assertEqual(len(page.style_nonces), 1)
                self.assertIn("'nonce-%s'" % page.style_nonces[0], csp)
                nonces.add(page.style_nonces[0])
        self.assertGreater(len(nonces), 3)  # a fresh nonce per page

    def test_other_host_names_are_refused_on_loopback(self):
        # DNS rebinding: a page from evil.example whose name now points at
        # 127.0.0.1 sends its own name as Host.
        st, headers, body = self.server.request("/api/search?q=budget",
                                                headers={"Host": "evil.example"})
        self.assertEqual(st, 421)
        self.assertNotIn(b"Budget", body)
        st, _, _ = self.server.request("/api/search?q=budget",
                                       headers={"Host": "localhost:%d" % self.server.port})
        self.assertEqual(st, 200)

    def test_only_get_and_head(self):
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            st, headers, _ = self.server.request("/?q=budget", method=method, body=b"x=1")
            self.assertEqual(st, 405, method)
            self.assertEqual(headers.get("allow"), "GET, HEAD")
        st, headers, body = self.server.request("/?q=budget", method="HEAD")
        self.assertEqual((st, body), (200, b""))
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")

    def test_malformed_parameters_are_400(self):
        for path in ("/?q=%zz", "/?q=%C3%28", "/?q=%00", "/?q=%C0%AF", "/?q=%ED%A0%80",
                     "/?q=%F4%90%80%80", "/?q=budget%", "/?q=budget%2", "/?%ff=1", "/%ff",
                     "/punkt/%zz", "/?side=0", "/?side=abc", "/?sort=op", "/?q=a&q=b",
                     "/?fra=1&fra=2"):
            st, headers, body = self.get(path)
            self.assertEqual(st, 400, path)
            self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
            self.assertIn("Forkert adresse", Page(body).text, path)
        self.assertEqual(self.api("/api/search?q=%ff", status=400).keys(), {"error"})
        self.assertEqual(self.get("/")[0], 200)  # and the server is alive

    def test_long_uris_are_refused(self):
        st, _, body = self.get("/?q=" + "a" * 5000)
        self.assertEqual(st, 414)
        self.assertIn("for lang", Page(body).text)
        st, _, _ = self.get("/api/search?q=" + "a" * 5000)
        self.assertEqual(st, 414)
        # Beyond libmicrohttpd's request buffer it answers by itself.
        st, _, _ = self.get("/?q=" + "a" * 200000)
        self.assertIn(st, (400, 413, 414, 431))
        self.assertEqual(self.get("/?q=budget")[0], 200)

    def test_no_file_on_disk_is_reachable(self):
        corpus_file = sorted(os.listdir(CORPUS))[0]
        for path in ("/etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                     "/punkt/..%2F..%2F..%2Fetc%2Fpasswd", "/corpus/" + corpus_file,
                     "/minutes/" + corpus_file, "/api/../../etc/passwd", "/db", "/referat.db",
                     "/eksport.csv/../../etc/passwd", "//etc/passwd", "/punkt/" + corpus_file):
            st, _, body = self.get(path)
            self.assertIn(st, (400, 404), path)
            self.assertNotIn(b"root:", body, path)
            self.assertNotIn("Mødested".encode(), body, path)

    def test_raw_garbage_on_the_socket_never_kills_the_server(self):
        for junk in (b"\x00\xff\xfe garbage\r\n\r\n", b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET / HTTP/9.9\r\n\r\n", b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=60) as s:
                try:
                    s.sendall(junk)
                    s.shutdown(socket.SHUT_WR)
                    s.recv(65536)
                except OSError:
                    pass
        self.assertEqual(self.get("/?q=budget")[0], 200)


class NewMinutesWithoutRestart(unittest.TestCase):
    def test_indexed_minutes_show_up_without_a_restart(self):
        tmp = tempfile.mkdtemp(prefix="referat-web-")
        try:
            minutes = os.path.join(tmp, "minutes")
            shutil.copytree(CORPUS, minutes)
            db = os.path.join(tmp, "db")
            index(db, minutes)
            server = Server(db, threads=2).start()
            try:
                before = json.loads(server.request("/api/search?q=vejbump")[2])
                self.assertEqual(before["total"], 0)
                # Every worker thread answers at least once before the change.
                for _ in range(6):
                    self.assertEqual(server.request("/?q=budget")[0], 200)
                with open(os.path.join(minutes, "new.txt"), "w", encoding="utf-8") as f:
                    f.write(EVIL_MINUTES)
                index(db, minutes)
                for _ in range(6):
                    after = json.loads(server.request("/api/search?q=vejbump")[2])
                    self.assertEqual(after["total"], 1)
                    self.assertEqual(after["hits"][0]["source"], "new.txt")
            finally:
                self.assertEqual(server.stop(), 0)
        finally:
            shutil.rmtree(tmp)


class ServeCommandLine(unittest.TestCase):
    def test_help_documents_pages_and_exit_status(self):
        r = run("referat-search", "--serve", "--help")
        self.assertEqual(r.returncode, 0)
        for s in ("--listen", "/api/search", "/punkt/ID", "Exit status"):
            self.assertIn(s, r.stdout)
        self.assertIn("--serve", run("referat-search", "--help").stdout)

    def test_usage_errors_exit_two(self):
        for args in (["--listen", "nowhere"], ["--listen", "127.0.0.1:99999"],
                     ["--threads", "0"], ["budget"], ["--bogus"]):
            r = run("referat-search", "--serve", "--db", "/nonexistent", *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("referat-search", r.stderr)

    def test_missing_database_exits_three_with_a_hint(self):
        tmp = tempfile.mkdtemp(prefix="referat-web-")
        try:
            r = run("referat-search", "--serve", "--db", os.path.join(tmp, "none"),
                    "--listen", "127.0.0.1:0")
            self.assertEqual(r.returncode, 3)
            self.assertIn("referat-index", r.stderr)
        finally:
            shutil.rmtree(tmp)

    def test_address_in_use_exits_four(self):
        tmp = tempfile.mkdtemp(prefix="referat-web-")
        try:
            db = os.path.join(tmp, "db")
            index(db, CORPUS)
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                s.listen(1)
                port = s.getsockname()[1]
                r = run("referat-search", "--serve", "--db", db, "--listen",
                        "127.0.0.1:%d" % port)
            self.assertEqual(r.returncode, 4, r.stderr)
            self.assertIn("cannot listen", r.stderr)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
