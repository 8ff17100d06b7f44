"""Run the code shown in the chapters' exercise solutions, so that it cannot go stale.

A chapter's ``{solution}`` directive (a Markdown cell, so nbval never runs it) may show
a self-checking ```` ```python ```` block. This test extracts every such block from every
chapter and executes it in a fresh namespace after the chapter's setup cell (the cell
tagged ``hide-cell``: the book's imports). A solution's code must therefore run on its
own after the chapter's imports, and assert what the text claims.
"""
import pathlib
import re

import matplotlib
import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

CHAPTERS = pathlib.Path(__file__).resolve().parents[2] / "chapters"
OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution\}\s*(?P<label>\S+)")
CODE = re.compile(r"^```python\n(?P<code>.*?)^```$", re.M | re.S)


def solution_blocks(markdown):
    """Yield (label, text) for each ``{solution}`` directive in a Markdown string."""
    label, fence, body = None, None, []
    for line in markdown.splitlines(keepends=True):
        if fence is None:
            match = OPEN.match(line.lstrip())
            if match:
                label, fence, body = match["label"], match["fence"], []
        elif line.strip() == fence:
            yield label, "".join(body)
            fence = None
        else:
            body.append(line)


def setup_code(notebook):
    """The chapter's setup cell as plain Python (its ``%pip`` line becomes a function call)."""
    setup = [c.source for c in notebook.cells if "hide-cell" in c.metadata.get("tags", [])]
    return TransformerManager().transform_cell(setup[0]) if setup else ""


def solution_snippets():
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type != "markdown":
                continue
            for label, text in solution_blocks(cell.source):
                code = "\n".join(m["code"] for m in CODE.finditer(text))
                if code:
                    yield pytest.param(setup_code(notebook), code, id=f"{path.stem}::{label}")


@pytest.mark.parametrize("setup, code", list(solution_snippets()))
def test_solution_code_runs_and_its_checks_pass(setup, code):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespace = {}
    exec(compile(setup, "<setup cell>", "exec"), namespace)
    exec(compile(code, "<solution>", "exec"), namespace)
    plt.close("all")


def test_the_extractor_finds_nested_code():
    markdown = "````{solution} ex-a\n:class: dropdown\n\nText.\n\n```python\nx = 1\n```\n````\n"
    [(label, text)] = solution_blocks(markdown)
    assert label == "ex-a" and CODE.search(text)["code"] == "x = 1\n"
