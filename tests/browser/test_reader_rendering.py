"""Render every reader notebook as a Jupyter front end does and check what a student sees.

Each notebook of the reader edition (``make notebooks``: _notebooks/chapters, or the folder
in READER_EDITION) is converted to HTML by nbconvert with the ``lab`` template (JupyterLab's
look, Markdown rendered by nbconvert), with math typeset by MathJax 3 from the local copy
in _mathjax/ (``make mathjax``) configured as JupyterLab configures it ($...$ and $$...$$).
No request may leave the machine. Asserted for every chapter: every math expression of the
Markdown is typeset, no raw markup ($, $$, {glue, {eq}, ```{, \\begin{ ...) is left in the
text, the exercises are numbered, every solution is in a closed <details> whose
content is hidden until its summary is clicked, and axe-core finds no violation of the rules
about what the book writes (headings in order, images with alt text, tables with headers,
lists, link names; the JupyterLab look itself is nbconvert's, not the book's).

Set READER_SCREENSHOTS to a folder to also save a full-page screenshot of each chapter.
"""
import functools
import http.server
import os
import pathlib
import re
import shutil
import sys
import threading
import warnings

import nbformat
import pytest

from conftest import ROOT, _QuietHandler, axe_script, open_page

sys.path.insert(0, str(ROOT / "tools"))
import reader_edition  # noqa: E402

pytestmark = pytest.mark.browser  # one unit of work under --dist loadscope: the module

READER = pathlib.Path(os.environ.get("READER_EDITION", ROOT / "_notebooks" / "chapters"))
MATHJAX = ROOT / "_mathjax" / "_static" / "mathjax"
NOTEBOOKS = sorted(READER.glob("*.ipynb"))
NAMES = [p.stem for p in NOTEBOOKS] or ["no-reader-edition"]

# JupyterLab 4 typesets with MathJax 3 and these delimiters.
MATHJAX_CONFIG = """<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true}
};
</script>
<script src="/mathjax/tex-chtml.js"></script>"""

RAW_MARKUP = ("$$", "$", "\\begin{", "\\tag{", "{glue", "{eq}", "{ref}", "{numref}", "{doc}", "{cite",
              "{prf:", "```{", ":::", ")=\n", ":label:", ":class:")

# Text of the rendered Markdown (prose) with code, outputs and typeset math removed.
PROSE_JS = """() => {
  const cells = [...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')];
  return cells.map(c => {
    const copy = c.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
    return copy.textContent;
  }).join('\\n');
}"""

STATS_JS = """() => ({
  version: window.MathJax && window.MathJax.version,
  typeset: document.querySelectorAll('.jp-MarkdownCell mjx-container').length,
  errors: [...document.querySelectorAll('mjx-merror, [data-mjx-error]')].map(e => e.textContent).slice(0, 5),
  exercises: [...document.querySelectorAll('.jp-MarkdownCell blockquote strong')]
      .map(e => e.textContent).filter(t => t.startsWith('Exercise')),
  details: [...document.querySelectorAll('details.solution')].map(d => ({
      open: d.open, summary: d.querySelector('summary').textContent})),
})"""


# axe-core's rules about the content the book writes (not about nbconvert's page around it).
# Not empty-table-header (a best practice, not WCAG): it counts a header cell whose text is a
# formula as empty (axe does not read MathJax's assistive MathML), and a table's empty corner.
AXE_CONTENT_RULES = ["heading-order", "empty-heading", "page-has-heading-one", "image-alt",
                     "role-img-alt", "svg-img-alt", "th-has-data-cells", "td-headers-attr",
                     "td-has-header", "list", "listitem", "definition-list", "dlitem",
                     "link-name", "duplicate-id-aria"]
# What nbconvert writes as the alt text of an image that has none.
NBCONVERT_PLACEHOLDER_ALT = "No description has been provided for this image"
RUN_AXE_JS = """rules => axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => v.id + ' (' + v.nodes.length + '): ' +
                              v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"""


