"""Where the book runs besides the website: the setup cell, the version sets, the published branches.

- The setup cell does the right thing in each place a chapter runs (installed nnlib; a hub
  with the repository beside the chapters; Colab, where packages are missing).
- The version sets agree: Binder's environment is the runtime part of the lock, and
  nnlib's lower bounds are the compatibility floor (Colab's versions).
- ``tools/publish_editions.py`` lays out the ``notebooks`` and ``student`` branches so that
  the setup cell finds nnlib beside the chapters, and publishes them keeping their history.
"""
import fnmatch
import importlib.machinery
import importlib.util
import json
import pathlib
import re
import subprocess
import sys
import tomllib
import urllib.parse

import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import publish_editions  # noqa: E402
import set_repo_url  # noqa: E402
import setup_cell  # noqa: E402


def _pins(path):
    """name -> version for every ``name==version`` line of a requirements file."""
    pins = {}
    for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


# --- the setup cell -----------------------------------------------------------------------
class FakeIPython:
    """Records the line magics the setup cell runs (``%pip``) instead of running them."""

    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line, _stack_depth=1):
        self.magics.append((name, line))


REAL_FIND_SPEC = importlib.util.find_spec


def run_setup_cell(cwd, missing=(), monkeypatch=None):
    """Run the setup cell (without its final import) in ``cwd``, as IPython would, with the
    modules in ``missing`` not installed (but found where a folder on ``sys.path`` added since
    holds them, as Python would); return (magics run, folders added to sys.path)."""
    code = setup_cell.setup_cell().replace("import nnlib\n", "")
    python = TransformerManager().transform_cell(code)  # %pip -> get_ipython().run_line_magic
    start = list(sys.path)

    def find_spec(name, *args):
        if name not in missing:
            return REAL_FIND_SPEC(name, *args)
        return importlib.machinery.PathFinder.find_spec(name, [p for p in sys.path if p not in start])

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.chdir(cwd)
    shell = FakeIPython()
    before = list(sys.path)
    exec(compile(python, "<setup cell>", "exec"), {"get_ipython": lambda: shell})
    added = [p for p in sys.path if p not in before]
    for p in added:
        sys.path.remove(p)
    return shell.magics, added


def test_setup_cell_does_nothing_where_everything_is_installed(tmp_path, monkeypatch):
    assert run_setup_cell(tmp_path, monkeypatch=monkeypatch) == ([], [])


def test_setup_cell_uses_the_repository_on_disk_on_a_hub(tmp_path, monkeypatch):
    (tmp_path / "nnlib").mkdir()
    (tmp_path / "nnlib" / "__init__.py").write_text("")
    (tmp_path / "chapters").mkdir()
    magics, added = run_setup_cell(tmp_path / "chapters", missing=("nnlib",), monkeypatch=monkeypatch)
    assert added == [str(tmp_path.resolve())] and magics == []  # the local nnlib, no install


@pytest.mark.parametrize("missing", [("nnlib",), ("sympy",), ("sklearn", "scipy")])
def test_setup_cell_installs_nnlib_book_from_the_published_branch_on_colab(tmp_path, monkeypatch, missing):
    magics, added = run_setup_cell(tmp_path, missing=missing, monkeypatch=monkeypatch)
    magics = [(name, " ".join(line.split())) for name, line in magics]  # the line is wrapped
    url = set_repo_url.current_url(ROOT)
    assert magics == [("pip", f'install --quiet "nnlib[book] @ git+{url}@{setup_cell.PUBLISHED_BRANCH}"')]
    assert added == []


def test_setup_cell_checks_every_module_the_chapters_import_beyond_the_standard_library():
    imported = set()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for line in "".join(cell["source"]).splitlines():
                    match = re.match(r"^\s*(?:from|import) ([A-Za-z_][A-Za-z0-9_]*)", line)
                    if match:
                        imported.add(match.group(1))
    # nnlib's own dependencies, and what scikit-learn brings with it
    third_party = imported - set(sys.stdlib_module_names) - {"numpy", "matplotlib", "IPython", "threadpoolctl"}
    assert third_party <= set(setup_cell.BOOK_MODULES), third_party - set(setup_cell.BOOK_MODULES)


# --- the version sets ---------------------------------------------------------------------
def test_binder_environment_is_the_runtime_part_of_the_lock():
    lock, binder = _pins("requirements.txt"), _pins("binder/requirements.txt")
    assert {"numpy", "scipy", "sympy", "matplotlib", "scikit-learn"} <= set(binder)
    assert {name: lock.get(name) for name in binder} == binder
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_nnlib_lower_bounds_are_the_compatibility_floor():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for spec in project["dependencies"] + project["optional-dependencies"]["book"]:
        name, version = re.match(r"^([A-Za-z0-9_.-]+)>=(\S+)$", spec).groups()
        bounds[name.lower()] = version
    compat = _pins("requirements-compat.txt")
    assert bounds == {name: compat[name] for name in bounds}
    assert set(bounds) == {"numpy", "matplotlib", "scipy", "scikit-learn", "sympy"}
    assert project["license"] == "MIT"  # an SPDX expression, not the deprecated table


