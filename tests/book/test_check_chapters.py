"""tools/check_chapters.py: which chapters use a module, from the chapters' code and nnlib's import graph."""
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import check_chapters  # noqa: E402

PACKAGE = {
    "__init__.py": "from .a import fa\nfrom .c import fc as renamed\n",
    "a.py": "from . import b\nfrom ._private import helper\n\ndef fa():\n    return b.fb()\n",
    "b.py": "def fb():\n    return 1\n",
    "c.py": "import numpy as np\n\ndef fc():\n    return 2\n",
    "_private.py": "def helper():\n    return 3\n",
    "sub/__init__.py": "from .d import fd\n",
    "sub/d.py": "from ..b import fb\n\ndef fd():\n    return fb()\n",
}
CHAPTERS = {
    "01_a.ipynb": ["%matplotlib inline\nfrom nnlib import fa\nfa()"],
    "02_c.ipynb": ["import nnlib\nnnlib.c.fc()", "x = 1"],
    "03_shown.ipynb": ["print(open('../nnlib/c.py').read())"],
    "04_renamed.ipynb": ["import nnlib\nnnlib.renamed()"],
    "05_sub.ipynb": ["from nnlib.sub.d import fd"],
    "06_none.ipynb": ["import numpy"],
}


@pytest.fixture()
def book(tmp_path):
    for name, text in PACKAGE.items():
        (tmp_path / "nnlib" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "nnlib" / name).write_text(text)
    (tmp_path / "chapters").mkdir()
    for name, cells in CHAPTERS.items():
        nb = {"cells": [{"cell_type": "code", "source": source, "metadata": {}, "outputs": []} for source in cells],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (tmp_path / "chapters" / name).write_text(json.dumps(nb))
    return tmp_path


def test_the_import_graph_follows_relative_imports_and_re_exports(book):
    graph, exported = check_chapters.import_graph(book / "nnlib")
    assert graph["nnlib.a"] == {"nnlib.b", "nnlib._private"}
    assert graph["nnlib.sub.d"] == {"nnlib.b"} and graph["nnlib.sub"] == {"nnlib.sub.d"}
    assert exported == {"fa": "nnlib.a", "renamed": "nnlib.c"}


@pytest.mark.parametrize("modules, expected", [
    ({"nnlib.b"}, ["01_a", "05_sub"]),                   # through a's and d's imports
    ({"nnlib._private"}, ["01_a"]),
    ({"nnlib.c"}, ["02_c", "03_shown", "04_renamed"]),   # an attribute, a displayed file, a re-export
    ({"nnlib.sub.d"}, ["05_sub"]),
    ({"nnlib"}, ["01_a", "02_c", "03_shown", "04_renamed", "05_sub", "06_none"]),  # __init__.py: all
])
def test_chapters_using_a_module(book, modules, expected):
    found = check_chapters.chapters_to_check(modules, book / "chapters", book / "nnlib")
    assert [p.stem for p in found] == expected


def test_an_unknown_module_is_an_error(book):
    with pytest.raises(SystemExit, match="not modules of nnlib: nnlib.nowhere"):
        check_chapters.chapters_to_check({"nnlib.nowhere"}, book / "chapters", book / "nnlib")


def test_changed_modules_since_the_merge_base(book):
    def git(*args):
        subprocess.run(["git", "-C", str(book), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first")
    git("checkout", "-q", "-b", "work")
    (book / "nnlib" / "b.py").write_text("def fb():\n    return 2\n")   # changed, not committed
    (book / "nnlib" / "new.py").write_text("")                          # new, untracked
    assert check_chapters.changed_modules("main", book) == {"nnlib.b", "nnlib.new"}


def test_the_real_book_every_chapter_uses_some_module():
    graph, exported = check_chapters.import_graph()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        assert check_chapters.chapter_modules(path, graph, exported) - {"nnlib"}, path.name
