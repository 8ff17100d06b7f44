"""Every Python file of nnlib is short enough for the book to quote: at most 250 lines.

DESIGN.md's rule, with no exemption: public and private modules, subpackages (the course kit
``nnlib/exercises/``) and their ``__init__.py`` alike. A file that grows past it is split into
modules of one concept each (a public module may re-export what its private modules define,
as ``nnlib.plotting`` and ``nnlib.base`` do). Data files (the kit's ``fingerprints.json``, the
chapters' text in ``nnlib/data/``) are not code and are not counted.
"""
import pathlib

import pytest

import nnlib

PACKAGE = pathlib.Path(nnlib.__file__).parent
MAX_LINES = 250
FILES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _lines(path):
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_walk_finds_every_kind_of_module():
    names = {p.relative_to(PACKAGE).as_posix() for p in FILES}
    assert {"__init__.py", "layers.py", "_validation.py", "exercises/__init__.py", "exercises/_registry.py"} <= names
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_module_has_at_most_250_lines(path):
    lines = _lines(path)
    assert lines <= MAX_LINES, (f"nnlib/{path.relative_to(PACKAGE).as_posix()} has {lines} lines, more than "
                                f"{MAX_LINES}: split it into modules of one concept each")


def test_the_count_is_the_editor_s_line_count(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("a = 1\n" * MAX_LINES, encoding="utf-8")
    assert _lines(path) == MAX_LINES
    path.write_text("a = 1\n" * MAX_LINES + "b = 2", encoding="utf-8")  # a last line without newline counts
    assert _lines(path) == MAX_LINES + 1
