"""Accessibility of the built site: axe-core at WCAG 2.1 AA, the keyboard, zoom and phones.

- axe-core (the copy bundled in the pinned ``axe-playwright-python`` package, injected from
  the local file; AXE_CORE_JS names another axe.min.js) finds no violation of the rule sets
  wcag2a, wcag2aa, wcag21a and wcag21aa on any page of the site, with every hidden code cell
  and every solution opened (so their content is checked too): every rule in the light colour
  mode, and again the rules about colour in the dark mode (switching modes changes colours
  only, and checking contrast is most of axe's time).
- Tab reaches every control (search, colour-mode switch, launch buttons, the hidden cells'
  and the solutions' toggles) and every focused element shows a focus ring; Enter operates
  each kind of control (tested on one chapter).
- At 200 % zoom (a 1280 px window is then 640 CSS px wide) and at 320 CSS px (WCAG's reflow
  width) the page does not scroll sideways: only code, equation and table boxes may.
- At a phone's width (390 CSS px, mobile viewport) no page of the site scrolls sideways: the
  document is no wider than the screen, and neither is the main content (a wide equation,
  table or code block may scroll inside its own box, never the page or the article).
- Every <img> of the chapters has an alt text that says something: not empty, not a file
  name (``.png``, ``.svg`` ...), not the image's own name.
"""
import pathlib
import re

import pytest
from conftest import HTML, axe_script, open_page

pytestmark = pytest.mark.browser


PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
             has_touch=True)

SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "mathjax", "reports", "_panels_static"}
PAGES = sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
               if not SKIP_DIRS.intersection(p.relative_to(HTML).parts[:-1])
               and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")[:500])
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]

# The page's and the main content's widths, and the elements that stick out of the screen
# without a scrolling box of their own around them (what to fix when the test fails).
WIDTHS_JS = """() => {
  const doc = document.documentElement, vw = doc.clientWidth;
  const main = document.querySelector('#main-content, main, article') || document.body;
  const scrolls = e => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX);
  const contained = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (scrolls(a) && a.getBoundingClientRect().right <= vw + 1) return true;
    }
    return false;
  };
  const offscreen = e => {  // drawers (the sidebars) that slide in, and hidden things
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.position === 'fixed' || style.visibility === 'hidden' || style.display === 'none') return true;
    }
    return false;
  };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      [...e.classList].slice(0, 3).map(c => '.' + c).join('');
  const wide = [...main.querySelectorAll('*')]
      .filter(e => e.getBoundingClientRect().right > vw + 1 && !contained(e) && !offscreen(e))
      .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= vw + 1)
      .slice(0, 5)
      .map(e => name(e) + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ' px): ' +
                (e.textContent || '').trim().slice(0, 60));
  return {viewport: vw, document: doc.scrollWidth, body: document.body.scrollWidth,
          main: main.scrollWidth, mainClient: main.clientWidth, wide};
}"""

IMAGES_JS = """() => [...document.querySelectorAll('img')].map(img => ({
  src: img.getAttribute('src') || '', alt: img.getAttribute('alt')}))"""

FILE_NAME = re.compile(r"\.(png|svg|jpe?g|gif|webp|pdf)\b", re.IGNORECASE)


def alt_problem(src, alt):
    """Why ``alt`` does not describe the image at ``src`` (None when it does)."""
    if alt is None or not alt.strip():
        return "no alt text"
    stem = pathlib.PurePosixPath(src.split("?")[0]).name
    if FILE_NAME.search(alt):
        return "alt text is a file name"
    if alt.strip() in (stem, stem.rsplit(".", 1)[0]):
        return "alt text is the image's name"
    return None


def test_alt_text_check_catches_file_names():
    src = "../_images/a1b2c3.png"
    assert alt_problem(src, "") and alt_problem(src, None) and alt_problem(src, "  ")
    assert alt_problem(src, "a1b2c3.png") and alt_problem(src, "a1b2c3")
    assert alt_problem(src, "_images/other.svg")
    assert alt_problem(src, "Training loss falling from 2.3 to 0.1 over 50 epochs.") is None


