"""Grade submitted student-edition notebooks with nbgrader, locally: ``python tools/grade.py SUBMISSIONS``.

``make grade SUBMISSIONS=dir`` runs this. SUBMISSIONS holds one folder per student with the
chapters they hand in (``SUBMISSIONS/<student>/01_what_is_a_neural_network.ipynb``), or single
notebooks ``SUBMISSIONS/<student>.ipynb``. The chapter of a notebook is recognised by its check
cells, not by its file name. The scores go to a CSV file (default ``grades.csv``): one row per
student and chapter, with the points, the maximum and the exercises passed.

How: the student edition (``--edition``, default ``_student/chapters``, written by ``make
student``) is an nbgrader assignment as it stands: each auto-checked exercise has an answer
cell (nbgrader ``solution``) and a locked check cell (an autograder test worth the exercise's
points) calling ``nnlib.exercises.check``. In a temporary nbgrader course folder this script
makes each chapter an assignment (``nbgrader generate_assignment``), copies the submissions in,
runs ``nbgrader autograde`` (which restores the locked check cells, runs every notebook top to
bottom on a fresh kernel, and gives a check cell its points when it raises nothing) and reads
the scores from nbgrader's gradebook. No Docker, no hub, no network.

nbgrader runs with the book's own environment (the kernel sees exactly the locked versions the
students have); nbgrader itself and the few packages it needs beyond the book's lock are
installed apart, in ``--packages`` (default ``.venv/grade-packages``, made by ``make grade`` from
``requirements-grade.txt``), which is put on the path of this process and of nbgrader's.
"""
import argparse
import csv
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def check_ids(path):
    """The grade ids of a notebook's check cells (nbgrader tests)."""
    nb = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    return {c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade")}


def find_submissions(folder, editions):
    """``[(student, chapter, path)]``; the chapter is the edition notebook whose check cells it has."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"no folder {folder}")
    found = []
    for path in sorted(folder.glob("*.ipynb")) + sorted(folder.glob("*/*.ipynb")):
        student = path.stem if path.parent == folder else path.parent.name
        ids = check_ids(path)
        matches = [name for name, expected in editions.items() if ids and ids <= expected]
        if len(matches) != 1:
            raise SystemExit(f"{path}: not a submission of one chapter of the student edition (its check "
                             "cells match none): was it made from this edition?")
        found.append((student, matches[0], path))
    if not found:
        raise SystemExit(f"no notebooks in {folder} or its subfolders")
    return found


def _run(args, course, env):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=course, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def grade(submissions, edition, out, packages, keep=None):
    edition, packages = pathlib.Path(edition).resolve(), pathlib.Path(packages).resolve()
    editions = {p.stem: check_ids(p) for p in sorted(edition.glob("*.ipynb"))}
    if not editions:
        raise SystemExit(f"no student edition in {edition}: run `make student` first")
    if not (packages / "nbgrader").is_dir():
        raise SystemExit(f"nbgrader is not in {packages}: run `make grade` (it installs requirements-grade.txt)")
    sys.path.insert(0, str(packages))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(packages), str(ROOT), os.environ.get("PYTHONPATH", "")]),
               PATH=os.pathsep.join([str(packages / "bin"), os.environ.get("PATH", "")]))  # nbgrader runs `alembic`
    found = find_submissions(submissions, editions)
    course = pathlib.Path(keep or tempfile.mkdtemp(prefix="grade-"))
    shutil.rmtree(course, ignore_errors=True)
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.ExecutePreprocessor.timeout = 600\n"
        "c.Execute.timeout = 600\n", encoding="utf-8")
    for chapter in sorted({c for _, c, _ in found}):
        source = course / "source" / chapter
        source.mkdir(parents=True)
        shutil.copy2(edition / f"{chapter}.ipynb", source / f"{chapter}.ipynb")
        for extra in edition.iterdir():  # the files the chapters read (data)
            if extra.suffix != ".ipynb" and not extra.name.startswith((".", "_")):
                (shutil.copytree if extra.is_dir() else shutil.copy2)(extra, source / extra.name)
        _run(["generate_assignment", chapter], course, env)
    for student, chapter, path in found:
        target = course / "submitted" / student / chapter
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / f"{chapter}.ipynb")
    for chapter in sorted({c for _, c, _ in found}):
        _run(["autograde", chapter], course, env)
    from nbgrader.api import Gradebook  # noqa: PLC0415 - from --packages

    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student, chapter, _ in found:
            notebook = gradebook.find_submission_notebook(chapter, chapter, student)
            passed = sorted(g.name.removesuffix("-check") for g in notebook.grades
                            if g.max_score and g.score == g.max_score)
            rows.append({"student": student, "chapter": chapter, "score": notebook.score,
                         "max_score": notebook.max_score, "passed": " ".join(passed)})
    out = pathlib.Path(out)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["student", "chapter", "score", "max_score", "passed"])
        writer.writeheader()
        writer.writerows(rows)
    if keep is None:
        shutil.rmtree(course, ignore_errors=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", help="folder of submitted notebooks")
    parser.add_argument("--edition", default=str(ROOT / "_student" / "chapters"), help="the student edition")
    parser.add_argument("--out", default="grades.csv", help="the CSV file to write")
    parser.add_argument("--packages", default=str(ROOT / ".venv" / "grade-packages"), help="where nbgrader is installed")
    parser.add_argument("--keep", help="keep nbgrader's course folder here (to inspect the feedback)")
    args = parser.parse_args(argv)
    rows = grade(args.submissions, args.edition, args.out, args.packages, args.keep)
    for row in rows:
        print(f"{row['student']:>20} {row['chapter']:<40} {row['score']:g} / {row['max_score']:g}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
