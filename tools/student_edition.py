"""Write a student edition of the chapters: ``python tools/student_edition.py SRC DST``.

For every notebook in SRC: remove each ``{solution}`` directive (backtick or colon
fences) from the Markdown cells, clear all outputs and execution counts, and add a
note at the top. Exercises stay. Instructors hand out DST; the solutions stay in the
published book, where readers can hide them.
"""
import pathlib
import re
import sys

import nbformat

OPEN_RE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution\}")
NOTE = (
    "```{note}\nStudent edition: the solutions to the exercises have been removed "
    "and the outputs cleared. Run every cell from the top.\n```"
)


def strip_solutions(markdown):
    """Return ``markdown`` without its ``{solution}`` blocks (nested fences allowed)."""
    out, fence = [], None
    for line in markdown.splitlines(keepends=True):
        if fence is None:
            match = OPEN_RE.match(line.lstrip())
            if match:
                fence = match.group("fence")
                continue
            out.append(line)
        elif line.strip() == fence:
            fence = None
    if fence is not None:
        raise ValueError(f"unclosed {{solution}} block (fence {fence!r}) in a Markdown cell")
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip("\n")


def student_notebook(nb):
    """Return a copy of the notebook without solutions or outputs."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = strip_solutions(cell.source)
        elif cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source.strip()]
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(NOTE))
    return nb


def main(src, dst):
    src, dst = pathlib.Path(src), pathlib.Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob("*.ipynb")):
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), dst / path.name)
        print("wrote", dst / path.name)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[0])
    main(*sys.argv[1:])
