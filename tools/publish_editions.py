"""Stage (and with ``--push``, publish) the reader and student editions on their own branches.

The deploy workflow runs this after ``make book notebooks student``. Each branch holds what a
student needs and nothing else, laid out as the launch buttons and the setup cell expect:

    chapters/NN_topic.ipynb   the edition's notebooks
    nnlib/  pyproject.toml    the library at the same commit (the setup cell installs
                              ``nnlib[book] @ git+...@notebooks`` on Colab, and uses ../nnlib
                              on a hub that pulled the branch with nbgitpuller)
    binder/                   Binder's environment (runtime packages only)
    LICENSE  LICENSE-TEXT     the licences (code MIT, text CC BY 4.0)
    README.md                 what the branch is and where it comes from

``python tools/publish_editions.py`` stages both branches in ``_publish/`` (to look at, or to
test); ``--push`` also commits each as the next commit of its branch on ``origin`` (the
branch's history is kept) and pushes it, using git plumbing so the working tree is untouched.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import set_repo_url  # noqa: E402

#: branch name -> (folder the edition is written to by make, what the branch is)
EDITIONS = {
    "notebooks": ("_notebooks/chapters", "the reader edition: every chapter as a plain Jupyter "
                  "notebook (solutions folded), which the book's launch buttons open"),
    "student": ("_student/chapters", "the student edition: the reader edition without solutions "
                "and without outputs, with an answer cell and a check cell after each exercise "
                "that nnlib.exercises checks, for instructors to hand out (an nbgrader assignment; "
                "see the instructor's guide)"),
}
#: What every branch carries besides the notebooks.
SHARED = ["nnlib", "pyproject.toml", "LICENSE", "LICENSE-TEXT", "binder"]

README = """# {title}: {branch} edition

This branch is generated; do not edit it. It holds {what}.

- Source: `main` at commit {sha}: the chapters there are MyST notebooks built into the website,
  {site}
- Run a chapter: open it in Colab or Binder from the website's launch buttons, or
  `pip install -e ".[book]"` here and open `chapters/` in Jupyter.
- Licences: code (nnlib, the code cells) MIT, `LICENSE`; text CC BY 4.0, `LICENSE-TEXT`.
"""


def stage(branch, dest, source_sha="(working tree)"):
    """Lay out ``branch`` in the folder ``dest`` (emptied first); return ``dest``."""
    edition, what = EDITIONS[branch]
    notebooks = sorted((ROOT / edition).glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {edition}: run 'make notebooks student' first")
    dest = pathlib.Path(dest)
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "chapters").mkdir(parents=True)
    for nb in notebooks:
        shutil.copy2(nb, dest / "chapters" / nb.name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SHARED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)
    url = set_repo_url.current_url(ROOT)
    owner, repo = url.rstrip("/").split("/")[-2:]
    (dest / "README.md").write_text(README.format(
        title="The Mathematics Behind Neural Networks", branch=branch, what=what, sha=source_sha,
        site=f"https://{owner}.github.io/{repo}/"), encoding="utf-8")
    return dest


def _git(*args, env=None, cwd=None):
    done = subprocess.run(["git", *args], cwd=cwd or ROOT, capture_output=True, text=True, env=env)
    if done.returncode:
        raise subprocess.CalledProcessError(done.returncode, ["git", *args], done.stdout, done.stderr)
    return done.stdout.strip()


def push(branch, folder, source_sha):
    """Commit ``folder`` as the next commit of ``origin/branch`` and push it."""
    git_dir = _git("rev-parse", "--absolute-git-dir")
    env = dict(os.environ, GIT_INDEX_FILE=os.path.join(git_dir, f"index-{branch}"))
    try:
        _git("fetch", "--quiet", "origin", branch)
        parent = ["-p", _git("rev-parse", "FETCH_HEAD")]
    except subprocess.CalledProcessError:
        parent = []  # the branch's first publication (or no such remote branch yet)
    _git("--git-dir", git_dir, "--work-tree", str(folder), "add", "--all", ".", env=env, cwd=folder)
    tree = _git("write-tree", env=env)
    commit = _git("commit-tree", tree, *parent, "-m", f"{branch} edition of main at {source_sha}")
    try:
        _git("push", "--quiet", "origin", f"{commit}:refs/heads/{branch}")
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"git push of {branch} failed: {error.stderr.strip()}") from error
    print(f"published {branch} at {commit[:12]} (from main {source_sha[:12]})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-sha", default="(working tree)", help="the main commit built")
    parser.add_argument("--out", default=str(ROOT / "_publish"), help="where to stage the branches")
    parser.add_argument("--push", action="store_true", help="commit and push each branch to origin")
    parser.add_argument("--branch", action="append", choices=sorted(EDITIONS),
                        help="only this branch (may be repeated; default: all)")
    args = parser.parse_args(argv)
    for branch in args.branch or EDITIONS:
        folder = stage(branch, pathlib.Path(args.out) / branch, args.source_sha)
        print(f"staged {branch} in {folder}")
        if args.push:
            push(branch, folder, args.source_sha)


if __name__ == "__main__":
    main()
