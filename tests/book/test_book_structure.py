"""The book's own rules, checked: every chapter has the shape CONTRIBUTING.md asks for.

These fail when a chapter is missing from the table of contents, lacks the setup
cell that makes it run on Colab, has fewer than four exercises or an exercise
without a solution, is committed unexecuted or with an error, or when the
repository URL disagrees between the files that carry it, or when a chapter's code
does not fit the page (a line wider than 79 characters) or shows the book's plumbing (a
``glue`` call in a code cell that the website shows).
"""
import json
import pathlib
import re
import shutil
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import set_repo_url  # noqa: E402
import setup_cell  # noqa: E402
import myst  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
IDS = [p.stem for p in CHAPTERS]
REPO_URL = set_repo_url.current_url(ROOT)
SETUP_CELL = setup_cell.setup_cell(REPO_URL)


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"])


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [c["file"] for part in toc["parts"] for c in part["chapters"]]


def test_there_are_chapters():
    assert len(CHAPTERS) >= 2


def test_toc_lists_exactly_the_chapters():
    listed = {f for f in _toc_files() if f.startswith("chapters/")}
    assert listed == {f"chapters/{p.stem}" for p in CHAPTERS}


def test_chapters_are_in_numbered_order_in_the_toc():
    listed = [f for f in _toc_files() if f.startswith("chapters/")]
    assert listed == sorted(listed)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_chapter_opens_with_label_title_and_objectives(path):
    first = _source(_load(path)["cells"][0])
    assert re.match(r"^\(ch-[a-z0-9-]+\)=\n# \S", first), first[:80]
    text = "\n".join(_source(c) for c in _load(path)["cells"][:3] if c["cell_type"] == "markdown")
    assert "Learning objectives" in text


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_first_code_cell_is_the_setup_cell(path):
    code = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
    assert _source(code[0]).startswith(SETUP_CELL)
    assert "hide-cell" in code[0].get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_at_least_four_exercises_each_with_a_solution(path):
    found = [d for _, d in myst.notebook_directives(_load(path))]
    exercises = [d.options.get("label") for d in found if d.name == "exercise"]
    solutions = [d.arg for d in found if d.name in ("solution", "solution-start")]
    assert len(exercises) >= 4, exercises
    assert sorted(exercises) == sorted(solutions)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_committed_executed_in_order_without_errors(path):
    code = [c for c in _load(path)["cells"] if c["cell_type"] == "code" and _source(c).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", _source(cell)[:200]
            if out.get("name") == "stderr":
                assert "Warning" not in "".join(out["text"]), "".join(out["text"])[:200]


@pytest.mark.parametrize("name", ["README.md", "CITATION.cff", "pyproject.toml", "CONTRIBUTING.md"])
def test_repository_url_agrees_everywhere(name):
    assert REPO_URL in (ROOT / name).read_text(encoding="utf-8")


def test_set_repo_url_rewrites_every_copy(tmp_path):
    for name in [*set_repo_url.FILES, "_toc.yml"]:
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters", ignore=shutil.ignore_patterns(".*"))
    new = "https://github.com/someone/some-book"
    changed = set_repo_url.set_repo_url(new, tmp_path)
    assert set_repo_url.current_url(tmp_path) == new
    assert len(changed) >= 4 + len(CHAPTERS)
    for path in set_repo_url.files_to_rewrite(tmp_path):
        assert REPO_URL not in path.read_text(encoding="utf-8"), path.name
    with pytest.raises(ValueError, match="new_url"):
        set_repo_url.set_repo_url("not a url", tmp_path)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_front_page_links_every_chapter(path):
    assert f"{{doc}}`chapters/{path.stem}`" in (ROOT / "intro.md").read_text(encoding="utf-8")


def _inline_math_line_breaks(text):
    """Lines that start with "+ ", "- " or "* " while an inline $...$ is open.

    Markdown reads such a line as a list item even inside $...$, so the formula is cut in
    two and shows as raw TeX on the website and in the PDF. Display math is not affected.
    """
    found, in_display, open_inline = [], False, False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("$$"):
            in_display ^= stripped.count("$$") == 1
            continue
        if in_display:
            continue
        if not stripped:
            open_inline = False
            continue
        if open_inline and re.match(r"[-+*]\s", stripped):
            found.append(f"line {number}: {stripped[:60]}")
        if len(re.findall(r"(?<![\\$])\$(?!\$)", line)) % 2:
            open_inline = not open_inline
    return found


def test_inline_math_detector_finds_a_planted_break():
    assert _inline_math_line_breaks("the step $w \\leftarrow w\n- \\eta u$.") == ["line 2: - \\eta u$."]
    assert _inline_math_line_breaks("the step $w \\leftarrow w -\n\\eta u$.\n\n- a list item") == []


@pytest.mark.parametrize("path", [*CHAPTERS, *sorted((ROOT / "appendices").glob("*.md")), ROOT / "intro.md"],
                         ids=lambda p: p.stem)
def test_no_inline_formula_is_cut_by_a_list_marker(path):
    if path.suffix == ".ipynb":
        texts = [_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown"]
    else:
        texts = [path.read_text(encoding="utf-8")]
    breaks = [b for text in texts for b in _inline_math_line_breaks(text)]
    assert not breaks, f"a line inside $...$ starts with a list marker (join it to the line above): {breaks}"


# --- code a reader sees: it fits the page and holds no plumbing ---------------------------
#: The site's code column shows 79 characters (PEP 8's limit); longer lines scroll sideways.
MAX_CODE_WIDTH = 79
GLUE_CALL = re.compile(r"\bglue\(")  # also nnlib.glue(, not my_glue(


PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _code_lines(cell):
    """The code a reader sees in a cell: a code cell's source, a Markdown cell's Python blocks."""
    if cell["cell_type"] == "code":
        return _source(cell).splitlines()
    if cell["cell_type"] == "markdown":
        return [line for block in PYTHON_BLOCK.findall(_source(cell)) for line in block.splitlines()]
    return []


def too_wide(notebook, width=MAX_CODE_WIDTH):
    """``(cell id or index, line)`` of every code line wider than ``width``, in code cells
    and in the Python blocks of Markdown cells (the solutions' code)."""
    return [(cell.get("id", i), line)
            for i, cell in enumerate(notebook["cells"])
            for line in _code_lines(cell) if len(line) > width]


def visible_glue(notebook):
    """``(cell id or index, line)`` of every ``glue(`` call in a code cell the site shows."""
    return [(cell.get("id", i), line)
            for i, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code"
            and "remove-cell" not in cell.get("metadata", {}).get("tags", [])
            for line in _source(cell).splitlines() if GLUE_CALL.search(line)]


def _cell(source, tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": source,
            "outputs": [], "execution_count": None}


def test_the_code_checks_find_planted_faults():
    wide = "x = 1" + " " * 70 + "# a comment"  # 86 characters
    glued = 'glue("key", 1, display=False)'
    notebook = {"cells": [_cell(["y = 2\n", wide]), _cell(glued), _cell(glued, ["remove-cell"]),
                          _cell("nnlib.glue(1)\nmy_glue(2)"), _cell("x" * 79),
                          {"cell_type": "markdown", "source": f"Text {wide}\n```python\n{wide}\n```"}]}
    assert too_wide(notebook) == [(0, wide), (5, wide)]
    assert visible_glue(notebook) == [(1, glued), (3, "nnlib.glue(1)\nmy_glue(2)".split("\n")[0])]


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_code_lines_fit_the_page(path):
    assert too_wide(_load(path)) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_glue_calls_live_in_cells_the_site_removes(path):
    assert visible_glue(_load(path)) == []


# A file of this repository named in the prose, in backticks: `tests/nnlib/test_gru.py`.
REPO_PATH = re.compile(r"`((?:[\w.-]+/)+[\w.-]+\.(?:py|md|yml|toml|cfg|json|npz|txt))`")
PROSE_FILES = CHAPTERS + sorted((ROOT / "appendices").glob("*.md")) + [ROOT / "intro.md"]


def named_paths(text):
    return sorted(set(REPO_PATH.findall(text)))


def _prose(path):
    if path.suffix != ".ipynb":
        return path.read_text(encoding="utf-8")
    return "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown")


def test_the_path_finder_sees_paths_and_only_paths():
    text = "see `tests/nnlib/test_gru.py`, `a/b.npz` and `nnlib.gru.GRU` or `x.py`"
    assert named_paths(text) == ["a/b.npz", "tests/nnlib/test_gru.py"]


@pytest.mark.parametrize("path", PROSE_FILES, ids=[p.stem for p in PROSE_FILES])
def test_files_the_prose_names_exist(path):
    """Tests and tools move; a chapter that sends a reader to a missing file is a broken link."""
    assert [p for p in named_paths(_prose(path)) if not (ROOT / p).exists()] == []
