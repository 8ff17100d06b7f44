"""The test suite, laid out by what each folder needs (the markers are declared in pyproject.toml).

tests/nnlib     the library alone: NumPy, SymPy, scikit-learn; no notebook, Sphinx or nbgrader (`make unit`)
tests/book      the chapters' sources and the book's tools, read, not run or built (`make tools-test`)
tests/editions  the reader and student editions' converters (`make tools-test`); tests marked
                `built` check the real editions and need `make notebooks` (`make reader-tests`)
tests/grading   nbgrader on the student edition (`make grade-check`)
tests/browser   the built site in headless Chromium (`make browser`)
tests/pdf       the built PDF (`make pdf-test`)

Every test gets its folder's marker. Tests that need an artefact (`built`, `grading`,
`browser`, `pdf`) are deselected by default (pyproject.toml's addopts); the make target that
runs them selects them with -m, and then a missing artefact is an error, never a skip.
"""
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDERS = {"nnlib", "book", "editions", "grading", "browser", "pdf"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = pathlib.Path(str(item.fspath)).resolve().relative_to(ROOT).parts
        if len(parts) > 2 and parts[0] == "tests" and parts[1] in FOLDERS:
            item.add_marker(getattr(pytest.mark, parts[1]))
