"""Write a student edition of the chapters: ``python tools/student_edition.py [--reader] [--chapters DIR] SRC DST``.

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

After every exercise that ``nnlib.exercises`` checks (a number, an expression, an array or a
function), an *answer cell* (the template with ``...`` to replace) and a *check cell*
(``check("ex-...", a=a, ...)``) are inserted. The exercises' labels come from the MyST
sources (``--chapters``, default ``chapters``): in the reader edition the k-th exercise of a
chapter is the k-th ``Exercise N.k`` block. Both cells carry nbgrader metadata, so that the
student edition is an nbgrader assignment as it stands: the answer cell is an autograded
answer (``solution``), the check cell a locked test worth the exercise's points
(``tools/grade.py`` grades submissions with it).
"""
import pathlib
import re
import shutil
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # nnlib from this checkout, when it is not installed

OPEN_RE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<kind>solution|solution-start|solution-end)\}")
NOTE = (
    "```{note}\nStudent edition: the solutions to the exercises have been removed "
    "and the outputs cleared. Run every cell from the top. After each exercise whose answer "
    "is a number, an expression, an array or a function, write your answer in the answer "
    "cell and run the check cell below it: it tells you whether the answer is right, and "
    "where it is wrong, without showing the solution.\n```"
)
EXERCISE_RE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{exercise\}[^\n]*\n(?:[ \t]*:[\w-]+:[^\n]*\n)*?"
                         r"[ \t]*:label:[ \t]*(?P<label>\S+)", re.M)
READER_EXERCISE_RE = re.compile(r"<blockquote>\n\n\*\*Exercise \d")


def exercise_labels(nb):
    """The labels of a MyST chapter's exercises, in order."""
    return [m["label"] for c in nb.cells if c.cell_type == "markdown" for m in EXERCISE_RE.finditer(c.source)]


def _myst_exercise_ends(text):
    """End offsets of the {exercise} directives in a MyST Markdown text."""
    ends = []
    for match in EXERCISE_RE.finditer(text):
        close = re.compile(rf"^[ \t]*{re.escape(match['fence'])}[ \t]*$", re.M).search(text, match.end())
        if close is None:
            raise ValueError(f"unclosed exercise {match['label']!r}")
        ends.append(close.end())
    return ends


def _reader_exercise_ends(text):
    """End offsets of the exercise blockquotes (with nested blockquotes) in a reader-edition text."""
    ends = []
    for match in READER_EXERCISE_RE.finditer(text):
        depth, pos = 0, match.start()
        for tag in re.compile(r"</?blockquote>").finditer(text, pos):
            depth += 1 if tag.group() == "<blockquote>" else -1
            if depth == 0:
                ends.append(tag.end())
                break
        else:
            raise ValueError("unclosed exercise <blockquote>")
    return ends


