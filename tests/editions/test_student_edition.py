"""The student edition (tools/student_edition.py): from the MyST sources, no solutions, no outputs,
and an answer cell and a check cell (an nbgrader assignment) after each auto-checked exercise.

The first tests use synthetic chapters and a hand-made index of a book; the tests marked
`built` make the edition of every real chapter from the book's index (`make reader-tests`).
"""
import dataclasses
import json
import pathlib
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
import myst  # noqa: E402
import student_edition  # noqa: E402
from artefacts import built_book  # noqa: E402
from exercise_kit import kit  # noqa: E402
from reader_edition import docname_of  # noqa: E402
from reader_index import BookIndex  # noqa: E402

exercises, EXERCISES, _WRITTEN = kit()
DOC = "chapters/01_first"
CHECKED, NOT_CHECKED = ["ex-ch1-by-hand", "ex-ch1-count"], "ex-ch2-eta"
BOOK = BookIndex(
    site="https://owner.github.io/book/", titles={DOC: "First"},
    labels={label: (DOC, label, "Exercise") for label in [*CHECKED, NOT_CHECKED]},
    fignumbers={DOC: {"exercise": {label: (1, k) for k, label in enumerate([CHECKED[0], NOT_CHECKED, CHECKED[1]], 1)}}},
    secnumbers={DOC: [(1,), (1, 1)]}, equations={}, proofs={}, citations={}, numfig_format={},
)


def exercise(label, title="E"):
    return f"```{{exercise}} {title}\n:label: {label}\n\nDo it.\n```"


def chapter(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(c[1]) if c[0] == "md" else
                nbformat.v4.new_code_cell(c[1], metadata=c[2] if len(c) > 2 else {}) for c in cells]
    return nb


def test_strip_solutions_keeps_exercises_and_nested_fences():
    md = (
        "Intro\n\n```{exercise} One\n:label: ex-a\nDo it.\n```\n\n"
        "````{solution} ex-a\n:class: dropdown\n```python\nprint(1)\n```\n````\n\n"
        ":::{solution} ex-b\nSecret\n:::\nAfter"
    )
    out = student_edition.strip_solutions(md)
    assert "{exercise}" in out and "Do it." in out and "After" in out
    assert "solution" not in out and "print(1)" not in out and "Secret" not in out
    with pytest.raises(myst.MystError, match="unclosed"):
        student_edition.strip_solutions("```{solution} ex-a\nnever closed\n")


def test_gated_solutions_go_with_their_code_cells():
    nb = chapter(
        ("md", "# T\n\n" + exercise(CHECKED[0])),
        ("md", "Before\n````{solution-start} " + CHECKED[0] + "\n:class: dropdown\n````\nAnswer text"),
        ("code", "secret_code = 1"),
        ("md", "More answer\n````{solution-end}\n````\nAfter"),
        ("code", "kept = 2"),
        ("code", "tagged_check = 3", {"tags": ["solution", "hide-input"]}),
        ("md", "## Next"),
    )
    out = student_edition.student_notebook(nb, BOOK, DOC)
    text = nbformat.writes(out)
    for gone in ("secret_code", "Answer text", "More answer", "{solution", "details", "tagged_check"):
        assert gone not in text
    for kept in ("Exercise 1.1 (E)", "Do it.", "Before", "After", "kept = 2", "## 1.1. Next"):
        assert kept in text
    nbformat.validate(out)
    nb.cells = nb.cells[:3]
    with pytest.raises(ValueError, match="solution-end"):
        student_edition.student_notebook(nb, BOOK, DOC)


