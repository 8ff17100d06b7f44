"""Build the whole book as one PDF: Jupyter Book's single-page HTML, printed by headless Chromium.

    python tools/build_pdf.py [--path-output DIR] [--out PDF] [--no-build]

1. ``jupyter-book build . -W -n --keep-going --builder singlehtml --path-output DIR`` (DIR is
   the project, by default) writes ``DIR/_build/singlehtml``. It shares the website's doctrees
   (``DIR/_build/.doctrees``, same configuration as ``make book``), so after ``make book`` it
   only writes the page; ``DIR/_build/html`` is not touched.
2. That page is served on 127.0.0.1 and opened in headless Chromium (Playwright, the browser
   the browser tests use; no request may leave the machine); MathJax 3, served by the book
   itself, typesets every equation; Chromium prints it to ``DIR/_build/pdf/book.pdf``, tagged
   (accessible) and with bookmarks (the PDF outline, from the headings).

The print layout is ``_static/print.css`` (``@media print``): each chapter starts on a new
page, figures are not split, long code lines wrap instead of being cut at the margin, and the
website's navigation is left out; page size, margins and page numbers are its ``@page`` rule.
Solutions are printed open; code cells the website hides are left out.

Why not LaTeX: Debian's TeX Live for Jupyter Book's LaTeX route (texlive-xetex, latexmk,
texlive-latex-extra, fonts) is 91 packages, 195 MB to download and 700 MB installed, while
Chromium is already needed by the browser tests; and the HTML route prints what the website
shows (glue, MathJax, sphinx-exercise and sphinx-proof boxes) without a second renderer.
"""
import argparse
import functools
import http.server
import os
import pathlib
import re
import sys
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from find_chromium import find_chromium  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
from pdf_outline import fix_outline_titles  # noqa: E402

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# Before printing: open every folded block (solutions of the exercises), so the paper shows
# what a reader could unfold on the website. Code cells the website hides (details.hide) are
# left out by _static/print.css.
PREPARE_JS = """() => {
  document.querySelectorAll('details:not(.hide)').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('.toggle-details__container').forEach(e => { e.style.display = ''; });
  document.querySelectorAll('img[loading="lazy"]').forEach(img => { img.loading = 'eager'; });
}"""

IMAGES_LOADED_JS = "() => [...document.images].every(img => img.complete)"