# --- axe-core, the keyboard and zoom on a desktop window ------------------------------------
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = dict(viewport={"width": 1280, "height": 900})
# A 1280 x 900 window at 200 % zoom, and WCAG 1.4.10's reflow width (320 CSS px).
ZOOMS = {"200%": (640, 450), "320px": (320, 256)}
MODES = ("light", "dark")


# Record every element that receives focus, whether it shows a focus ring, and list the
# controls that Tab must reach; return how many elements can take focus.
RECORD_FOCUS_JS = """() => {
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      [...e.classList].slice(0, 3).map(c => '.' + c).join('');
  const visibleRing = s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ||
      (s.boxShadow !== 'none' && !/rgba\\([^)]*, 0\\)/.test(s.boxShadow));
  window.__focused = [];
  document.addEventListener('focusin', ev => {
    const e = ev.target;
    window.__focused.push({name: name(e), ring: visibleRing(getComputedStyle(e)), key: e.dataset.a11yKey || null});
  }, true);
  const shown = e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
  const KINDS = {
    'search': '.search-button-field', 'colour mode': '.theme-switch-button',
    'launch buttons': '.dropdown-launch-buttons > button', 'hidden cell': 'details.hide > summary',
    'solution': '.solution .toggle-button, details.solution > summary',
  };
  const controls = [];
  for (const [kind, selector] of Object.entries(KINDS)) {
    document.querySelectorAll(selector).forEach((e, i) => {
      if (!shown(e)) return;
      e.dataset.a11yKey = kind + ' ' + i;
      controls.push(e.dataset.a11yKey);
    });
  }
  const focusable = [...document.querySelectorAll('a[href], button, summary, input, select, textarea, [tabindex]')]
      .filter(e => e.tabIndex >= 0 && !e.disabled && shown(e));
  return {controls, focusable: focusable.length};
}"""

# Open every hidden code cell and every solution, so that axe checks their content too.
OPEN_EVERYTHING_JS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-button.toggle-button-hidden').forEach(b => b.click());
}"""

# Switch the colour mode as the theme's switch does (the theme's CSS keys on data-theme), with
# the theme's colour transitions off so that axe reads the final colours.
SET_MODE_JS = """mode => {
  if (!document.getElementById('no-transitions')) {
    const style = document.createElement('style');
    style.id = 'no-transitions';
    style.textContent = '*, *::before, *::after { transition: none !important; }';
    document.head.appendChild(style);
  }
  document.documentElement.dataset.mode = mode;
  document.documentElement.dataset.theme = mode;
  return getComputedStyle(document.body).backgroundColor;
}"""

# Run axe with the rules of ``tags``; with ``colour_only``, only those about colour (category
# cat.color: contrast, links told apart by colour), the only ones a colour mode can change.
RUN_AXE_JS = """([tags, colourOnly]) => {
  const rules = axe.getRules(tags).filter(r => !colourOnly || r.tags.includes('cat.color'))
      .map(r => r.ruleId);
  return axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']})
    .then(r => ({rules: rules.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 240))}))}));
}"""


def check_page(page):
    """Tab through the page, then run axe in both modes with everything opened, then reflow at
    200 % zoom and at 320 px: return the results (one page load for all of it)."""
    result = {}
    found = page.evaluate(RECORD_FOCUS_JS)
    for _ in range(found["focusable"] + 3):
        page.keyboard.press("Tab")
    result["keyboard"] = dict(found, focused=page.evaluate("window.__focused"))
    page.evaluate(OPEN_EVERYTHING_JS)
    page.wait_for_timeout(500)  # the <details> toggle events, on which a11y.js adds tab stops
    page.evaluate(axe_script())
    for mode in MODES:  # every rule in light mode; in dark mode, the rules about colour
        background = page.evaluate(SET_MODE_JS, mode)
        result[mode] = dict(background=background, **page.evaluate(RUN_AXE_JS, [AXE_TAGS, mode != "light"]))
    page.evaluate(SET_MODE_JS, "light")
    for zoom, (width, height) in ZOOMS.items():
        page.set_viewport_size({"width": width, "height": height})
        result[zoom] = page.evaluate(WIDTHS_JS)
    return result


def violations_report(violations):
    return "\n".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}\n    " +
                     "\n    ".join(v["nodes"][:5]) for v in violations)


def tab_to(page, selector, limit=2000):
    """Press Tab until the focused element matches ``selector``; False if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