def test_a_cell_of_several_exercises_is_split_after_each_checked_one():
    text = "\n\n".join(["Exercises:", exercise(CHECKED[0], "One"), f"```{{solution}} {CHECKED[0]}\nsecret\n```",
                        exercise(NOT_CHECKED, "Two"), exercise(CHECKED[1], "Three")])
    nb = chapter(("md", "# T"), ("md", text), ("code", "helper = 1"), ("md", "## Summary"))
    out = student_edition.student_notebook(nb, BOOK, DOC)
    kinds = [c.metadata.get("nbgrader", {}).get("grade_id", c.cell_type) for c in out.cells]
    # title, student note, reader note, then the chapter's cells
    assert kinds == ["markdown"] * 4 + [f"{CHECKED[0]}-answer", f"{CHECKED[0]}-check", "markdown",
                                        "code", f"{CHECKED[1]}-answer", f"{CHECKED[1]}-check", "markdown"]
    assert out.cells[3].source.endswith("**Exercise 1.1 (One)**\n\nDo it.\n\n</blockquote>")
    assert "Exercise 1.2 (Two)" in out.cells[6].source and "Exercise 1.3 (Three)" in out.cells[6].source
    assert out.cells[-1].source == "## 1.1. Summary" and "secret" not in nbformat.writes(out)
    assert all(c.outputs == [] and c.execution_count is None for c in out.cells if c.cell_type == "code")


def test_the_command_reads_the_book_index_and_copies_the_data(tmp_path):
    chapters, build, out = tmp_path / "chapters", tmp_path / "_build", tmp_path / "out"
    chapters.mkdir(), build.mkdir()
    nbformat.write(chapter(("md", "# T\n\n" + exercise(CHECKED[1]))), chapters / "01_first.ipynb")
    (chapters / "data.txt").write_text("x")
    data = {k: v for k, v in dataclasses.asdict(BOOK).items() if k != "site"}
    data["titles"] = {docname_of(chapters, "01_first"): "First"}
    data["secnumbers"] = {}
    data["fignumbers"] = {docname_of(chapters, "01_first"): BOOK.fignumbers[DOC]}
    data["labels"] = {k: [docname_of(chapters, "01_first"), k, "E"] for k in BOOK.labels}
    (build / "book_index.json").write_text(json.dumps(data))
    student_edition.main([str(chapters), str(out), "--build", str(build), "--site", BOOK.site])
    nb = nbformat.read(out / "01_first.ipynb", as_version=4)
    assert [c.metadata.get("tags") for c in nb.cells if c.cell_type == "code"] == [["answer"], ["check"]]
    assert (out / "data.txt").read_text() == "x"


CHAPTER_PATHS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.built
@pytest.mark.parametrize("path", CHAPTER_PATHS, ids=[p.stem for p in CHAPTER_PATHS])
def test_real_chapter_has_no_solutions_no_outputs_and_a_check_after_each_checked_exercise(path):
    source = nbformat.read(path, as_version=4)
    labels = student_edition.exercise_labels(source)
    nb = student_edition.student_notebook(source, built_book(), docname_of(ROOT / "chapters", path))
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert '<details class="solution">' not in text and "application/papermill" not in text
    assert myst.leftovers(markdown) == []
    assert all(not c.outputs for c in nb.cells if c.cell_type == "code")
    graded = [(i, c) for i, c in enumerate(nb.cells) if "nbgrader" in c.metadata]
    expected = [label for label in labels if label in EXERCISES]
    assert [c.metadata.nbgrader.grade_id for _, c in graded] == [
        f"{label}-{kind}" for label in expected for kind in ("answer", "check")]
    chapter_number = int(path.name[:2])
    for (i, answer), (j, check) in zip(graded[::2], graded[1::2]):
        label = answer.metadata.nbgrader.grade_id.removesuffix("-answer")
        assert j == i + 1 and answer.source == exercises.answer_template(label)
        assert check.source == exercises.check_call(label)
        assert answer.metadata.nbgrader == {"grade": False, "grade_id": f"{label}-answer", "locked": False,
                                            "schema_version": 3, "solution": True, "task": False}
        assert check.metadata.nbgrader == {"grade": True, "grade_id": f"{label}-check", "locked": True,
                                           "points": EXERCISES[label].points, "schema_version": 3,
                                           "solution": False, "task": False}
        before = "\n".join(c.source for c in nb.cells[:i] if c.cell_type == "markdown")
        last = before[before.rfind("**Exercise "):].split()[1]
        assert last == f"{chapter_number}.{labels.index(label) + 1}"  # right after its exercise
    ids = [c.get("id") for c in nb.cells]
    assert ids == [None] * len(ids) or len(set(ids)) == len(ids)  # nbformat 4.5 ids are unique
