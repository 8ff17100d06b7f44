"""What tests marked `built` or `grading` need from a completed build (a module of its own: the
name ``conftest`` belongs to tests/browser/conftest.py when the whole suite is collected)."""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def built_book(build=ROOT / "_build"):
    """The book's index of a completed `make book` (for tests marked `built`); fails without one."""
    sys.path.insert(0, str(ROOT / "tools"))
    from reader_index import BookIndex, site_url  # noqa: PLC0415
    from set_repo_url import current_url  # noqa: PLC0415

    if not (pathlib.Path(build) / "book_index.json").exists():
        pytest.fail(f"no {build}/book_index.json: run `make book` first (this test is marked `built`)")
    return BookIndex.from_json(build, site_url(current_url(ROOT)))
