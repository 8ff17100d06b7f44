"""Grading the student edition with nbgrader (tools/grade.py), on three submissions of chapter 1.

- the reference solutions filled in: full marks;
- the student edition untouched: zero;
- half done: two exercises right, one wrong, two left as they were: exactly 2 points, and the
  wrong one's feedback (nbgrader's autograded notebook) shows the check's message.

Chapter 1 is the chapter that executes fastest (about 25 s on a loaded 2-core machine). This test
runs nbgrader, so it needs nbgrader installed beside the book's environment: ``make
grade-check`` installs it (requirements-grade.txt into .venv/grade-packages, or GRADE_PACKAGES)
and selects these tests (marker ``grading``); the student edition is made from the sources
with the index of a completed ``make book``. Without nbgrader or the build they fail.
"""
import csv
import json
import os
import pathlib
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
import grade  # noqa: E402
import student_edition  # noqa: E402
from artefacts import built_book  # noqa: E402

PACKAGES = os.environ.get("GRADE_PACKAGES", str(ROOT / ".venv" / "grade-packages"))
CHAPTER = "01_what_is_a_neural_network"
pytestmark = pytest.mark.grading


@pytest.fixture(scope="module")
def edition():
    """The student edition of chapter 1, from its source and the built book's index."""
    if not (pathlib.Path(PACKAGES) / "nbgrader").is_dir():
        pytest.fail(f"no nbgrader in {PACKAGES}: run `make grade-check`")
    source = nbformat.read(ROOT / "chapters" / f"{CHAPTER}.ipynb", as_version=4)
    return student_edition.student_notebook(source, built_book(), f"chapters/{CHAPTER}")


def _answer(label, names):
    return ("import sys\n"
            f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
            "from exercise_solutions import SOLUTIONS\n\n"
            + "\n".join(f"{n} = SOLUTIONS[{label!r}][{n!r}]" for n in names))


def _filled(edition, answers):
    """A copy of the edition with the answer cells of ``answers`` ({label: source}) replaced."""
    nb = nbformat.from_dict(json.loads(json.dumps(edition)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("-answer") and grade_id.removesuffix("-answer") in answers:
            cell.source = answers[grade_id.removesuffix("-answer")]
    return nb


def test_grade_three_submissions_of_chapter_1(tmp_path, edition):
    from exercise_solutions import SOLUTIONS

    (tmp_path / "edition").mkdir()
    nbformat.write(edition, tmp_path / "edition" / f"{CHAPTER}.ipynb")
    labels = [c.metadata["nbgrader"]["grade_id"].removesuffix("-check") for c in edition.cells
              if c.metadata.get("nbgrader", {}).get("grade")]
    assert labels == ["ex-ch1-by-hand", "ex-ch1-count", "ex-ch1-convert", "ex-ch1-linear", "ex-ch1-redundant"]

    subs = tmp_path / "submissions"
    for student in ("ada", "bo"):
        (subs / student).mkdir(parents=True)
    full = _filled(edition, {label: _answer(label, list(SOLUTIONS[label])) for label in labels})
    nbformat.write(full, subs / "ada" / f"{CHAPTER}.ipynb")
    nbformat.write(edition, subs / "bo" / f"{CHAPTER}.ipynb")
    half = _filled(edition, {
        "ex-ch1-by-hand": _answer("ex-ch1-by-hand", list(SOLUTIONS["ex-ch1-by-hand"])),
        "ex-ch1-count": _answer("ex-ch1-count", list(SOLUTIONS["ex-ch1-count"])),
        "ex-ch1-convert": "def to_rows(U, c, v, d):\n    return U, c, v, d  # not transposed\n",
    })
    nbformat.write(half, subs / "cy.ipynb")  # a single notebook: the student is its name

    out = tmp_path / "grades.csv"
    rows = grade.grade(subs, tmp_path / "edition", out, PACKAGES, keep=tmp_path / "course")
    with open(out, newline="", encoding="utf-8") as handle:
        scores = {row["student"]: row for row in csv.DictReader(handle)}
    assert {s: (float(r["score"]), float(r["max_score"])) for s, r in scores.items()} == {
        "ada": (5.0, 5.0), "bo": (0.0, 5.0), "cy": (2.0, 5.0)}
    assert scores["cy"]["passed"].split() == ["ex-ch1-by-hand", "ex-ch1-count"]
    assert len(rows) == 3

    feedback = nbformat.read(tmp_path / "course" / "autograded" / "cy" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    check = next(c for c in feedback.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex-ch1-convert-check")
    error = next(o for o in check.outputs if o.output_type == "error")
    assert error.ename == "AssertionError" and "to_rows: the shapes do not fit" in error.evalue
    untouched = next(c for c in feedback.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex-ch1-linear-check")
    assert next(o for o in untouched.outputs if o.output_type == "error").ename == "NotAnsweredError"


def test_a_notebook_of_no_chapter_is_refused(tmp_path, edition):
    (tmp_path / "edition").mkdir()
    nbformat.write(edition, tmp_path / "edition" / f"{CHAPTER}.ipynb")
    (tmp_path / "subs").mkdir()
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "subs" / "dan.ipynb")
    with pytest.raises(SystemExit, match="not a submission of one chapter"):
        grade.grade(tmp_path / "subs", tmp_path / "edition", tmp_path / "g.csv", PACKAGES)
