"""Check the book's PDF (``make pdf``: _build/pdf/book.pdf, or the file in BOOK_PDF).

Read with pypdf (text, fonts and outline), and compared with the sources (_toc.yml, the
chapters, references.bib), so the expected titles and numbers are not typed here:

- it has a sane number of A4 pages and an outline (bookmarks) with every chapter and appendix,
  each chapter's bookmark leading to the page where its title is printed;
- every chapter and appendix title is in the text;
- math was typeset (MathJax's fonts are embedded) and no raw TeX (``\\frac``, ``$$``,
  ``\\begin{``, any ``\\command``) or unparsed MyST (``{eq}``, ``{glue``, a code fence) is
  left in the prose, i.e. in all text outside code (code is set in a monospace font and may
  quote TeX on purpose);
- every chapter's numbered equations and figures carry their numbers ("(3.1)", "Fig. 3.1");
- the bibliography lists the first author of every work the chapters cite.

Not part of the unit tests that run before the book is built: marked ``pdf`` (``make unit``
deselects it; ``make pdf-test`` runs it). Without a PDF it is skipped, except in CI
(``CI`` set), where a missing PDF fails like the browser tests do.
"""
import json
import os
import pathlib
import re
import sys
import unicodedata

import pytest

pytestmark = pytest.mark.pdf

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import myst  # noqa: E402
PDF = pathlib.Path(os.environ.get("BOOK_PDF", ROOT / "_build" / "pdf" / "book.pdf"))

MIN_PAGES, MAX_PAGES = 100, 1500
RAW_TEX = ("\\frac", "$$", "\\begin{", "\\end{", "\\mathbf{", "\\(", "\\[")
RAW_MYST = ("{eq}", "{glue", "```", "{numref}", "{ref}", "{doc}", "{cite", "{prf:", "{term}",
            "{py:", ":::", "{figure}", "{math}")


def squash(text):
    """Text compared without whitespace, case, ligatures or typographic quotes (PDF text
    extraction joins and splits words where lines break)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", "", text).lower()


# --- what the sources say --------------------------------------------------------------------
def toc_documents():
    """(path, numbered) for every document of _toc.yml after the front page, in order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    docs = []
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            docs.append((chapter["file"], bool(part.get("numbered"))))
    return docs


