"""Write a student edition of the chapters: ``python tools/student_edition.py [--reader] SRC DST``.

``make student`` builds it from the reader edition (``--reader``, SRC = _notebooks/chapters,
written by tools/reader_edition.py): there a solution is a ``<details class="solution">``
block in a Markdown cell, and the code cells of a solution are tagged ``solution``; both
are removed, outputs are cleared, files beside the notebooks (data) are copied, and the
note at the top is plain Markdown. Without ``--reader`` SRC holds the MyST sources:

For every notebook in SRC: remove every solution, clear all outputs and execution
counts, and add a note at the top. Both of sphinx-exercise's solution forms are
removed: a ``{solution}`` directive inside one Markdown cell, and a gated solution,
which runs from a ``{solution-start}`` directive to a ``{solution-end}`` directive and
may span code cells (those are removed too). Code cells tagged ``solution`` (a
solution's self-check, which runs in the book so that its numbers can be glued) are
removed as well. Exercises stay. Instructors hand out DST;
the published book keeps the solutions, which readers can hide.
"""
import pathlib
import re
import shutil
import sys

import nbformat

OPEN_RE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<kind>solution|solution-start|solution-end)\}")
NOTE = (
    "```{note}\nStudent edition: the solutions to the exercises have been removed "
    "and the outputs cleared. Run every cell from the top.\n```"
)


class _Stripper:
    """Walks a notebook's cells in order, remembering whether it is inside a gated solution."""

    def __init__(self):
        self.gated = False

    def markdown(self, text):
        """Return ``text`` without solution blocks; track gated solutions across cells."""
        out, fence = [], None
        for line in text.splitlines(keepends=True):
            if fence is not None:  # inside a directive block that is being dropped
                if line.strip() == fence:
                    fence = None
                continue
            match = OPEN_RE.match(line.lstrip())
            if match:
                fence, kind = match.group("fence"), match.group("kind")
                if kind == "solution-start":
                    self.gated = True
                elif kind == "solution-end":
                    self.gated = False
                continue
            if not self.gated:
                out.append(line)
        if fence is not None:
            raise ValueError(f"unclosed solution block (fence {fence!r}) in a Markdown cell")
        return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip("\n")


def strip_solutions(markdown):
    """Return one Markdown text without its solution blocks."""
    stripper = _Stripper()
    text = stripper.markdown(markdown)
    if stripper.gated:
        raise ValueError("unclosed {solution-start}: no {solution-end} follows it")
    return text


def _drop_new_ids(nb):
    """The note cell carries an id, which nbformat 4.0-4.4 notebooks may not have."""
    if nb.nbformat == 4 and nb.nbformat_minor < 5:
        for cell in nb.cells:
            cell.pop("id", None)


def student_notebook(nb):
    """Return a copy of the notebook without solutions or outputs."""
    nb = nbformat.from_dict(nb)
    stripper, cells = _Stripper(), []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = stripper.markdown(cell.source)
            if cell.source.strip():
                cells.append(cell)
        elif not stripper.gated and "solution" not in cell.metadata.get("tags", []):
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            cells.append(cell)
    if stripper.gated:
        raise ValueError("unclosed {solution-start}: no {solution-end} follows it")
    cells.insert(1, nbformat.v4.new_markdown_cell(NOTE))
    nb.cells = cells
    _drop_new_ids(nb)
    return nb


READER_SOLUTION_RE = re.compile(r'<details class="solution">.*?</details>', re.DOTALL)
READER_NOTE = (
    "> **Student edition.** The solutions to the exercises have been removed and the "
    "outputs cleared. Run every cell from the top."
)


def student_from_reader(nb):
    """Return a student copy of a reader-edition notebook: no solutions, no outputs."""
    nb = nbformat.from_dict(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            text = READER_SOLUTION_RE.sub("", cell.source)
            if '<details class="solution">' in text:
                raise ValueError("unclosed <details class=\"solution\"> in a Markdown cell")
            cell.source = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
            if cell.source.strip():
                cells.append(cell)
        elif "solution" not in cell.metadata.get("tags", []):
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            cells.append(cell)
    cells.insert(1, nbformat.v4.new_markdown_cell(READER_NOTE))
    nb.cells = cells
    _drop_new_ids(nb)
    return nb


def main(src, dst, reader=False):
    src, dst = pathlib.Path(src), pathlib.Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    make = student_from_reader if reader else student_notebook
    notebooks = sorted(src.glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"no notebooks in {src}")
    for path in notebooks:
        nbformat.write(make(nbformat.read(path, as_version=4)), dst / path.name)
        print("wrote", dst / path.name)
    if reader:  # the files the chapters read (data) were copied beside the reader edition
        for path in sorted(src.iterdir()):
            if path.suffix != ".ipynb" and not path.name.startswith((".", "_")):
                target = dst / path.name
                (shutil.copytree(path, target, dirs_exist_ok=True) if path.is_dir()
                 else shutil.copy2(path, target))
                print("copied", target)


if __name__ == "__main__":
    args = sys.argv[1:]
    reader = "--reader" in args
    args = [a for a in args if a != "--reader"]
    if len(args) != 2:
        sys.exit(__doc__.splitlines()[0])
    main(*args, reader=reader)
