"""Fixtures for the browser test: the built site served on loopback, and Chromium."""
import functools
import http.server
import os
import pathlib
import sys
import threading
import urllib.parse

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from find_chromium import find_chromium  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The built site; BOOK_HTML points the tests at another build (e.g. one made with
# `jupyter-book build . --path-output /tmp/x`: BOOK_HTML=/tmp/x/_build/html).
HTML = pathlib.Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()

# The same flags the machine's own probe uses: without the background-networking
# ones, Chromium itself tries to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    """Serve _build/html on 127.0.0.1 (an ephemeral port) for the whole session."""
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML / 'index.html'} does not exist: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven by Playwright; skipped (never in CI) when absent."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test, but no Chromium was found")
        pytest.skip("no Chromium installed (apt-get install chromium): browser test skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def is_local(url):
    """Whether ``url`` stays on this machine (loopback, or data:/blob:/about:)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost")


def open_page(browser, url, **context_options):
    """Open ``url`` in a fresh context that refuses every request leaving the machine, and wait
    for MathJax to finish if the page loads it (a page without MathJax fails its tests, not
    this helper); a page that redirects is followed.
    Return (context, page, outside): ``outside`` lists the refused URLs, and keeps growing
    while the page is open."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    context = browser.new_context(**context_options)
    outside = []

    def refuse_outside(route):  # record and refuse: the tests must not need the network
        if is_local(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", refuse_outside)
    page = context.new_page()
    page.goto(url, wait_until="load")
    try:
        page.wait_for_function(MATHJAX_STARTED_JS, timeout=60_000)
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    except PlaywrightTimeoutError:
        pass
    return context, page, outside


# MathJax has started (its promise resolves when every equation is typeset), or the page does
# not load MathJax (search, the index of terms) and has loaded; never on a redirecting page
# (index.html -> intro.html), whose successor is waited for instead.
MATHJAX_STARTED_JS = """() => {
  if (document.querySelector('meta[http-equiv="Refresh" i]')) return false;
  if (document.querySelector('script[src*="mathjax"]'))
    return !!(window.MathJax && MathJax.startup && MathJax.startup.promise);
  return document.readyState === 'complete';
}"""


def axe_script():
    """axe-core's source: the copy bundled in axe-playwright-python (pinned in requirements.txt),
    or the file that AXE_CORE_JS names (to try another version). Read from disk and injected
    into the page with page.evaluate: never fetched."""
    if os.environ.get("AXE_CORE_JS"):
        return pathlib.Path(os.environ["AXE_CORE_JS"]).read_text(encoding="utf-8")
    from axe_playwright_python.base import AXE_FILE_PATH

    return AXE_FILE_PATH.read_text(encoding="utf-8")