# Each kind of control, and what Enter on it must do.
OPERATED_BY_ENTER = [
    ("search", ".search-button-field",
     "() => !!document.querySelector('#pst-search-dialog[open]')"),
    ("colour mode", ".theme-switch-button",
     "before => document.documentElement.dataset.mode !== before"),
    ("launch buttons", ".dropdown-launch-buttons > button",
     "() => !!document.querySelector('.dropdown-launch-buttons .dropdown-menu.show a[href]')"),
    ("hidden cell", "details.hide > summary",
     "() => document.activeElement.parentElement.open === true"),
    ("solution", ".solution .toggle-button",
     "() => !document.activeElement.closest('.solution').classList.contains('toggle-hidden')"),
]


@pytest.mark.parametrize("kind, selector, works", OPERATED_BY_ENTER, ids=[k[0] for k in OPERATED_BY_ENTER])
def test_enter_operates_each_kind_of_control(browser, site_url, kind, selector, works):
    chapter = CHAPTERS[0]
    context, page, _ = open_page(browser, f"{site_url}/{chapter}", **DESKTOP)
    try:
        assert tab_to(page, selector), f"Tab never reaches the {kind} control on {chapter}"
        before = page.evaluate("document.documentElement.dataset.mode")
        page.keyboard.press("Enter")
        page.wait_for_function(works, arg=before, timeout=5_000)
    finally:
        context.close()


# --- the checks of each page ------------------------------------------------------------------
def test_the_site_has_chapter_pages():
    assert CHAPTERS, f"no chapter pages were built in {HTML}"


@pytest.fixture(scope="session")
def loaded_pages(tmp_path_factory, worker_id):
    """A folder that every worker of this run shares (the xdist documentation's recipe).
    Each page's load leaves a file there, so that a page loaded twice in one run (both
    workers doing the same work, as when the pages were not shared out) fails its tests."""
    base = tmp_path_factory.getbasetemp()
    folder = (base if worker_id == "master" else base.parent) / "pages-loaded"
    folder.mkdir(exist_ok=True)
    return folder


def load_once(folder, name, how):
    """Record that this worker loads page ``name`` ``how``; fail if it was loaded so before."""
    try:
        (folder / f"{how} {name.replace('/', ' ')}").touch(exist_ok=False)
    except FileExistsError:
        pytest.fail(f"{name} was already loaded {how} in this run, by another worker or class: "
                    "each page must be one unit of work (make browser: --dist loadscope)")


@pytest.fixture(scope="class")
def on_a_phone(request, browser, site_url, loaded_pages):
    """(widths, images) of the class's page at 390 px, after MathJax has typeset it (display
    math is what grows widest)."""
    load_once(loaded_pages, request.cls.name, "on a phone")
    context, page, _ = open_page(browser, f"{site_url}/{request.cls.name}", **PHONE)
    try:
        return page.evaluate(WIDTHS_JS), page.evaluate(IMAGES_JS)
    finally:
        context.close()


@pytest.fixture(scope="class")
def on_a_desktop(request, browser, site_url, loaded_pages):
    """check_page(...) of the class's page in a 1280 px window, and the requests it made that
    were refused (none may leave the machine)."""
    load_once(loaded_pages, request.cls.name, "on a desktop")
    context, page, outside = open_page(browser, f"{site_url}/{request.cls.name}", **DESKTOP)
    try:
        return dict(check_page(page), outside=list(outside))
    finally:
        context.close()


