"""The setup cell every chapter starts with, and a command that writes it into every chapter.

``python tools/setup_cell.py`` replaces the head of each chapter's first code cell (up to and
including ``import nnlib``) with :func:`setup_cell` for the repository URL in ``_config.yml``,
keeping the chapter's own imports below it. ``tests/test_book_structure.py`` checks that every
chapter starts with exactly this text.

What the cell does, wherever the chapter runs:

* locally, on Binder, or in any environment with ``nnlib`` installed: nothing;
* on a JupyterHub that pulled the published notebooks with nbgitpuller: the repository is on
  disk beside the chapter, so ``..`` goes on ``sys.path`` and the local nnlib is used;
* on Colab, or wherever nnlib or a package the chapters import is missing: it installs
  ``nnlib[book]`` (nnlib with SymPy, SciPy and scikit-learn, at the versions the book is
  tested against at the least) from the branch the notebooks are published on, so the library
  matches the chapter.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import set_repo_url  # noqa: E402

#: The branch the deploy workflow publishes the reader edition (and nnlib) to.
PUBLISHED_BRANCH = "notebooks"
#: The modules the chapters import beyond nnlib and the standard library (nnlib[book] brings them).
BOOK_MODULES = ("nnlib", "scipy", "sklearn", "sympy")

_TEMPLATE = '''# Setup: make nnlib (the book's library) and the packages below importable,
# wherever this runs.
import importlib.util
import pathlib
import sys

_on_disk = pathlib.Path("../nnlib/__init__.py").is_file()
if importlib.util.find_spec("nnlib") is None and _on_disk:
    # a hub: the book's repository is on disk
    sys.path.insert(0, str(pathlib.Path("..").resolve()))
_book_modules = {modules}
if any(importlib.util.find_spec(m) is None for m in _book_modules):
    %pip install --quiet \\
        "nnlib[book] @ git+{url}@{branch}"
    importlib.invalidate_caches()
import nnlib
'''


def setup_cell(repo_url=None):
    """The setup cell's text (without the chapter's own imports) for ``repo_url``."""
    url = repo_url or set_repo_url.current_url(ROOT)
    modules = "(" + ", ".join(f'"{name}"' for name in BOOK_MODULES) + ")"
    return _TEMPLATE.format(url=url, branch=PUBLISHED_BRANCH, modules=modules)


def rewrite(path, repo_url=None):
    """Give the chapter at ``path`` the current setup cell; return True if it changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    source = "".join(cell["source"])
    lines = source.splitlines(keepends=True)
    if "import nnlib\n" not in lines:
        raise ValueError(f"{path.name}: the first code cell has no line 'import nnlib'")
    end = lines.index("import nnlib\n")
    rest = "".join(lines[end + 1:])
    new = setup_cell(repo_url) + rest
    if new == source:
        return False
    cell["source"] = new.splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


if __name__ == "__main__":
    for chapter in sorted((ROOT / "chapters").glob("*.ipynb")):
        if rewrite(chapter):
            print("rewrote the setup cell of", chapter.relative_to(ROOT))
