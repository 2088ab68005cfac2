#!/usr/bin/env python3
"""A headless Chromium driven over the DevTools protocol (CDP), for the
browser tests (explorer_test.py). Debian's `chromium` and the websocket
client of Debian's `python3-websocket` (contrib/install-deps.sh); nothing
from PyPI or npm.

    with Browser(tmpdir) as b:
        b.navigate(url)
        b.wait_for("document.body.dataset.loaded === '1'")
        value = b.eval("document.title")
        b.screenshot(path)

Events (e.g. Fetch.requestPaused) are handed to handlers registered with
on(); they run between commands, while wait_for() polls.
"""
import base64
import json
import os
import shutil
import subprocess
import urllib.request

from framework import TIMEOUT_FACTOR, wait_until

try:
    import websocket  # python3-websocket
except ImportError:  # the caller decides (skip with 77)
    websocket = None


def chromium_binary():
    """The Chromium to drive, or None: $CHROMIUM, else chromium on PATH."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class CDPError(Exception):
    pass


class Browser:
    def __init__(self, workdir, width=1280, height=1400):
        self.profile = os.path.join(workdir, "chromium-profile")
        os.makedirs(self.profile, exist_ok=True)
        self.log_path = os.path.join(workdir, "chromium.log")
        args = [chromium_binary(), "--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                # no traffic of its own: the page under test is the only thing it loads
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--disable-default-apps", "--metrics-recording-only",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run its sandbox as root
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        wait_until(lambda: self.proc.poll() is not None or
                   (os.path.exists(port_file) and len(open(port_file).read().split("\n")) >= 2),
                   timeout=60, what="Chromium's DevToolsActivePort")
        if self.proc.poll() is not None:
            raise CDPError(f"chromium exited with {self.proc.returncode}; see {self.log_path}")
        port = int(open(port_file).read().split("\n")[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as r:
            targets = json.load(r)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60 * TIMEOUT_FACTOR,
                                              suppress_origin=True)
        self.next_id = 0
        self.pending = []   # events read while waiting for a reply
        self.handlers = {}
        self.console = []   # console messages and exceptions of the page
        self.requests = []  # every URL the page asked for (Network.requestWillBeSent)
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Network.enable")
        self.on("Network.requestWillBeSent", lambda p: self.requests.append(p["request"]["url"]))
        self.on("Runtime.consoleAPICalled",
                lambda p: self.console.append(" ".join(str(a.get("value", a.get("description", "")))
                                                       for a in p.get("args", []))))
        self.on("Runtime.exceptionThrown",
                lambda p: self.console.append("exception: " + json.dumps(p["exceptionDetails"])[:500]))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 (closing anyway)
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def on(self, event, fn):
        self.handlers[event] = fn

    def call(self, method, **params):
        """Sends a command and returns its result; events read meanwhile are queued."""
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise CDPError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.pending.append(msg)

    def pump(self):
        """Runs the handlers of the queued events."""
        while self.pending:
            msg = self.pending.pop(0)
            fn = self.handlers.get(msg["method"])
            if fn:
                fn(msg.get("params", {}))

    def eval(self, expr):
        """The value of a JavaScript expression (awaited if it is a promise)."""
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise CDPError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait_for(self, expr, timeout=60, what=None):
        """Polls expr until it is truthy, running event handlers between polls; returns its value."""
        out = {}

        def check():
            self.pump()
            out["v"] = self.eval(expr)
            self.pump()
            return bool(out["v"])
        wait_until(check, timeout=timeout, interval=0.05, what=what or expr)
        return out["v"]

    def navigate(self, url):
        self.call("Page.navigate", url=url)

    def screenshot(self, path):
        r = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        data = base64.b64decode(r["data"])
        with open(path, "wb") as f:
            f.write(data)
        return data

    def intercept(self, url_pattern, rewrite):
        """Rewrites the bodies of the responses whose URL matches url_pattern
        (a CDP pattern, '*' wildcards) with rewrite(bytes) -> bytes, before the
        page sees them. Returns a list that collects the URLs rewritten."""
        seen = []

        def paused(p):
            rid = p["requestId"]
            body = self.call("Fetch.getResponseBody", requestId=rid)
            raw = base64.b64decode(body["body"]) if body.get("base64Encoded") else body["body"].encode()
            new = rewrite(raw)
            seen.append(p["request"]["url"])
            headers = [h for h in p.get("responseHeaders", []) if h["name"].lower() != "content-length"]
            self.call("Fetch.fulfillRequest", requestId=rid, responseCode=p.get("responseStatusCode", 200),
                      responseHeaders=headers, body=base64.b64encode(new).decode())
        self.on("Fetch.requestPaused", paused)
        self.call("Fetch.enable", patterns=[{"urlPattern": url_pattern, "requestStage": "Response"}])
        return seen

    def stop_intercepting(self):
        self.call("Fetch.disable")
        self.handlers.pop("Fetch.requestPaused", None)
