"""Open the built site as a phone does, and check every figure's alt text.

- At a phone's width (390 CSS px, mobile viewport) no page of the site scrolls sideways: the
  document is no wider than the screen, and neither is the main content (a wide equation,
  table or code block may scroll inside its own box, never the page or the article).
- Every <img> of the chapters has an alt text that says something: not empty, not a file
  name (``.png``, ``.svg`` ...), not the image's own name.
"""
import pathlib
import re

import pytest
from conftest import HTML, open_page

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


@pytest.fixture(scope="module")
def on_a_phone(browser, site_url):
    """{page: (widths, images)} at 390 px for every page of the site, each loaded once (after
    MathJax has typeset it: display math is what grows widest)."""
    assert CHAPTERS, "no chapter pages were built"
    results = {}
    for name in PAGES:
        context, page, _ = open_page(browser, f"{site_url}/{name}", **PHONE)
        results[name] = (page.evaluate(WIDTHS_JS), page.evaluate(IMAGES_JS))
        context.close()
    return results


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(on_a_phone, name):
    w = on_a_phone[name][0]
    assert w["viewport"] == 390, w
    assert w["document"] <= w["viewport"] + 1, w
    assert w["body"] <= w["viewport"] + 1, w
    assert w["main"] <= w["mainClient"] + 1, w


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


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_image_has_a_meaningful_alt_text(on_a_phone, name):
    images = on_a_phone[name][1]
    bad = [(img["src"], img["alt"], why) for img in images
           if (why := alt_problem(img["src"], img["alt"]))]
    assert bad == [], f"{len(bad)} of {len(images)} images"


def test_the_chapters_have_figures_to_check(on_a_phone):
    figures = [img for name in CHAPTERS for img in on_a_phone[name][1] if "_images/" in img["src"]]
    assert len(figures) >= len(CHAPTERS), "the chapters' figures were not found as <img>"