def _nbgrader(grade_id, *, grade, solution, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def check_cells(label):
    """The answer cell and the check cell that follow the auto-checked exercise ``label``."""
    from nnlib import exercises

    answer = nbformat.v4.new_code_cell(exercises.answer_template(label))
    answer.metadata["nbgrader"] = _nbgrader(f"{label}-answer", grade=False, solution=True)
    answer.metadata["tags"] = ["answer"]
    check = nbformat.v4.new_code_cell(exercises.check_call(label))
    check.metadata["nbgrader"] = _nbgrader(f"{label}-check", grade=True, solution=False,
                                           points=exercises.EXERCISES[label].points)
    check.metadata.update(tags=["check"], editable=False, deletable=False)
    answer.id, check.id = f"{label}-answer"[:64], f"{label}-check"[:64]
    return [answer, check]


def insert_checks(cells, labels, exercise_ends):
    """Split Markdown cells after each auto-checked exercise and insert its answer and check cells.

    ``labels`` are the chapter's exercise labels in order; ``exercise_ends(text)`` gives the end
    offsets of the exercises in one Markdown text. An exercise that ends its Markdown cell gets
    its cells after the code cells that follow it (the exercise's own helpers, such as a
    ``check_region`` function). Raises ValueError if the counts disagree.
    """
    from nnlib.exercises import labels as checked_labels

    checked, out, pending, k = set(checked_labels()), [], [], 0
    for cell in cells:
        if cell.cell_type != "markdown":
            out.append(cell)
            continue
        out += pending
        text, pending, start, current = cell.source, [], 0, cell
        for end in exercise_ends(text):
            if k >= len(labels):
                raise ValueError(f"more exercises than the {len(labels)} labels of the chapter's source")
            label, k = labels[k], k + 1
            if label not in checked:
                continue
            current.source = text[start:end].strip("\n")
            out.append(current)
            if text[end:].strip():
                out += check_cells(label)
                current = nbformat.v4.new_markdown_cell()
                current.id = f"{label}-after"[:64]
            else:  # the exercise ends the cell: its cells go after the code that follows it
                pending, current = check_cells(label), None
            start = end
        if current is not None:
            current.source = text[start:].strip("\n")
            if current.source.strip():
                out.append(current)
    out += pending
    if k != len(labels):
        raise ValueError(f"found {k} exercises but the chapter's source has {len(labels)}: is the edition current?")
    return out


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
        elif "remove-cell" in cell.metadata.get("tags", []):
            continue  # the book's plumbing (glue): the website hides it, the editions drop it
        elif not stripper.gated and "solution" not in cell.metadata.get("tags", []):
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            cells.append(cell)
    if stripper.gated:
        raise ValueError("unclosed {solution-start}: no {solution-end} follows it")
    cells = insert_checks(cells, exercise_labels(nb), _myst_exercise_ends)
    cells.insert(1, nbformat.v4.new_markdown_cell(NOTE))
    nb.cells = cells
    _drop_new_ids(nb)
    return nb


READER_SOLUTION_RE = re.compile(r'<details class="solution">.*?</details>', re.DOTALL)
READER_NOTE = (
    "> **Student edition.** The solutions to the exercises have been removed and the "
    "outputs cleared. Run every cell from the top. After each exercise whose answer is a "
    "number, an expression, an array or a function, write your answer in the answer cell and "
    "run the check cell below it: it tells you whether the answer is right, and where it is "
    "wrong, without showing the solution."
)


def student_from_reader(nb, labels=None):
    """Return a student copy of a reader-edition notebook: no solutions, no outputs.

    ``labels``: the chapter's exercise labels in order (from its MyST source); with them, the
    auto-checked exercises get their answer and check cells.
    """
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
    if labels is not None:
        cells = insert_checks(cells, labels, _reader_exercise_ends)
    cells.insert(1, nbformat.v4.new_markdown_cell(READER_NOTE))
    nb.cells = cells
    _drop_new_ids(nb)
    return nb


def main(src, dst, reader=False, chapters=ROOT / "chapters"):
    src, dst, chapters = pathlib.Path(src), pathlib.Path(dst), pathlib.Path(chapters)
    dst.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(src.glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"no notebooks in {src}")
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        if reader:
            labels = exercise_labels(nbformat.read(chapters / path.name, as_version=4))
            student = student_from_reader(nb, labels)
        else:
            student = student_notebook(nb)
        nbformat.write(student, dst / path.name)
        print("wrote", dst / path.name)
    if reader:  # the files the chapters read (data) were copied beside the reader edition
        for path in sorted(src.iterdir()):
            if path.suffix != ".ipynb" and not path.name.startswith((".", "_")):
                target = dst / path.name
                (shutil.copytree(path, target, dirs_exist_ok=True) if path.is_dir()
                 else shutil.copy2(path, target))
                print("copied", target)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--reader", action="store_true", help="SRC is the reader edition")
    parser.add_argument("--chapters", default=str(ROOT / "chapters"),
                        help="the MyST sources, for the exercises' labels (with --reader)")
    args = parser.parse_args()
    main(args.src, args.dst, reader=args.reader, chapters=args.chapters)