# The printed headings, in order, as the reader sees them (without the "#" anchors).
HEADINGS_JS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.getClientRects().length > 0)
  .map(h => { const c = h.cloneNode(true);
              c.querySelectorAll('.headerlink').forEach(e => e.remove());
              return c.textContent.replace(/\\s+/g, ' ').trim(); })"""


def patch_singlehtml_translator():
    """Give the ``singlehtml`` builder every node handler registered for ``html``.

    Sphinx looks up the handlers of custom nodes under the builder's name and only falls back
    to its format (``html``) when there are none; sphinx-exercise registers some for
    ``singlehtml``, so every other extension's html handlers (myst-nb's hidden cells,
    sphinx-proof, ...) would be missing and the build stops at the first such node.
    """
    from sphinx.registry import SphinxComponentRegistry

    original = SphinxComponentRegistry.create_translator
    if getattr(original, "_nnbook_patched", False):
        return

    def create_translator(self, builder, *args):
        if builder.name == "singlehtml":
            merged = dict(self.translation_handlers.get("html", {}))
            merged.update(self.translation_handlers.get("singlehtml", {}))
            self.translation_handlers["singlehtml"] = merged
        return original(self, builder, *args)

    create_translator._nnbook_patched = True
    SphinxComponentRegistry.create_translator = create_translator


def build_singlehtml(path_output):
    """Run Jupyter Book's singlehtml build in this process (with the patch above), with the
    same options as ``make book``: the same configuration lets it reuse the doctrees."""
    from jupyter_book.cli.main import main as jupyter_book

    patch_singlehtml_translator()
    args = ["build", str(ROOT), "-W", "-n", "--keep-going", "--builder", "singlehtml",
            "--path-output", str(path_output)]
    try:
        jupyter_book.main(args, standalone_mode=False)
    except SystemExit as exc:  # click's exit on success (0) or failure
        if exc.code:
            raise
    return pathlib.Path(path_output) / "_build" / "singlehtml"


_START = time.perf_counter()


def log(message):
    print(f"[build_pdf {time.perf_counter() - _START:5.0f} s] {message}", flush=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def is_local(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost")


def root_page(html_dir):
    """The single page: Jupyter Book writes the root document (intro.html) and an index.html
    that only redirects to it."""
    index = (pathlib.Path(html_dir) / "index.html").read_text(encoding="utf-8")
    match = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', index)
    return match.group(1) if match else "index.html"


def print_pdf(html_dir, pdf_path):
    """Print ``html_dir/index.html`` to ``pdf_path`` with headless Chromium."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        sys.exit("make pdf needs Chromium (Debian: apt-get install chromium)")
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    outside = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context()

            def refuse_outside(route):
                if is_local(route.request.url):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            context.route("**/*", refuse_outside)
            page = context.new_page()
            page.emulate_media(media="print")
            log("loading the page")
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{root_page(html_dir)}", wait_until="load",
                      timeout=120_000)
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=120_000)
            log("typesetting the math")
            page.evaluate("() => MathJax.startup.promise")
            page.evaluate(PREPARE_JS)
            page.wait_for_function(IMAGES_LOADED_JS, timeout=120_000)
            headings = page.evaluate(HEADINGS_JS)
            stats = page.evaluate("""() => ({
                math: document.querySelectorAll('.math').length,
                untypeset: [...document.querySelectorAll('.math')].filter(
                    e => !e.querySelector('mjx-container') && !e.closest('mjx-container')).length})""")
            if stats["math"] == 0 or stats["untypeset"]:
                sys.exit(f"MathJax did not typeset the book: {stats}")
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            log(f"printing ({stats['math']} equations typeset)")
            # Page size, margins and page numbers come from _static/print.css (@page): CSS page
            # margin boxes cost nothing, Chromium's header/footer templates cost minutes.
            page.pdf(path=str(pdf_path), prefer_css_page_size=True, print_background=True,
                     outline=True, tagged=True, scale=0.8)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    if outside:
        sys.exit(f"the book requested {len(outside)} URL(s) outside the machine, e.g. {outside[0]}")
    log("checking the bookmarks' titles")
    items, fixed = fix_outline_titles(pdf_path, headings)
    if items < len(headings) // 2:
        sys.exit(f"the PDF has {items} bookmarks for {len(headings)} headings: is the outline missing?")
    log(f"{items} bookmarks, {fixed} titles corrected")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path-output", default=str(ROOT),
                        help="as jupyter-book's: the build goes to PATH_OUTPUT/_build (default: .)")
    parser.add_argument("--out", default=None,
                        help="where to write the PDF (default: PATH_OUTPUT/_build/pdf/book.pdf)")
    parser.add_argument("--no-build", action="store_true",
                        help="print the existing singlehtml build without rebuilding it")
    args = parser.parse_args(argv)
    path_output = pathlib.Path(args.path_output).resolve()
    start = time.perf_counter()
    os.chdir(ROOT)
    if args.no_build:
        html_dir = path_output / "_build" / "singlehtml"
    else:
        html_dir = build_singlehtml(path_output)
    built = time.perf_counter()
    pdf = pathlib.Path(args.out).resolve() if args.out else path_output / "_build" / "pdf" / "book.pdf"
    print_pdf(html_dir, pdf)
    done = time.perf_counter()
    print(f"PDF written: {pdf} ({pdf.stat().st_size / 1e6:.1f} MB; "
          f"single-page HTML {built - start:.0f} s, printing {done - built:.0f} s)")


if __name__ == "__main__":
    main()
