// Accessibility: the accessible name of each control contains its visible text (WCAG 2.5.3),
// scrolling boxes can be scrolled with the keyboard, and index and bibliography use roles ARIA
// still has. docs/ARCHITECTURE.md ("Accessibility") names the upstream issue each line stands
// in for; checked by tests/browser/test_accessibility.py.
document.addEventListener("DOMContentLoaded", () => {
  const all = (selector, fix) => document.querySelectorAll(selector).forEach(fix);
  // The search field shows "Search Ctrl+K" but is named "Search": name it by what it shows.
  all(".search-button-field[aria-label]", (b) => {
    b.removeAttribute("aria-label");
    b.setAttribute("aria-keyshortcuts", "Control+K");
  });
  // The colour-mode switch is named "Color mode"; its icons are decoration (Font Awesome would
  // turn their titles into text inside the button).
  all(".theme-switch-button .theme-switch", (i) => {
    i.setAttribute("aria-hidden", "true");
    i.removeAttribute("title");  // before Font Awesome's conversion to <svg>, or after it:
    i.removeAttribute("aria-labelledby");
    i.querySelectorAll("title").forEach((t) => t.remove());
  });
  // myst-nb's hidden cells show "Show code cell content" but are named "Toggle hidden content".
  all("details.hide > summary[aria-label]", (s) => s.removeAttribute("aria-label"));
  // docutils marks citations with doc-biblioentry, deprecated in DPUB-ARIA 1.1: use listitem.
  all('[role="doc-biblioentry"]', (e) => e.setAttribute("role", "listitem"));
  // Sphinx lays out its indexes (modules, theorems) as tables without headers.
  all("table.indextable", (t) => t.setAttribute("role", "presentation"));
  // A code, output or equation box that scrolls sideways takes focus, so that the arrow keys
  // scroll it; checked again when a hidden cell or solution opens and when the window resizes.
  const scrolls = (e) => (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1) &&
      getComputedStyle(e).overflow !== "visible";
  const tabStops = () => all(".bd-article :is(pre, .cell_output, .output, div.math, .math-wrapper)", (e) => {
    if (scrolls(e) && e.tabIndex < 0 && e.getClientRects().length) e.setAttribute("tabindex", "0");
  });
  tabStops();
  document.addEventListener("toggle", tabStops, true);
  document.addEventListener("click", () => setTimeout(tabStops, 50));
  window.addEventListener("resize", tabStops);
});