class PageChecks:
    """Every check of one page, on one load of it at a phone's width and one on a desktop.

    The module makes a subclass of this (or of ChapterChecks) for each page of the site (at
    the end of the file). ``make browser`` runs with ``--dist loadscope``, for which a class is
    one unit of work: each page is loaded on one worker only, and the pages are shared out
    between the workers (axe on a long chapter takes half a minute). The xdist_group marks of
    ``--dist loadgroup`` would say the same, but they stopped grouping anything with pytest
    9.2 (pytest-xdist issue #1386), and then both workers loaded every page."""

    name = None  # the page, relative to the site's root

    def test_no_page_scrolls_sideways_on_a_phone(self, on_a_phone):
        w = on_a_phone[0]
        assert w["viewport"] == 390, w
        assert w["document"] <= w["viewport"] + 1, w
        assert w["body"] <= w["viewport"] + 1, w
        assert w["main"] <= w["mainClient"] + 1, w

    @pytest.mark.parametrize("mode", MODES)
    def test_axe_finds_no_wcag_21_aa_violation(self, on_a_desktop, mode):
        violations = on_a_desktop[mode]["violations"]
        assert violations == [], f"{mode} mode:\n" + violations_report(violations)

    def test_both_colour_modes_were_checked(self, on_a_desktop):
        """The mode switch took effect (the page's background differs between the two
        modes), and axe ran its rules: all of WCAG 2.1 AA in light mode, those about colour in
        dark mode."""
        result = on_a_desktop
        assert result["light"]["background"] != result["dark"]["background"]
        assert result["light"]["rules"] >= 50 and 2 <= result["dark"]["rules"] < 10
        assert result["outside"] == []

    def test_tab_reaches_every_control_with_a_visible_focus_ring(self, on_a_desktop):
        keyboard = on_a_desktop["keyboard"]
        reached = {f["key"] for f in keyboard["focused"] if f["key"]}
        assert [c for c in keyboard["controls"] if c not in reached] == []
        assert {c.split(" ")[0] for c in keyboard["controls"]} >= {"search", "colour"}
        no_ring = sorted({f["name"] for f in keyboard["focused"] if not f["ring"]})
        assert no_ring == [], f"{len(no_ring)} elements show no focus ring"

    @pytest.mark.parametrize("zoom", ZOOMS)
    def test_no_sideways_scrolling_at_200_percent_zoom_or_320_px(self, on_a_desktop, zoom):
        w = on_a_desktop[zoom]
        assert w["viewport"] <= ZOOMS[zoom][0], w
        assert w["document"] <= w["viewport"] + 1, w
        assert w["body"] <= w["viewport"] + 1, w
        assert w["main"] <= w["mainClient"] + 1, w
        assert w["wide"] == [], w


class ChapterChecks(PageChecks):
    """A chapter's checks: a page's, and its figures and its controls."""

    def test_every_image_has_a_meaningful_alt_text(self, on_a_phone):
        images = on_a_phone[1]
        bad = [(img["src"], img["alt"], why) for img in images
               if (why := alt_problem(img["src"], img["alt"]))]
        assert bad == [], f"{len(bad)} of {len(images)} images"

    def test_each_chapter_has_figures_to_check(self, on_a_phone):
        figures = [img for img in on_a_phone[1] if "_images/" in img["src"]]
        assert figures, "the chapter's figures were not found as <img>"

    def test_each_chapter_has_every_kind_of_control(self, on_a_desktop):
        kinds = {c.rsplit(" ", 1)[0] for c in on_a_desktop["keyboard"]["controls"]}
        assert kinds == {"search", "colour mode", "launch buttons", "hidden cell", "solution"}


for _name in PAGES:  # Test_chapters_01_what_is_a_neural_network, ...
    _cls = type("Test_" + re.sub(r"\W", "_", _name.removesuffix(".html")),
                (ChapterChecks if _name in CHAPTERS else PageChecks,),
                {"name": _name, "__doc__": f"The checks of {_name}."})
    # two pages whose names differ only in punctuation would share a class: one untested
    assert _cls.__name__ not in globals(), f"{_name} and another page map to {_cls.__name__}"
    globals()[_cls.__name__] = _cls
