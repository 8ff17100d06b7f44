"""Point the book at its repository: ``python tools/set_repo_url.py https://github.com/OWNER/REPO``.

The repository URL appears in several places that must agree: ``_config.yml``
(launch and repository buttons), the README's badges and links, ``CITATION.cff``,
``pyproject.toml``, ``CONTRIBUTING.md`` and the setup cell of every chapter (which
installs nnlib from the repository on Colab). This script reads the current URL
from ``_config.yml`` and rewrites it, its ``OWNER/REPO`` slug and its GitHub Pages
address everywhere. ``tests/test_book_structure.py`` checks that they agree.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
FILES = ["_config.yml", "README.md", "CITATION.cff", "pyproject.toml", "CONTRIBUTING.md", "intro.md"]
URL_RE = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)/?$")


def current_url(root=ROOT):
    """Return the repository URL set in ``_config.yml``."""
    text = (root / "_config.yml").read_text(encoding="utf-8")
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", text, flags=re.MULTILINE)
    if match is None:
        raise ValueError("_config.yml has no repository: url: entry")
    return match.group(1)


def files_to_rewrite(root=ROOT):
    """Every file that mentions the repository."""
    return [root / f for f in FILES if (root / f).exists()] + sorted((root / "chapters").glob("*.ipynb"))


def set_repo_url(new_url, root=ROOT):
    """Rewrite the repository URL everywhere; return the files changed."""
    new = URL_RE.match(new_url)
    if new is None:
        raise ValueError(f"new_url must look like https://github.com/OWNER/REPO, got {new_url!r}")
    old = URL_RE.match(current_url(root))
    pairs = [
        (old.group(0), new.group(0).rstrip("/")),
        (f"{old.group(1)}/{old.group(2)}", f"{new.group(1)}/{new.group(2)}"),
        (f"{old.group(1)}.github.io/{old.group(2)}", f"{new.group(1)}.github.io/{new.group(2)}"),
    ]
    changed = []
    for path in files_to_rewrite(root):
        text = original = path.read_text(encoding="utf-8")
        for before, after in pairs:
            text = text.replace(before, after)
        if text != original:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[0])
    for path in set_repo_url(sys.argv[1]):
        print("rewrote", path.relative_to(ROOT))
