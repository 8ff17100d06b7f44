"""nnlib as a package: what it exports, what it needs, what its modules promise.

Fails when a public function or class is added to a module but not re-exported by
name in ``nnlib/__init__.py``, when ``__all__`` names something missing, when a
module forgets to say which chapter derives it, or when importing nnlib would pull
in a package that is not one of its declared dependencies.
"""
import importlib
import inspect
import pathlib
import subprocess
import sys

import pytest

import nnlib

PACKAGE = pathlib.Path(nnlib.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_"))
# Public helpers that stay in their module on purpose (estimator plumbing, not concepts).
NOT_REEXPORTED = {
    "base": {"check_X", "check_X_y", "check_is_fitted"},
    "init": {"as_generator"},
    # the course kit: nnlib.exercises.check(...) in the student edition, not a concept of the book
    "exercises": {"check", "answer_template", "check_call", "labels"},
}


def test_all_names_exist():
    assert sorted(nnlib.__all__) == sorted(set(nnlib.__all__))
    for name in nnlib.__all__:
        assert hasattr(nnlib, name), name


@pytest.mark.parametrize("module", MODULES)
def test_public_names_are_reexported(module):
    mod = importlib.import_module(f"nnlib.{module}")
    public = {
        name for name, obj in vars(mod).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == mod.__name__
    }
    missing = public - set(nnlib.__all__) - NOT_REEXPORTED.get(module, set())
    assert not missing, f"nnlib.{module} defines {sorted(missing)} but nnlib/__init__.py does not export them"


@pytest.mark.parametrize("module", MODULES)
def test_module_docstring_names_its_chapter(module):
    doc = importlib.import_module(f"nnlib.{module}").__doc__ or ""
    assert "chapter" in doc.lower(), f"nnlib.{module}'s docstring should say which chapter derives it"


@pytest.mark.parametrize("module", MODULES + ["_validation", "_fastpath", "_loss_inputs"])
def test_modules_stay_small_enough_to_quote(module):
    lines = (PACKAGE / f"{module}.py").read_text(encoding="utf-8").count("\n")
    assert lines <= 350, f"nnlib/{module}.py has {lines} lines; split it (DESIGN: about 250)"


def test_import_needs_only_declared_dependencies():
    code = (
        "import sys, nnlib; "
        "bad = sorted(m for m in ('sklearn', 'scipy', 'sympy', 'pandas', 'torch', 'myst_nb') if m in sys.modules); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("module", MODULES)
def test_no_exported_name_hides_a_module(module):
    """``import nnlib.X as x`` must give the module X, not a function re-exported as nnlib.X."""
    assert module not in nnlib.__all__, f"nnlib exports a name {module!r} that hides the module nnlib.{module}"
    importlib.import_module(f"nnlib.{module}")
    assert inspect.ismodule(getattr(nnlib, module))
