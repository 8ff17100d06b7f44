// Accessibility: the accessible name of each control contains its visible text (WCAG 2.5.3),
// and the bibliography uses roles ARIA still has. docs/ARCHITECTURE.md ("Accessibility")
// names the upstream issue each line stands in for; checked by tests/browser.
document.addEventListener("DOMContentLoaded", () => {
  const all = (selector, fix) => document.querySelectorAll(selector).forEach(fix);
  // The search field shows "Search Ctrl+K" but is named "Search": name it by what it shows.
  all(".search-button-field[aria-label]", (b) => {
    b.removeAttribute("aria-label");
    b.setAttribute("aria-keyshortcuts", "Control+K");
  });
  // The colour-mode switch is named "Color mode"; its icons are decoration.
  all(".theme-switch-button .theme-switch", (i) => i.setAttribute("aria-hidden", "true"));
  // myst-nb's hidden cells show "Show code cell content" but are named "Toggle hidden content".
  all("details.hide > summary[aria-label]", (s) => s.removeAttribute("aria-label"));
  // docutils marks citations with doc-biblioentry, deprecated in DPUB-ARIA 1.1: use listitem.
  all('[role="doc-biblioentry"]', (e) => e.setAttribute("role", "listitem"));
});
