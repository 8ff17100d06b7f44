"""Open the built site in a real browser and check what a reader would see.

For the index page, every chapter and every page of the back matter (appendices,
bibliography): MathJax 3 (served by the site itself) has typeset every equation, no raw
TeX is left in the prose, and no request left the machine. Chapters must also offer the launch buttons (Binder, Colab,
JupyterHub) and the download button.
"""
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from conftest import HTML, open_page

pytestmark = pytest.mark.browser  # one unit of work under --dist loadscope: the module

CHAPTERS = sorted(p.relative_to(HTML).as_posix() for p in (HTML / "chapters").glob("*.html"))
BACK_MATTER = sorted(p.relative_to(HTML).as_posix() for p in (HTML / "appendices").glob("*.html"))
PAGES = ["index.html", *CHAPTERS, *BACK_MATTER, "bibliography.html"]

RAW_TEX_MARKERS = ("$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "\\frac")
# A TeX command left in the prose, such as "$\mathbf{u}" when Markdown cut an inline formula
# in two (a line inside $...$ that starts with "+ " reads as a list item).
RAW_TEX_COMMAND = re.compile(r"\$?\\[A-Za-z]{2,}")

# Text of the page with code, scripts and typeset math removed: what is left is prose,
# where a raw TeX delimiter means MathJax did not typeset something.
PROSE_TEXT_JS = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, mjx-container, .highlight, .cell_output')
      .forEach(e => e.remove());
  return body.textContent;
}"""

# Text of the page outside the notebook cells (code spans kept): MyST that Sphinx did not
# parse (a directive behind a backtick, an unknown role) shows here as "{name}".
TEXT_OUTSIDE_CELLS_JS = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('script, style, .cell, mjx-container').forEach(e => e.remove());
  return body.textContent;
}"""
RAW_MYST = re.compile(r"\{(?:list-table|table|figure|glue(?::text)?|eq|ref|numref|doc|cite(?::[pt])?|prf:\w+|term|index|py:\w+|"
                      r"exercise|solution|admonition|note|tip|warning|math)\}")

MATH_STATS_JS = """() => ({
  version: window.MathJax && window.MathJax.version,
  math: document.querySelectorAll('.math').length,
  untypeset: [...document.querySelectorAll('.math')]
      .filter(e => !e.querySelector('mjx-container') && !e.closest('mjx-container'))
      .map(e => e.textContent.slice(0, 80)),
  typeset: document.querySelectorAll('mjx-container').length,
})"""


@pytest.fixture(scope="module")
def pages(browser, site_url):
    """Load every page once; return {page: (math stats, prose text, outside requests, links)}."""
    assert CHAPTERS, "no chapter pages were built"
    results = {}
    for name in PAGES:
        context, page, outside = open_page(browser, f"{site_url}/{name}")
        try:  # let late requests (fonts, lazy scripts) happen, so the route above sees them
            page.wait_for_load_state("networkidle", timeout=20_000)
        except PlaywrightTimeoutError:
            pass  # a busy machine; requests made so far were all recorded
        results[name] = dict(
            math=page.evaluate(MATH_STATS_JS),
            prose=page.evaluate(PROSE_TEXT_JS),
            text=page.evaluate(TEXT_OUTSIDE_CELLS_JS),
            outside=outside,
            links=page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"),
            buttons=page.eval_on_selector_all(
                "button", "els => els.map(e => e.className + ' ' + (e.title || ''))"
            ),
        )
        context.close()
    return results


@pytest.mark.parametrize("name", PAGES)
def test_mathjax_is_served_locally_and_loaded(pages, name):
    stats = pages[name]["math"]
    if name in CHAPTERS or stats["math"]:  # pages without math need not load MathJax
        assert str(stats["version"]).startswith("3."), stats
    assert stats["untypeset"] == []


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_machine(pages, name):
    assert pages[name]["outside"] == []


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_equation_is_typeset(pages, name):
    stats = pages[name]["math"]
    assert stats["math"] > 0, "a chapter without a single equation: is math parsed at all?"
    assert stats["untypeset"] == []
    assert stats["typeset"] >= stats["math"]


@pytest.mark.parametrize("name", PAGES)
def test_no_raw_tex_left_in_prose(pages, name):
    prose = pages[name]["prose"]
    leftovers = [m for m in RAW_TEX_MARKERS if m in prose]
    assert leftovers == [], [prose[max(0, prose.find(m) - 60): prose.find(m) + 60] for m in leftovers]
    commands = [prose[max(0, m.start() - 60): m.end() + 20] for m in RAW_TEX_COMMAND.finditer(prose)]
    assert commands == [], commands


def test_raw_tex_command_pattern_catches_a_cut_formula():
    assert RAW_TEX_COMMAND.search("taking the inner product with u, $\\mathbf{u}^\\top w")
    assert not RAW_TEX_COMMAND.search("the gradient is 0.25 at z = 0 (see eq. (3.4)); C:/path")


@pytest.mark.parametrize("name", PAGES)
def test_no_unparsed_myst_left(pages, name):
    text = pages[name]["text"]
    found = [m.group(0) + ": " + text[max(0, m.start() - 60): m.end() + 60] for m in RAW_MYST.finditer(text)]
    assert found == []


def test_unparsed_myst_pattern_catches_what_it_should():
    for planted in ["```{list-table} The initialisers", "{glue:text}`key`", "{eq}`eq-x`", ":::{admonition}"]:
        assert RAW_MYST.search(planted), planted
    assert not RAW_MYST.search("a set {x} and a dict {'a': 1}")


@pytest.mark.parametrize("name", CHAPTERS)
@pytest.mark.parametrize("target", ["mybinder.org", "colab.research.google.com", "jupyterhub"])
def test_launch_buttons_present(pages, name, target):
    assert any(target in link for link in pages[name]["links"]), f"no launch link to {target}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_download_and_live_code_buttons_present(pages, name):
    links, buttons = pages[name]["links"], " ".join(pages[name]["buttons"])
    assert any(link.endswith(".ipynb") for link in links), "no .ipynb download link"
    assert "thebe" in buttons.lower(), "no live-code (Thebe) button"
