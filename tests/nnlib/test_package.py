"""nnlib as a package: what it exports, what it needs, what its modules promise.

Fails when a public function or class is added to a module but not re-exported by
name in ``nnlib/__init__.py``, when ``__all__`` names something missing, when a
module forgets to say which chapter derives it, when importing nnlib would pull
in a package that is not one of its declared dependencies or the course kit, or when
a module outside the kit imports the kit. (The size of the modules:
tests/test_module_size.py.)
"""
import ast
import importlib
import inspect
import pathlib
import subprocess
import sys

import pytest

import nnlib

PACKAGE = pathlib.Path(nnlib.__file__).parent
# Public modules and public subpackages (the course kit, nnlib/exercises/).
MODULES = sorted([p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")]
                 + [p.parent.name for p in PACKAGE.glob("*/__init__.py") if not p.parent.name.startswith("_")])
# Public helpers that stay in their module on purpose (estimator plumbing, not concepts).
NOT_REEXPORTED = {
    "base": {"check_X", "check_X_y", "check_is_fitted"},
    "init": {"as_generator"},
    # the course kit: nnlib.exercises.check(...) in the student edition, not a concept of the book
    "exercises": {"check", "answer_template", "check_call", "labels", "fingerprint_answers", "NotAnsweredError",
                  "WrongAnswer", "Exercise", "Number", "Array", "Expression", "Choice", "Function"},
}


def test_all_names_exist():
    assert sorted(nnlib.__all__) == sorted(set(nnlib.__all__))
    for name in nnlib.__all__:
        assert hasattr(nnlib, name), name


@pytest.mark.parametrize("module", MODULES)
def test_public_names_are_reexported(module):
    mod = importlib.import_module(f"nnlib.{module}")
    exported = set(getattr(mod, "__all__", ()))  # names a module exports from its private modules count too
    public = {
        name for name, obj in vars(mod).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and (obj.__module__ == mod.__name__ or name in exported)
    }
    missing = public - set(nnlib.__all__) - NOT_REEXPORTED.get(module, set())
    assert not missing, f"nnlib.{module} defines {sorted(missing)} but nnlib/__init__.py does not export them"


@pytest.mark.parametrize("module", MODULES)
def test_module_docstring_names_its_chapter(module):
    doc = importlib.import_module(f"nnlib.{module}").__doc__ or ""
    assert "chapter" in doc.lower(), f"nnlib.{module}'s docstring should say which chapter derives it"


def test_import_needs_only_declared_dependencies_and_not_the_course_kit():
    code = (
        "import sys, nnlib; "
        "bad = sorted(m for m in ('sklearn', 'scipy', 'sympy', 'pandas', 'torch', 'myst_nb') if m in sys.modules); "
        "kit = sorted(m for m in sys.modules if m == 'nnlib.exercises' or m.startswith('nnlib.exercises.')); "
        "print(','.join(bad)); print(','.join(kit)); print(len([m for m in sys.modules if m.startswith('nnlib.')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    bad, kit, n_loaded = out.stdout.splitlines()
    assert bad == "", f"import nnlib imports {bad}"
    assert kit == "", f"import nnlib imports the course kit: {kit}"
    assert int(n_loaded) >= 10  # nnlib's own modules were loaded, so the test looked at a real import
    # and the check is able to see the kit when it is imported
    code = code.replace("import sys, nnlib;", "import sys, nnlib, nnlib.exercises;")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "nnlib.exercises" in out.stdout.splitlines()[1].split(",")


def _imported_modules(path, package):
    """The absolute names of the modules that the file ``path`` of the package ``package`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_nothing_outside_the_course_kit_imports_it():
    kit = PACKAGE / "exercises"
    assert (kit / "__init__.py").is_file()
    core = [p for p in PACKAGE.rglob("*.py") if kit not in p.parents]
    assert len(core) >= 20
    for path in core:
        package = ".".join(["nnlib", *path.relative_to(PACKAGE).parent.parts])
        imported = _imported_modules(path, package)
        assert not {m for m in imported if m == "nnlib.exercises" or m.startswith("nnlib.exercises.")}, (
            f"{path.relative_to(PACKAGE.parent)} imports the course kit, which sits above the rest of nnlib")
    # the helper resolves relative imports, so it would see an import of the kit
    assert "nnlib._input_checks" in _imported_modules(PACKAGE / "base.py", "nnlib")
    assert "nnlib.exercises._checks_networks" in _imported_modules(kit / "_registry.py", "nnlib.exercises")


@pytest.mark.parametrize("module", MODULES)
def test_no_exported_name_hides_a_module(module):
    """``import nnlib.X as x`` must give the module X, not a function re-exported as nnlib.X."""
    assert module not in nnlib.__all__, f"nnlib exports a name {module!r} that hides the module nnlib.{module}"
    importlib.import_module(f"nnlib.{module}")
    assert inspect.ismodule(getattr(nnlib, module))
