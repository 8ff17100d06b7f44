"""The supply chain: hash-checked locks, installs that require the hashes, pinned actions.

- Every lock (written by ``make lock``) pins every package to one version and carries at
  least one sha256 per pin, and holds every package its ``*.in`` file names.
- Every ``pip install`` of a lock in the Makefile, ``.ci/run`` and the workflows passes
  ``--require-hashes``; Binder's file turns hash checking on by itself (pip does so when a
  requirement carries a hash).
- Every action in the workflows is pinned to a full commit SHA with its version in a
  comment, and no checkout keeps the token in the workspace.

Plain text parsing (no PyYAML), so this runs in every environment the tests run in.
"""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LOCKS = {  # lock -> the file it is resolved from
    "requirements.txt": "requirements.in",
    "requirements-compat.txt": "requirements-compat.in",
    "requirements-grade.txt": "requirements-grade.in",
    "binder/requirements.txt": "binder/requirements.in",
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?:\s*;\s*(.*?))?\s*\\?$")


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _blocks(text):
    """[(name, version, marker, hashes)] for each requirement of a hashed requirements file."""
    blocks = []
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            blocks.append((_norm(match.group(1)), match.group(2), match.group(3), []))
        elif line.strip().startswith("--hash=") and blocks:
            blocks[-1][3].append(line.strip().rstrip("\\").strip())
        elif line.strip() and not line.lstrip().startswith("#") and not line.startswith(" "):
            raise AssertionError(f"unexpected line in a lock: {line!r}")
    return blocks


def _requested(path):
    """The package names an ``*.in`` file asks for."""
    names = set()
    for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(_norm(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0]))
    return names


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_of_a_lock_carries_sha256_hashes(lock):
    blocks = _blocks((ROOT / lock).read_text(encoding="utf-8"))
    assert len(blocks) >= 6, lock
    for name, version, _, hashes in blocks:
        assert hashes, f"{lock}: {name}=={version} has no hash"
        for digest in hashes:
            assert re.fullmatch(r"--hash=sha256:[0-9a-f]{64}", digest), (lock, name, digest)


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_a_lock_holds_what_its_input_asks_for(lock):
    pinned = {name for name, *_ in _blocks((ROOT / lock).read_text(encoding="utf-8"))}
    assert _requested(LOCKS[lock]) <= pinned, _requested(LOCKS[lock]) - pinned


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_a_lock_pins_each_package_once_per_environment(lock):
    seen = {}
    for name, version, marker, _ in _blocks((ROOT / lock).read_text(encoding="utf-8")):
        assert (name, marker) not in seen, f"{lock}: {name} pinned twice for {marker!r}"
        seen[(name, marker)] = version


def test_the_installers_are_in_the_lock():
    """pip (which upgrades itself from the lock) and setuptools (which builds nnlib's editable
    install without build isolation) are hash-checked like everything else."""
    pinned = {name for name, *_ in _blocks((ROOT / "requirements.txt").read_text(encoding="utf-8"))}
    assert {"pip", "setuptools", "uv", "zizmor"} <= pinned


def _install_commands():
    """(file, command) for every ``pip install`` in the Makefile, .ci/run and the workflows."""
    files = ["Makefile", ".ci/run", *sorted(p.relative_to(ROOT).as_posix()
                                            for p in (ROOT / ".github" / "workflows").glob("*.yml"))]
    found = []
    for name in files:
        text = (ROOT / name).read_text(encoding="utf-8").replace("\\\n", " ")
        found += [(name, line.strip()) for line in text.splitlines() if re.search(r"pip install\b", line)]
    return found


def test_every_install_of_a_lock_requires_hashes():
    commands = _install_commands()
    of_a_lock = [(name, cmd) for name, cmd in commands if re.search(r"-r \S*requirements", cmd)]
    assert len(of_a_lock) >= 3, commands  # make env, make compat, the grading packages
    for name, cmd in of_a_lock:
        assert "--require-hashes" in cmd, f"{name}: {cmd}"
    for name, cmd in commands:
        if re.search(r"-e \.", cmd):  # nnlib itself: no dependencies, nothing fetched to build it
            assert "--no-deps" in cmd and "--no-build-isolation" in cmd, f"{name}: {cmd}"


def test_binder_installs_nnlib_alone():
    post_build = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    installs = [line for line in post_build.splitlines() if "pip install" in line]
    assert installs and all("--no-deps" in line for line in installs), installs


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha(workflow):
    uses = re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", workflow.read_text(encoding="utf-8"), re.M)
    assert uses
    for ref, rest in uses:
        if ref.startswith("./"):
            continue  # a reusable workflow of this repository, read at the calling commit
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), ref
        assert re.match(r"\s*# v\d+(\.\d+)*", rest), f"{ref}: no version comment"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_checkout_keeps_the_token(workflow):
    lines = workflow.read_text(encoding="utf-8").splitlines()
    checkouts = [i for i, line in enumerate(lines) if "uses: actions/checkout@" in line]
    for i in checkouts:
        assert "persist-credentials: false" in "\n".join(lines[i + 1:i + 4]), f"{workflow.name}:{i + 1}"


def test_workflow_permissions_are_read_only_at_the_top():
    for workflow in WORKFLOWS:
        text = workflow.read_text(encoding="utf-8")
        top = re.search(r"^permissions:(.*(?:\n  .*)*)", text, re.M)
        assert top, f"{workflow.name}: no workflow-level permissions"
        granted = re.sub(r"#.*", "", top.group(1))
        assert not re.search(r":\s*write", granted), f"{workflow.name}: {top.group(0)}"