def expected_math(nb):
    """The math expressions of the Markdown cells (fenced code and code spans excluded)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"^(`{3,}|~{3,}).*?^\1\s*$", " ", cell.source, flags=re.M | re.S)
        text = re.sub(r"(`+)(?:(?!\1).)+?\1", " ", text, flags=re.S)
        count += len(reader_edition.MATH_RE.findall(text))
    return count


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The reader notebooks as nbconvert (lab template) HTML, served on loopback with MathJax."""
    if not NOTEBOOKS:
        pytest.fail(f"no reader edition in {READER}: run `make notebooks` first")
    if not (MATHJAX / "tex-chtml.js").exists():
        pytest.fail(f"{MATHJAX} is missing: run `make mathjax` first")
    from nbconvert import HTMLExporter

    root = tmp_path_factory.mktemp("reader-html")
    shutil.copytree(MATHJAX, root / "mathjax")
    exporter = HTMLExporter(template_name="lab")
    for path in NOTEBOOKS:
        with warnings.catch_warnings():
            # the glue records (display=False) have only myst-nb's own MIME type, which no
            # front end renders; nbconvert says so, and leaves them out as JupyterLab does
            warnings.filterwarnings("ignore", "Your element with mimetype", UserWarning)
            body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
        body, n = re.subn(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->",
                          lambda m: MATHJAX_CONFIG, body, flags=re.S)
        assert n == 1, "nbconvert's lab template no longer loads MathJax the way this test expects"
        # require.js (for widgets, which the chapters do not use) would come from a CDN
        body = body.replace(f'<script src="{exporter.require_js_url}"></script>', "")
        (root / f"{path.stem}.html").write_text(body, encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def pages(browser, served):
    """Open every rendered notebook once: {name: results}."""
    results, shots = {}, os.environ.get("READER_SCREENSHOTS")
    for path in NOTEBOOKS:
        context, page, outside = open_page(browser, f"{served}/{path.stem}.html",
                                           viewport={"width": 1100, "height": 900})
        stats = page.evaluate(STATS_JS)
        prose = page.evaluate(PROSE_JS)
        page.evaluate(axe_script())
        axe_violations = page.evaluate(RUN_AXE_JS, AXE_CONTENT_RULES)
        placeholder_alt = page.evaluate(
            "t => [...document.querySelectorAll('.jp-OutputArea img')].filter(i => i.alt === t).length",
            NBCONVERT_PLACEHOLDER_ALT)
        # a solution's content is hidden until its summary is clicked, and shown after
        hidden_before, shown_after = [], []
        for details in page.query_selector_all("details.solution"):
            content = details.query_selector(":scope > :not(summary)")
            hidden_before.append(content is not None and not content.is_visible())
        if page.query_selector("details.solution"):
            first = page.query_selector("details.solution")
            first.query_selector("summary").click()
            content = first.query_selector(":scope > :not(summary)")
            shown_after.append(content is not None and content.is_visible())
            first.query_selector("summary").click()
        if shots:
            pathlib.Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(pathlib.Path(shots) / f"{path.stem}.png"), full_page=False)
        results[path.stem] = dict(stats=stats, prose=prose, outside=outside, axe=axe_violations,
                                  placeholder_alt=placeholder_alt,
                                  hidden_before=hidden_before, shown_after=shown_after,
                                  expected_math=expected_math(nbformat.read(path, as_version=4)))
        context.close()
    return results


@pytest.mark.parametrize("name", NAMES)
def test_mathjax_3_from_the_local_copy_and_nothing_from_elsewhere(pages, name):
    assert str(pages[name]["stats"]["version"]).startswith("3."), pages[name]["stats"]
    assert pages[name]["outside"] == []


@pytest.mark.parametrize("name", NAMES)
def test_all_math_is_typeset_without_errors(pages, name):
    stats, expected = pages[name]["stats"], pages[name]["expected_math"]
    assert expected > 0
    assert stats["typeset"] >= expected, (stats["typeset"], expected)
    assert stats["errors"] == []


@pytest.mark.parametrize("name", NAMES)
def test_no_raw_markup_is_left_in_the_text(pages, name):
    prose = pages[name]["prose"]
    left = [m for m in RAW_MARKUP if m in prose]
    assert left == [], [prose[max(0, prose.find(m) - 60): prose.find(m) + 60] for m in left]


@pytest.mark.parametrize("name", NAMES)
def test_exercises_are_numbered(pages, name):
    chapter = int(re.match(r"\d+", name).group(0))
    titles = pages[name]["stats"]["exercises"]
    assert titles, "no exercise shown"
    numbers = [re.match(r"Exercise (\d+)\.(\d+) \(", t).groups() for t in titles]
    assert numbers == [(str(chapter), str(k)) for k in range(1, len(titles) + 1)]


@pytest.mark.parametrize("name", NAMES)
def test_solutions_are_hidden_until_clicked(pages, name):
    details, result = pages[name]["stats"]["details"], pages[name]
    assert len(details) >= len(result["stats"]["exercises"])
    assert all(not d["open"] and d["summary"].startswith("Solution to Exercise") for d in details)
    assert all(result["hidden_before"]) and len(result["hidden_before"]) == len(details)
    assert result["shown_after"] == [True]


@pytest.mark.parametrize("name", NAMES)
def test_axe_finds_nothing_wrong_with_what_the_book_writes(pages, name):
    assert pages[name]["axe"] == []


def test_reader_figures_have_their_own_alt_text(pages):
    placeholders = {name: r["placeholder_alt"] for name, r in pages.items() if r["placeholder_alt"]}
    assert placeholders == {}
