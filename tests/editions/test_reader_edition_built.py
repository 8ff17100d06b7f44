"""The real reader edition, written by `make notebooks` (marked `built`: `make reader-tests`).

It must exist: these tests fail, never skip, when the edition or the site is missing.
"""
import os
import pathlib
import re
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import myst  # noqa: E402
import reader_edition as re_  # noqa: E402
from reader_index import site_url  # noqa: E402
from set_repo_url import current_url  # noqa: E402
from test_reader_edition import code_cells  # noqa: E402

pytestmark = pytest.mark.built


# --- the real edition (after `make notebooks`) -------------------------------------------------
READER = pathlib.Path(os.environ.get("READER_EDITION", ROOT / "_notebooks" / "chapters"))
BUILD_HTML = pathlib.Path(os.environ.get("READER_BUILD", ROOT / "_build")) / "html"
READER_NOTEBOOKS = sorted(READER.glob("*.ipynb"))
SOURCES = ROOT / "chapters"


def _source_of(path):
    return nbformat.read(SOURCES / path.name, as_version=4)


def test_reader_edition_has_every_chapter():
    assert BUILD_HTML.is_dir(), f"no site in {BUILD_HTML}: run `make notebooks`"
    assert [p.name for p in READER_NOTEBOOKS] == sorted(p.name for p in SOURCES.glob("*.ipynb"))


@pytest.mark.parametrize("path", READER_NOTEBOOKS, ids=lambda p: p.stem)
def test_real_reader_notebook(path):
    reader, source = nbformat.read(path, as_version=4), _source_of(path)
    markdown = "\n\n".join(c.source for c in reader.cells if c.cell_type == "markdown")
    # no MyST syntax survives, and no glue record
    assert "application/papermill" not in nbformat.writes(reader)
    assert myst.leftovers(markdown) == []
    # code cells and outputs unchanged
    assert code_cells(reader) == code_cells(source)
    # every glue key of the source resolves in its executed outputs
    glue = re_.glue_data(source)
    roles = [content for c in source.cells if c.cell_type == "markdown"
             for name, content in myst.roles(c.source) if name == "glue:text"]
    keys = [k.rsplit(":", 1)[0] if ":" in k else k for k in roles]
    assert keys
    assert [k for k in keys if "::" not in k and k not in glue] == []
    # exercises numbered N.1, N.2, ... as many as the source has
    chapter = int(re.match(r"\d+", path.name).group(0))
    numbers = re.findall(r"\*\*Exercise (\d+)\.(\d+) \(", markdown)
    assert len(numbers) == len(myst.notebook_directives(source, "exercise")) > 0
    assert numbers == [(str(chapter), str(k)) for k in range(1, len(numbers) + 1)]
    # every solution inside a closed <details>, with the blank lines Jupyter needs
    n_solutions = sum(d.name in ("solution", "solution-start") for _, d in myst.notebook_directives(source))
    blocks = re.findall(r'<details class="solution">\n<summary>Solution to Exercise [\d.]+[^<]*</summary>\n\n.*?\n\n</details>',
                        markdown, re.S)
    assert markdown.count("<details") == markdown.count("</details>") >= n_solutions
    assert len(blocks) == markdown.count("<details")


@pytest.mark.parametrize("path", READER_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_link_points_to_an_anchor_of_the_built_site(path):
    site = site_url(current_url(ROOT))
    markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    links = re.findall(r"\]\((" + re.escape(site) + r"[^)\s]*)\)", markdown)
    assert links
    pages = {}
    for link in links:
        page, _, anchor = link[len(site):].partition("#")
        html_path = BUILD_HTML / page
        assert html_path.exists(), link
        if anchor:
            text = pages.setdefault(page, html_path.read_text(encoding="utf-8"))
            assert f'id="{anchor}"' in text, link


@pytest.mark.parametrize("path", READER_NOTEBOOKS, ids=lambda p: p.stem)
def test_the_sites_download_button_serves_the_reader_edition(path):
    served = BUILD_HTML / "_sources" / "chapters" / path.name
    assert served.read_bytes() == path.read_bytes()
