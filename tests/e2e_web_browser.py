"""The search page in a real browser: headless chromium driven over the
DevTools protocol (tests/cdp.py) against the real server.

It types a query and presses Enter, sees hits with marked words, ticks
"Kun beslutninger" and clicks Søg, clicks a year in the facet panel, opens
a punkt, and keeps screenshots in build/test-artifacts/ (web-search.png,
web-punkt.png). It also checks that the page's style is applied under the
Content-Security-Policy and that the browser reports no CSP violation.
"""
import json
import os
import urllib.parse

from cdp import Browser
from webserver import ARTIFACTS, ServedCorpus


class BrowserTest(ServedCorpus):
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

    def api(self, path):
        status, _, body = self.server.request(path)
        self.assertEqual(status, 200, body[:300])
        return json.loads(body)

    def location(self):
        u = urllib.parse.urlparse(self.browser.evaluate("location.href"))
        return u.path, urllib.parse.parse_qs(u.query)

    def hit_titles(self):
        return self.browser.evaluate(
            "[...document.querySelectorAll('li.hit h2 a')].map(a => a.textContent)")

    def test_search_decisions_facet_and_punkt_like_a_user(self):
        b = self.browser
        b.navigate(self.server.url + "/")
        self.assertEqual(b.evaluate("document.title"), "Referat")
        # The inline style carries the CSP nonce; a refused style would leave
        # the form without its border.
        self.assertEqual(b.evaluate(
            "getComputedStyle(document.querySelector('form.search')).borderTopStyle"), "solid")

        # Type a query and press Enter.
        b.type_text("document.querySelector('input[name=q]')", "sygefravær")
        b.loads(b.press_enter)
        path, params = self.location()
        self.assertEqual((path, params.get("q")), ("/", ["sygefravær"]))
        api = self.api("/api/search?q=" + urllib.parse.quote("sygefravær"))
        self.assertEqual(self.hit_titles(), [h["title"] for h in api["hits"]])
        marks = b.evaluate("[...document.querySelectorAll('li.hit mark')].map(m => m.textContent)")
        self.assertTrue(any("ygefravær" in m for m in marks), marks)
        self.assertEqual(b.evaluate(
            "getComputedStyle(document.querySelector('li.hit mark')).backgroundColor"),
            "rgb(255, 224, 102)")
        b.screenshot(os.path.join(ARTIFACTS, "web-search.png"))

        # Tick "Kun beslutninger" and press Søg.
        b.click("document.querySelector('input[name=beslutninger]')")
        self.assertTrue(b.evaluate("document.querySelector('input[name=beslutninger]').checked"))
        b.loads(lambda: b.click("document.querySelector('form.search button')"))
        path, params = self.location()
        self.assertEqual(params.get("beslutninger"), ["1"])
        api = self.api("/api/search?beslutninger=1&q=" + urllib.parse.quote("sygefravær"))
        self.assertEqual(self.hit_titles(), [h["title"] for h in api["hits"]])
        self.assertEqual(set(b.evaluate(
            "[...document.querySelectorAll('li.hit .sec')].map(s => s.textContent)")),
            {"Beslutning"})
        self.assertIn("kun beslutninger", b.evaluate("document.querySelector('.count').textContent"))

        # Click a year in the facet panel.
        years = api["facets"]["year"]
        year = sorted(years)[-1]
        b.loads(lambda: b.click(
            "[...document.querySelectorAll('.facets a')].find(a => a.textContent === %s)"
            % json.dumps(year)))
        path, params = self.location()
        self.assertEqual((params.get("fra"), params.get("til")), ([year], [year]))
        self.assertEqual(params.get("beslutninger"), ["1"])  # the state is kept
        dates = b.evaluate(
            "[...document.querySelectorAll('li.hit time')].map(t => t.getAttribute('datetime'))")
        self.assertEqual(len(dates), years[year])
        self.assertTrue(all(d.startswith(year) for d in dates), dates)

        # Open the first punkt.
        title = self.hit_titles()[0]
        b.loads(lambda: b.click("document.querySelector('li.hit h2 a')"))
        path, params = self.location()
        self.assertTrue(path.startswith("/punkt/"), path)
        self.assertEqual(b.evaluate("document.querySelector('h1').textContent"), title)
        self.assertTrue(b.evaluate("document.querySelectorAll('article mark').length") > 0)
        self.assertIn("Beslutning", b.evaluate(
            "[...document.querySelectorAll('article section h2')].map(h => h.textContent)"))
        self.assertEqual(b.evaluate(
            "document.querySelectorAll('.meeting li[aria-current=page]').length"), 1)
        shot = b.screenshot(os.path.join(ARTIFACTS, "web-punkt.png"))
        with open(shot, "rb") as f:
            png = f.read()
        self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertGreater(len(png), 10000)

        # No script ran and nothing was refused.
        messages = [json.dumps(e["params"]) for e in b.events
                    if e["method"] in ("Log.entryAdded", "Runtime.exceptionThrown",
                                       "Runtime.consoleAPICalled")]
        self.assertEqual([m for m in messages if "Content Security Policy" in m
                          or "exception" in m.lower()], [])

    def width(self, px):
        """Lay the page out as a window PX wide (a phone at 390)."""
        self.browser.call("Emulation.setDeviceMetricsOverride", width=px, height=844,
                          deviceScaleFactor=1, mobile=px < 600)

    def test_phone_and_desktop_layouts_fit_the_window(self):
        b = self.browser
        # A query with many facet lines: udvalg, years, sections.
        url = self.server.url + "/?q=budget"
        try:
            for px, name in ((390, "web-phone.png"), (1300, "web-desktop.png")):
                self.width(px)
                for path in ("/", "/?q=budget", "/?q=xylofonundervisning&udvalg=Chefforum"):
                    b.navigate(self.server.url + path)
                    self.assertLessEqual(
                        b.evaluate("document.documentElement.scrollWidth"),
                        b.evaluate("innerWidth"), (px, path))
                b.navigate(url)
                b.screenshot(os.path.join(ARTIFACTS, name))
                first_hit = b.evaluate(
                    "document.querySelector('li.hit').getBoundingClientRect().top")
                visible_facets = b.evaluate(
                    "[...document.querySelectorAll('.facets li')].filter("
                    "li => li.getBoundingClientRect().height > 0 && "
                    "li.getBoundingClientRect().top < %f).length" % first_hit)
                if px == 390:
                    # Results first; the facets fold away below them.
                    self.assertEqual(visible_facets, 0)
                    self.assertLess(first_hit, 844)
                    self.assertEqual(b.evaluate(
                        "document.querySelector('details.facets').open"), False)
                else:  # beside the results, to their left
                    self.assertLessEqual(b.evaluate(
                        "document.querySelector('aside.facets').getBoundingClientRect().right"),
                        b.evaluate(
                            "document.querySelector('li.hit').getBoundingClientRect().left"))
                    self.assertGreater(b.evaluate(
                        "[...document.querySelectorAll('aside.facets li')].filter("
                        "li => li.getBoundingClientRect().height > 0).length"), 5)
        finally:
            self.browser.call("Emulation.clearDeviceMetricsOverride")

    def test_fundet_i_and_kommune_are_filters_kept_by_the_form(self):
        b = self.browser
        b.navigate(self.server.url + "/?q=budget")
        b.loads(lambda: b.click(
            "[...document.querySelectorAll('.facets.wide a')].find("
            "a => a.textContent === 'Beslutning')"))
        path, params = self.location()
        self.assertEqual(params.get("felt"), ["beslutning"])
        self.assertEqual(set(b.evaluate(
            "[...document.querySelectorAll('li.hit .sec')].map(s => s.textContent)")),
            {"Beslutning"})
        # A municipality typed in the form, and the section, survive a new search.
        b.evaluate("document.querySelector('input[name=kommune]').value = 'Albertslund'")
        b.evaluate("document.querySelector('input[name=q]').value = 'budget*'")
        b.loads(lambda: b.click("document.querySelector('form.search button')"))
        path, params = self.location()
        self.assertEqual(params.get("kommune"), ["Albertslund"])
        self.assertEqual(params.get("felt"), ["beslutning"])
        self.assertEqual(params.get("q"), ["budget*"])

    def test_markup_in_minutes_is_text_in_the_browser(self):
        b = self.browser
        b.navigate(self.server.url + "/?q=vejbump")
        self.assertEqual(b.evaluate("document.querySelectorAll('script, img').length"), 0)
        self.assertIn('<script>alert("titel")</script>', self.hit_titles()[0])
        b.loads(lambda: b.click("document.querySelector('li.hit h2 a')"))
        self.assertEqual(b.evaluate("document.querySelectorAll('script, img, b').length"), 0)
        text = b.evaluate("document.querySelector('article').textContent")
        self.assertIn("Udvalget besluttede <img src=x onerror=alert(1)> at etablere", text)
