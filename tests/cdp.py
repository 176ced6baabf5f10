"""A tiny Chrome DevTools Protocol client for the browser test.

Starts Debian's /usr/bin/chromium headless and talks CDP to one page over a
WebSocket (RFC 6455, the client side only: text frames out, masked; text,
ping and close frames in). The standard library suffices, so the test needs
no package beyond chromium itself. Not a test module.
"""
import base64
import hashlib
import http.client
import json
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.parse

TIMEOUT = 120  # seconds for any one step: CI machines are small and busy


class WebSocket:
    GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, url, timeout=TIMEOUT):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16))
        self.sock.sendall(b"GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                          b"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                          b"Sec-WebSocket-Version: 13\r\n\r\n"
                          % (u.path.encode(), u.hostname.encode(), u.port, key))
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        accept = base64.b64encode(hashlib.sha1(key + self.GUID).digest())
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            raise ConnectionError("WebSocket handshake refused: %r" % head[:200])

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("WebSocket closed by the browser")
        self.buf += data

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload):
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode("utf-8"))

    def recv(self):
        """The next text message (fragments joined; pings answered)."""
        message = b""
        while True:
            b0, b1 = self._take(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._take(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._take(8))[0]
            mask = self._take(4) if b1 & 0x80 else None
            payload = self._take(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0x8:
                raise ConnectionError("WebSocket closed by the browser")
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if b0 & 0x80:
                    return message.decode("utf-8")

    def close(self):
        try:
            self._send_frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()


class Browser:
    """Headless chromium with one page driven over CDP."""

    def __init__(self, width=1200, height=900):
        exe = shutil.which("chromium") or "/usr/bin/chromium"
        if not os.path.exists(exe):
            raise RuntimeError("chromium is not installed (tools/deps.sh installs it)")
        self.profile = tempfile.mkdtemp(prefix="referat-chromium-")
        self.log = open(os.path.join(self.profile, "stderr.log"), "w+")
        # --no-sandbox: CI runs as root, where chromium's sandbox refuses to
        # start. The page is our own server's, on loopback.
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-sync", "--disable-component-update",
             "--mute-audio", "--user-data-dir=" + self.profile, "--remote-debugging-port=0",
             "--remote-debugging-address=127.0.0.1", "--window-size=%d,%d" % (width, height),
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True)
        try:
            port = self._devtools_port()
            self.ws = WebSocket(self._page_ws_url(port))
        except BaseException:
            self.quit()
            raise
        self.next_id = 0
        self.events = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable")

    def _devtools_port(self):
        path = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with open(path) as f:
                    first = f.readline().strip()
                if first:
                    return int(first)
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        self.log.seek(0)
        raise RuntimeError("chromium did not start: " + self.log.read()[-2000:])

    def _page_ws_url(self, port):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            try:
                conn.request("GET", "/json/list")
                targets = json.loads(conn.getresponse().read())
            finally:
                conn.close()
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.2)
        raise RuntimeError("chromium has no page target")

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, name, since=0):
        """The first event NAME at or after index SINCE of self.events."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for e in self.events[since:]:
                if e["method"] == name:
                    return e
            if time.monotonic() > deadline:
                raise TimeoutError("no %s within %d s" % (name, TIMEOUT))
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("%s: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def loads(self, action):
        """Run ACTION (a function) and wait for the page it leads to."""
        mark = len(self.events)
        action()
        self.wait_event("Page.loadEventFired", since=mark)

    def navigate(self, url):
        self.loads(lambda: self.call("Page.navigate", url=url))

    def click(self, js_element):
        """A real mouse click in the middle of the element JS_ELEMENT
        (a JavaScript expression) after scrolling it into view."""
        x, y = self.evaluate(
            "(() => { const e = %s; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2,"
            " r.y + r.height / 2]; })()" % js_element)
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                      clickCount=1)

    def type_text(self, js_element, text):
        self.click(js_element)
        self.call("Input.insertText", text=text)

    def press_enter(self):
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                      windowsVirtualKeyCode=13, nativeVirtualKeyCode=13,
                      **({"text": "\r"} if kind == "keyDown" else {}))

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data["data"]))
        return path

    def quit(self):
        if getattr(self, "ws", None):
            self.ws.close()
            self.ws = None
        if self.proc.poll() is None:
            # The browser's own process group (start_new_session): its
            # renderer and GPU helpers go with it.
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
