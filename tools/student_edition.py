"""Write the student edition: ``python tools/student_edition.py [--build _build] [SRC] [DST]``.

For every chapter in SRC (default ``chapters``, the MyST sources), read through tools/myst.py:

- every solution goes: a ``{solution}`` directive, a gated solution (from
  ``{solution-start}`` to ``{solution-end}``, which may span cells; its code cells go too),
  and code cells tagged ``solution`` (a solution's self-check, run in the book so that its
  numbers can be glued); exercises stay;
- after every exercise that nnlib's exercise kit checks (a number, an expression, an array
  or a function), an *answer cell* (the template with ``...`` to replace) and a *check cell*
  (``check("ex-...", a=a, ...)``) are inserted, with nbgrader metadata, so that the edition is
  an nbgrader assignment as it stands (tools/grade.py grades submissions with it): the
  answer cell is an autograded answer, the check cell a locked test worth the exercise's points;
- the rest is converted as for the reader edition (tools/reader_edition.py: plain Markdown,
  numbers from ``BUILD/book_index.json``), then every output is cleared and a note added.

Files beside the notebooks (data the chapters read) are copied. Instructors hand out DST;
the published book keeps the solutions, which readers can hide.
"""
import argparse
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import myst  # noqa: E402
import reader_edition  # noqa: E402
from exercise_kit import kit  # noqa: E402
from reader_index import BookIndex, site_url  # noqa: E402
from set_repo_url import current_url  # noqa: E402

SOLUTIONS = {"solution", "solution-start", "solution-end"}
NOTE = (
    "> **Student edition.** The solutions to the exercises have been removed and the "
    "outputs cleared. Run every cell from the top. After each exercise whose answer is a "
    "number, an expression, an array or a function, write your answer in the answer cell and "
    "run the check cell below it: it tells you whether the answer is right, and where it is "
    "wrong, without showing the solution."
)


def exercise_labels(nb):
    """The labels of a MyST chapter's exercises, in order."""
    return [d.options.get("label") for _, d in myst.notebook_directives(nb, "exercise")]


def _nbgrader(grade_id, *, grade, solution, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def check_cells(label):
    """The answer cell and the check cell that follow the auto-checked exercise ``label``."""
    exercises, checked, _written = kit()
    answer = nbformat.v4.new_code_cell(exercises.answer_template(label))
    answer.metadata["nbgrader"] = _nbgrader(f"{label}-answer", grade=False, solution=True)
    answer.metadata["tags"] = ["answer"]
    check = nbformat.v4.new_code_cell(exercises.check_call(label))
    check.metadata["nbgrader"] = _nbgrader(f"{label}-check", grade=True, solution=False,
                                           points=checked[label].points)
    check.metadata.update(tags=["check"], editable=False, deletable=False)
    answer.id, check.id = f"{label}-answer"[:64], f"{label}-check"[:64]
    return [answer, check]


class _Stripper:
    """Walks a chapter's cells in order, remembering whether it is inside a gated solution."""

    def __init__(self, split_after=()):
        self.gated, self.split_after = False, set(split_after)

    def markdown(self, text):
        """``text`` without its solution blocks, split after each exercise: ``[(text, label or None)]``."""
        lines, pieces, kept, pos = text.split("\n"), [], [], 0
        for block in myst.blocks(text):
            if not self.gated:
                kept += lines[pos:block.start]
            pos = block.end
            if block.kind == "directive" and block.name in SOLUTIONS:
                self.gated = {"solution-start": True, "solution-end": False}.get(block.name, self.gated)
            elif not self.gated:
                kept += lines[block.start:block.end]
                label = block.kind == "directive" and block.name == "exercise" and \
                    myst.directive_options(block.body)[0].get("label")
                if label in self.split_after:
                    pieces.append(("\n".join(kept), label))
                    kept = []
        if not self.gated:
            kept += lines[pos:]
        pieces.append(("\n".join(kept), None))
        return [(re.sub(r"\n{3,}", "\n\n", piece).strip("\n"), label) for piece, label in pieces]


def strip_solutions(markdown):
    """Return one Markdown text without its solution blocks."""
    stripper = _Stripper()
    text = "\n\n".join(piece for piece, _label in stripper.markdown(markdown) if piece)
    if stripper.gated:
        raise ValueError("unclosed {solution-start}: no {solution-end} follows it")
    return text


def _without_solutions(nb):
    """The cells of a MyST chapter without solutions, with answer and check cells after each
    auto-checked exercise (after the code cells that follow it, when it ends its cell)."""
    _exercises, checked, _written = kit()
    stripper, cells, pending = _Stripper(split_after=checked), [], []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if not stripper.gated and "solution" not in cell.metadata.get("tags", []):
                cells.append(cell)
            continue
        cells += pending
        pieces, pending = stripper.markdown(cell.source), []
        for k, (text, label) in enumerate(pieces):
            if text.strip():
                part = cell if k == 0 else nbformat.v4.new_markdown_cell(text)
                part.source = text
                if k:
                    part.id = f"{pieces[k - 1][1]}-after"[:64]
                cells.append(part)
            if label in checked:
                rest = "".join(piece for piece, _ in pieces[k + 1:]).strip()
                pending = check_cells(label) if not rest else []
                cells += check_cells(label) if rest else []
    if stripper.gated:
        raise ValueError("unclosed {solution-start}: no {solution-end} follows it")
    return cells + pending


def student_notebook(nb, book, docname):
    """Return the student edition of one MyST chapter: no solutions, no outputs."""
    nb = nbformat.from_dict(nb)
    glue = reader_edition.glue_data(nb)
    nb.cells = _without_solutions(nb)
    student, _counts = reader_edition.reader_notebook(nb, book, docname, glue=glue)
    cells = [c for c in student.cells if c.cell_type != "markdown" or c.source.strip()]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    note = nbformat.v4.new_markdown_cell(NOTE)
    note.id = "student-edition-note"
    student.cells = cells[:1] + [note] + cells[1:]
    reader_edition.drop_new_ids(student)
    return student


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?", default="chapters")
    parser.add_argument("dst", nargs="?", default="_student/chapters")
    parser.add_argument("--build", default="_build", help="build directory of a completed `make book`")
    parser.add_argument("--site", default=None, help="website URL (default: from _config.yml)")
    args = parser.parse_args(argv)
    src, dst = pathlib.Path(args.src), pathlib.Path(args.dst)
    book = BookIndex.from_json(args.build, args.site or site_url(current_url()))
    notebooks = sorted(src.glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"no notebooks in {src}")
    dst.mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        docname = reader_edition.docname_of(src, path)
        nbformat.write(student_notebook(nbformat.read(path, as_version=4), book, docname), dst / path.name)
        print("wrote", dst / path.name)
    for target in reader_edition.copy_beside(src, dst):
        print("copied", target)


if __name__ == "__main__":
    main()