# --- the published branches ---------------------------------------------------------------
@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    """A copy of what publish_editions reads, with two tiny 'editions' in place of make's."""
    root = tmp_path / "book"
    root.mkdir()
    for name in ["_config.yml", "pyproject.toml", "LICENSE", "LICENSE-TEXT"]:
        (root / name).write_bytes((ROOT / name).read_bytes())
    for name in ["nnlib", "binder"]:
        subprocess.run(["cp", "-r", str(ROOT / name), str(root / name)], check=True)
    for branch, (folder, _) in publish_editions.EDITIONS.items():
        (root / folder).mkdir(parents=True)
        (root / folder / "01_intro.ipynb").write_text(json.dumps({"edition": branch}))
    monkeypatch.setattr(publish_editions, "ROOT", root)
    return root


def test_branch_layout_lets_the_setup_cell_find_nnlib(fake_root, tmp_path):
    out = publish_editions.stage("notebooks", tmp_path / "out", source_sha="abc123")
    assert json.loads((out / "chapters" / "01_intro.ipynb").read_text()) == {"edition": "notebooks"}
    assert (out / "chapters" / ".." / "nnlib" / "__init__.py").is_file()  # what the setup cell tests
    for name in ["pyproject.toml", "LICENSE", "LICENSE-TEXT", "binder/requirements.txt",
                 "binder/postBuild", "binder/runtime.txt", "README.md"]:
        assert (out / name).is_file(), name
    assert "abc123" in (out / "README.md").read_text()
    assert not list(out.rglob("__pycache__"))


def test_publish_pushes_each_branch_and_keeps_its_history(fake_root, tmp_path, monkeypatch):
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    subprocess.run(["git", "-C", str(fake_root), "init", "-q"], check=True)
    subprocess.run(["git", "-C", str(fake_root), "remote", "add", "origin", str(origin)], check=True)
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "t")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(key, "t@example.org")
    for sha in ("first", "second"):  # the second push must build on the first
        folder = publish_editions.stage("student", tmp_path / "stage", source_sha=sha)
        publish_editions.push("student", folder, sha)
    log = subprocess.run(["git", "-C", str(origin), "log", "--format=%s", "student"],
                         check=True, capture_output=True, text=True).stdout.split("\n")
    assert log[:2] == ["student edition of main at second", "student edition of main at first"]
    files = subprocess.run(["git", "-C", str(origin), "ls-tree", "-r", "--name-only", "student"],
                           check=True, capture_output=True, text=True).stdout.split()
    assert "chapters/01_intro.ipynb" in files and "nnlib/__init__.py" in files


def test_main_stages_only_the_branches_asked_for(fake_root, tmp_path):
    publish_editions.main(["--out", str(tmp_path / "out"), "--branch", "notebooks"])
    assert (tmp_path / "out" / "notebooks" / "chapters" / "01_intro.ipynb").is_file()
    assert not (tmp_path / "out" / "student").exists()


def test_deploy_publishes_the_student_branch_the_guide_links_to():
    workflow = (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    assert "make book notebooks student" in workflow
    assert re.search(r"tools/publish_editions\.py [^\n]*--push", workflow)  # every branch, student included
    assert publish_editions.EDITIONS["student"][0] == "_student/chapters"
    guide = (ROOT / "appendices" / "instructors.md").read_text(encoding="utf-8")
    assert "```{include} _hub_links.md" in guide
    links = (ROOT / "appendices" / "_hub_links.md").read_text(encoding="utf-8")
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    assert links.count("&branch=student&urlpath=lab/tree/") == len(chapters)
    repo = set_repo_url.current_url(ROOT).rstrip("/")
    assert f"repo={urllib.parse.quote(repo, safe='')}" in links


def test_pyproject_ships_every_subpackage_and_data_file_of_nnlib():
    """A wheel (Colab installs one from the notebooks branch) holds every package and data file."""
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    nnlib_dir = ROOT / "nnlib"
    packages = {".".join(p.parent.relative_to(ROOT).parts) for p in nnlib_dir.rglob("__init__.py")}
    assert "nnlib.exercises" in packages
    assert set(tool["packages"]) == packages
    data = [p for p in nnlib_dir.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and "__pycache__" not in p.parts]
    assert {p.name for p in data} >= {"fingerprints.json"}
    for path in data:  # the innermost package's globs must match the file
        owner = max((q for q in packages if path.relative_to(ROOT).as_posix().startswith(q.replace(".", "/") + "/")),
                    key=len)
        inside = path.relative_to(ROOT / owner.replace(".", "/")).as_posix()
        globs = tool["package-data"].get(owner, [])
        assert any(fnmatch.fnmatch(inside, g) for g in globs), f"{path.relative_to(ROOT)} is not package data of {owner}"


def test_the_exercises_check_in_hub_mode_from_the_published_branch(fake_root, tmp_path):
    """On a hub, nnlib is the folder beside chapters/ (the setup cell puts .. on sys.path), not installed."""
    out = publish_editions.stage("student", tmp_path / "out", source_sha="abc123")
    code = ("import sys; sys.path.insert(0, '..'); import nnlib.exercises as e; "
            "print(e.__file__); e.check('ex-ch1-count', per_layer=[100480, 8256, 650], first_share=0.9186, h=126)")
    done = subprocess.run([sys.executable, "-c", code], cwd=out / "chapters", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    where, verdict = done.stdout.splitlines()
    assert pathlib.Path(where).resolve() == (out / "nnlib" / "exercises" / "__init__.py").resolve()
    assert verdict == "ex-ch1-count: correct (3 parts checked)"