def source_of(doc):
    """The Markdown of a document: a .md file, or a notebook's Markdown cells."""
    md = ROOT / f"{doc}.md"
    if md.exists():
        return md.read_text(encoding="utf-8")
    nb = json.loads((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"))
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def title_of(doc):
    """The document's first-level heading, with MyST markup removed."""
    heading = next(line[2:] for line in source_of(doc).splitlines() if line.startswith("# "))
    heading = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"\1", heading)  # {{nnlib}} substitution
    return heading.replace("`", "").strip()


def numbered_figures(doc):
    """How many numbered figures the document has (notebook figures and figure directives)."""
    count = sum(d.name == "figure" for d in myst.directives(source_of(doc)))
    path = ROOT / f"{doc}.ipynb"
    if path.exists():
        nb = json.loads(path.read_text(encoding="utf-8"))
        count += sum(1 for c in nb["cells"] if c["cell_type"] == "code"
                     and "figure" in c.get("metadata", {}).get("mystnb", {}))
    return count


def labelled_equations(doc):
    """How many numbered equations: $$ ... $$ (label) and {math} directives with a label."""
    text = source_of(doc)
    return (sum(b.kind == "math" and bool(b.name) for b in myst.all_blocks(text))
            + sum(d.name == "math" and "label" in d.options for d in myst.directives(text)))


def cited_keys():
    keys = set()
    for doc, _ in toc_documents():
        for name, content in myst.roles(source_of(doc)):
            if name in ("cite", "cite:p", "cite:t"):
                keys.update(k.strip() for k in content.split(","))
    return keys


def first_author_surnames():
    """{key: first author's surname} from references.bib (the 'Surname, Given' or
    'Given Surname' form)."""
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    authors = {}
    for entry in re.split(r"\n@", "\n" + bib)[1:]:
        key = re.match(r"\w+\s*\{\s*([^,\s]+)", entry)
        author = re.search(r"\bauthor\s*=\s*[{\"](.+?)[}\"]\s*,?\s*\n", entry, re.DOTALL)
        if key and author:
            first = re.split(r"\s+and\s+", " ".join(author.group(1).split()))[0]
            surname = first.split(",")[0] if "," in first else first.split()[-1]
            authors[key.group(1)] = surname.strip("{}")
    return authors


# --- what the PDF says -----------------------------------------------------------------------
def read_pages(path, first, stop):
    """(text, text outside code, font names) of pages first..stop-1 (run in a worker)."""
    import pypdf

    reader = pypdf.PdfReader(path)
    pages, prose, fonts = [], [], set()
    for page in reader.pages[first:stop]:
        prose_parts = []

        def keep_prose(text, cm, tm, font, size, parts=prose_parts):
            name = str((font or {}).get("/BaseFont", ""))
            fonts.add(name)
            if "mono" not in name.lower():
                parts.append(text)

        pages.append(page.extract_text(visitor_text=keep_prose))
        prose.append("".join(prose_parts))
    return pages, prose, fonts


@pytest.fixture(scope="module")
def book():
    """Pages' text (all, and without code), fonts and the outline of the PDF, read once
    (the pages in parallel: extracting the text of 400 pages takes a CPU minute)."""
    if not PDF.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must check the PDF, but {PDF} does not exist: run `make pdf`")
        pytest.skip(f"{PDF} does not exist: run `make pdf` to check it")
    import concurrent.futures
    import multiprocessing

    import pypdf

    reader = pypdf.PdfReader(PDF)
    n = len(reader.pages)
    workers = max(1, min(4, os.cpu_count() or 1))
    bounds = [n * i // workers for i in range(workers + 1)]
    with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(read_pages, [str(PDF)] * workers, bounds[:-1], bounds[1:]))
    pages = [text for part in parts for text in part[0]]
    prose = [text for part in parts for text in part[1]]
    fonts = set().union(*(part[2] for part in parts))

    def walk(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item)

    return dict(pages=pages, prose=prose, fonts=fonts, outline=list(walk(reader.outline)),
                size=[float(x) for x in reader.pages[0].mediabox[2:]])


@pytest.fixture(scope="module")
def chapters(book):
    """{document: (first page, last page + 1)} from the outline, in reading order."""
    docs = [doc for doc, _ in toc_documents()]
    # The book's title is the outline's root; chapters and appendices are its children, with
    # their titles exactly as printed ("3. Activation functions", "Bibliography").
    top = [(squash(text), page) for depth, text, page in book["outline"] if depth == 1]
    starts, number = {}, 0
    for doc, numbered in toc_documents():
        number += numbered
        title = squash(f"{number}. {title_of(doc)}" if numbered else title_of(doc))
        hits = [page for text, page in top if text == title]
        starts[doc] = hits[0] if hits else None
    missing = [doc for doc, page in starts.items() if page is None]
    assert missing == [], f"no bookmark for {missing} in {[text for text, _ in top]}"
    bounds = [starts[doc] for doc in docs] + [len(book["pages"])]
    return {doc: (bounds[i], bounds[i + 1]) for i, doc in enumerate(docs)}


def text_of(book, chapters, doc, key="pages"):
    first, stop = chapters[doc]
    return "\n".join(book[key][first:max(stop, first + 1)])


def test_page_count_and_size_are_sane(book):
    assert MIN_PAGES <= len(book["pages"]) <= MAX_PAGES, len(book["pages"])
    width_mm, height_mm = (x / 72 * 25.4 for x in book["size"])
    assert (round(width_mm), round(height_mm)) == (210, 297), "not A4"


def test_outline_has_every_chapter_in_reading_order(book, chapters):
    starts = [chapters[doc][0] for doc, _ in toc_documents()]
    assert starts == sorted(starts), starts
    assert len(book["outline"]) > 3 * len(starts), "the outline should reach the sections too"


@pytest.mark.parametrize("doc", [doc for doc, _ in toc_documents()])
def test_every_title_is_printed_where_its_bookmark_leads(book, chapters, doc):
    assert squash(title_of(doc)) in squash(book["pages"][chapters[doc][0]])


def test_math_is_typeset_by_mathjax(book):
    # MathJax's CHTML fonts are embedded as Type 3 fonts without a name; DejaVu is the text.
    assert any(name in ("", "None") for name in book["fonts"]), sorted(book["fonts"])
    assert any("Mono" in name for name in book["fonts"]), "no monospace font: is code printed?"


@pytest.mark.parametrize("marker", RAW_TEX + RAW_MYST)
def test_no_raw_tex_or_myst_in_the_prose(book, marker):
    hits = [(i + 1, text[max(0, text.find(marker) - 60): text.find(marker) + 60])
            for i, text in enumerate(book["prose"]) if marker in text]
    assert hits == [], f"{marker!r} on {len(hits)} page(s), first: {hits[:3]}"


TEX_COMMAND = re.compile(r"\\[A-Za-z]{2,}|\$\\")


def test_no_tex_command_in_the_prose(book):
    """Math that MyST did not parse (e.g. a line inside $...$ that starts with "+ " or "- "
    and so begins a list) is printed raw: any backslash command left in the prose."""
    hits = [(i + 1, text[max(0, m.start() - 60): m.end() + 40]) for i, text in enumerate(book["prose"])
            for m in [TEX_COMMAND.search(text)] if m]
    assert hits == [], f"TeX on {len(hits)} page(s): {hits[:5]}"


def test_raw_markers_would_be_found():
    planted = "as $$ x $$ shows, {eq}`eq-x` and {glue:text}`k` and ```{math} \\frac{1}{2}"
    assert [m for m in RAW_TEX + RAW_MYST if m in planted]
    assert TEX_COMMAND.search("with $\\mathbf{u}^\\top") and TEX_COMMAND.search("a \\tilde{w}")
    assert not TEX_COMMAND.search("costs $5, or C:\\ on Windows")
    assert squash("The  Mathematics\nBehind") == squash("the mathematics behind")


NUMBERED = [(i + 1, doc) for i, (doc, numbered) in
            enumerate(d for d in toc_documents() if d[1])]


@pytest.mark.parametrize("number,doc", NUMBERED)
def test_equations_are_numbered(book, chapters, number, doc):
    n = labelled_equations(doc)
    if n == 0:
        pytest.skip(f"{doc} has no numbered equation")
    text = squash(text_of(book, chapters, doc))
    missing = [k for k in range(1, n + 1) if f"({number}.{k})" not in text]
    assert missing == [], f"equations ({number}.k) missing for k in {missing} of {n}"


@pytest.mark.parametrize("number,doc", NUMBERED)
def test_figures_are_numbered(book, chapters, number, doc):
    n = numbered_figures(doc)
    if n == 0:
        pytest.skip(f"{doc} has no figure")
    text = squash(text_of(book, chapters, doc))
    missing = [k for k in range(1, n + 1) if f"fig.{number}.{k}" not in text]
    assert missing == [], f"Fig. {number}.k missing for k in {missing} of {n}"


def test_bibliography_lists_every_cited_work(book, chapters):
    surnames = first_author_surnames()
    keys = cited_keys()
    assert keys, "no {cite} in the chapters?"
    unknown = sorted(keys - surnames.keys())
    assert unknown == [], f"cited but without an author in references.bib: {unknown}"
    bibliography = squash(text_of(book, chapters, "bibliography"))
    missing = sorted({surnames[k] for k in keys if squash(surnames[k]) not in bibliography})
    assert missing == [], f"first authors missing from the printed bibliography: {missing}"
