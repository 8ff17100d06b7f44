"""Run the code shown in the chapters' exercise solutions, so that it cannot go stale.

A chapter's ``{solution}`` directive (a Markdown cell, so nbval never runs it) may show
a self-checking ```` ```python ```` block. This test extracts every such block from every
chapter and executes it in a fresh namespace after the chapter's setup cell (the cell
tagged ``hide-cell``: the book's imports). A solution's code must therefore run on its
own after the chapter's imports, and assert what the text claims.
"""
import pathlib
import sys

import matplotlib
import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
sys.path.insert(0, str(ROOT / "tools"))
import myst  # noqa: E402


def solution_blocks(markdown):
    """Yield (label, code) for each ``{solution}`` directive in a Markdown string: its
    ```` ```python ```` blocks (tools/myst.py reads the directive and the fences in it)."""
    for directive in myst.directives(markdown):
        if directive.name == "solution":
            content = "\n".join(directive.content)
            lines = content.split("\n")
            code = [lines[b.start + 1:b.end - 1] for b in myst.blocks(content)
                    if b.kind == "fence" and b.arg == "python"]
            yield directive.arg, "".join("\n".join(block) + "\n" for block in code)


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
            for label, code in solution_blocks(cell.source):
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
    [(label, code)] = solution_blocks(markdown)
    assert label == "ex-a" and code == "x = 1\n"
