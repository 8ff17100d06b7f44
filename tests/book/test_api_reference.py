"""The API reference (appendices/api.md) covers nnlib, and nnlib's docstrings can fill it.

appendices/api.md documents nnlib with Sphinx autodoc directives. This test reads the
page's directives (no build needed) and fails when

* a public name of nnlib (``nnlib.__all__`` and each module's public functions and classes)
  is not documented at its canonical path, ``obj.__module__`` (the module that defines it;
  names that a module exports in its ``__all__`` from a private module count as that
  module's), by an ``automodule`` with ``:members:`` or by an explicit directive;
* a public module has no ``automodule`` (so ``{py:mod}`` links to it would dangle);
* a documented name has no docstring (autodoc's ``:members:`` silently skips those), or a
  public method of a public class has none;
* a public function's docstring lacks a ``Parameters`` section for its arguments (every
  argument documented, no name that is not an argument) or a ``Returns`` section, or a
  public class with constructor arguments does not document them;
* prose follows a numpydoc section (napoleon would read a trailing "Shapes: ..." or
  "Derived in chapter N." as one more parameter or return value);
* an object that computes a formula (the modules in ``FORMULA_MODULES``) has no
  ``:math:`` role or ``.. math::`` directive in its docstring;
* a public function or class does not say which chapter derives it ("chapter N"), which
  the reference turns into a link back to that chapter.
"""
import ast
import importlib
import inspect
import pathlib
import re
import sys
import textwrap

import pytest

import nnlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import myst  # noqa: E402
PAGE = ROOT / "appendices" / "api.md"
PACKAGE = pathlib.Path(nnlib.__file__).parent
# Public modules and public subpackages (the course kit, nnlib/exercises/).
MODULES = sorted([p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")]
                 + [p.parent.name for p in PACKAGE.glob("*/__init__.py") if not p.parent.name.startswith("_")])

# Modules whose functions and classes compute a formula that their docstring must state.
FORMULA_MODULES = {
    "activations", "softmax_functions", "losses", "init", "optim", "adaptive", "regularization",
    "schedules", "layers", "conv", "recurrent", "gradient_check", "sequence",
}
# ...except these, which compute none (a type conversion, a data file).
NO_FORMULA = {"nnlib.init.as_generator", "nnlib.sequence.book_text"}
# Estimator plumbing and the course kit: no chapter derives them, so their entries need not
# name one (their module's section in the page links to the chapter that introduces them).
NO_CHAPTER_MODULES = {"base", "exercises"}

SECTION_NAMES = ("Parameters", "Returns", "Yields", "Raises", "Attributes", "Notes", "Examples",
                 "See Also", "Warns", "Other Parameters", "References", "Methods")


# ------------------------------------------------------------------ the page
def _directives():
    """[(directive, argument, options)] of every autodoc directive in the page's eval-rst blocks."""
    text = PAGE.read_text(encoding="utf-8")
    found = []
    for block in ("\n".join(d.content) for d in myst.directives(text) if d.name == "eval-rst"):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"\.\. (auto\w+|py:module)::\s*(\S+)", line.strip())
            if not m:
                continue
            options = {}
            for opt in lines[i + 1:]:
                o = re.match(r"\s+:([\w-]+):\s*(.*)", opt)
                if not o:
                    break
                options[o.group(1)] = o.group(2).strip()
            found.append((m.group(1), m.group(2), options))
    return found


DIRECTIVES = _directives()


def _automodules():
    """{module name: options} of the page's automodule directives."""
    return {arg: opts for kind, arg, opts in DIRECTIVES if kind == "automodule"}


def _explicit():
    return {arg for kind, arg, _ in DIRECTIVES if kind in
            ("autofunction", "autoclass", "autoexception", "autodata")}


# ------------------------------------------------------------- public names
def _private(module):
    """Whether a dotted module name has a private part: ``nnlib._validation``, ``nnlib.exercises._check``."""
    return any(part.startswith("_") for part in module.split("."))


def _public_objects():
    """{canonical path: object} for every public function and class of nnlib."""
    found = {}
    for name in MODULES:
        mod = importlib.import_module(f"nnlib.{name}")
        exported = getattr(mod, "__all__", None)
        for attr, obj in vars(mod).items():
            if attr.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            home = obj.__module__
            if home == mod.__name__:
                found[f"{home}.{attr}"] = obj
            elif exported is not None and attr in exported and _private(home):
                found[f"{mod.__name__}.{attr}"] = obj   # exported from a private module
    for attr in nnlib.__all__:
        obj = getattr(nnlib, attr)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            home = obj.__module__
            assert not _private(home) or any(v is obj for v in found.values()), (
                f"nnlib.{attr} is defined in the private module {home} and no public module exports it")
            if not _private(home):
                found.setdefault(f"{home}.{attr}", obj)
    return found


PUBLIC = _public_objects()


def _public_methods(path, cls):
    """Public methods and properties that the reference documents with the class ``cls``.

    Those defined in ``cls`` itself or inherited from one of nnlib's private base classes;
    a method inherited from a public class is documented there.
    """
    found = {}
    for name in dir(cls):
        if name.startswith("_"):
            continue
        owner = next((k for k in cls.__mro__ if name in vars(k)), None)
        if owner is None or owner is object or not owner.__module__.startswith("nnlib"):
            continue
        if owner is not cls and not owner.__name__.startswith("_"):
            continue
        member = vars(owner)[name]
        if isinstance(member, (property, classmethod, staticmethod)) or inspect.isfunction(member):
            found[f"{path}.{name}"] = member
    return found


def _is_documented(path, obj):
    """Whether a directive of the page documents ``obj`` at ``path``, as autodoc decides it."""
    if path in _explicit():
        return True
    module = path.rpartition(".")[0]
    options = _automodules().get(module)
    if options is None or "members" not in options or options["members"]:
        return False                                    # no automodule, or an explicit member list
    exported = getattr(importlib.import_module(module), "__all__", None)
    if exported is not None and "ignore-module-all" not in options:
        # autodoc follows the module's __all__, and documents what it names wherever it is defined
        return path.rpartition(".")[2] in exported
    return obj.__module__ == module or "imported-members" in options


# ------------------------------------------------------------ docstrings
def _sections(doc):
    """{section name: [lines]} of a cleaned (dedented) numpydoc docstring, and the text before."""
    lines = doc.splitlines()
    sections, current, head = {}, None, []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() in SECTION_NAMES and re.fullmatch(r"-{3,}", nxt.strip() or "x") and not line.startswith(" "):
            current = line.strip()
            sections[current] = []
            i += 2
            continue
        (sections[current] if current else head).append(line)
        i += 1
    return head, sections


def _field_names(lines):
    """Names documented by the unindented ``name : type`` lines of a Parameters-like section."""
    names = []
    for line in lines:
        if line and not line.startswith(" "):
            spec = line.split(" : ")[0] if " : " in line else line
            names += [n.strip().lstrip("*") for n in spec.split(",")]
    return names


def _arguments(obj):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values() if p.name not in ("self", "cls")]


def _returns_value(func):
    """Whether ``func``'s own body has a ``return <value>`` (not counting nested functions)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return True
    body = tree.body[0]

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            if isinstance(child, ast.Return) and child.value is not None:
                return True
            if visit(child):
                return True
        return False
    return visit(body)


# ------------------------------------------------------------------ tests
def test_the_page_parses():
    assert PAGE.read_text(encoding="utf-8").startswith("(api-reference)=\n"), "label (api-reference)= on line 1"
    assert len(_automodules()) >= len(MODULES) and PUBLIC


@pytest.mark.parametrize("module", MODULES)
def test_every_public_module_has_an_automodule(module):
    assert f"nnlib.{module}" in _automodules(), f"appendices/api.md has no automodule for nnlib.{module}"


def test_each_module_section_links_its_chapter():
    """Each automodule is preceded, in its section, by a {doc} link to a chapter."""
    text = PAGE.read_text(encoding="utf-8")
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        if "automodule::" in section:
            docs = [content for name, content in myst.roles(section) if name == "doc"]
            assert any(re.fullmatch(r"/chapters/\d\d_\w+", d) for d in docs), section.splitlines()[0]


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_public_name_is_documented(path):
    obj = PUBLIC[path]
    assert _is_documented(path, obj), f"{path} is not covered by an automodule :members: or a directive in {PAGE.name}"
    assert inspect.getdoc(obj), f"{path} has no docstring, so autodoc's :members: leaves it out"
    if inspect.isclass(obj):
        for meth, member in _public_methods(path, obj).items():
            target = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            assert inspect.getdoc(target), f"{meth} has no docstring, so the reference leaves it out"
            if meth.rpartition(".")[2] not in vars(obj):    # from a private base class
                options = _automodules().get(path.rpartition(".")[0], {})
                assert "inherited-members" in options or path in _explicit(), (
                    f"{meth} is inherited from a private class: the automodule needs :inherited-members:")


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_docstring_documents_arguments_and_result(path):
    obj = PUBLIC[path]
    doc = inspect.getdoc(obj) or ""
    head, sections = _sections(doc)
    args = _arguments(obj)
    if inspect.isclass(obj):
        documented = _field_names(sections.get("Parameters", [])) + _field_names(sections.get("Attributes", []))
        missing = [a for a in args if a not in documented]
        assert not missing, f"{path}: constructor arguments {missing} are not in Parameters"
    else:
        if args:
            documented = _field_names(sections.get("Parameters", []))
            assert documented, f"{path} has no Parameters section"
            assert sorted(set(documented)) == sorted(set(args)), (
                f"{path}: Parameters documents {documented}, the signature has {args}")
        if _returns_value(obj):
            assert "Returns" in sections, f"{path} has no Returns section"


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_no_prose_after_a_section(path):
    """Napoleon reads an unindented line after a section header as a field: keep prose before."""
    _, sections = _sections(inspect.getdoc(PUBLIC[path]) or "")
    for name, lines in sections.items():
        if name in ("Notes", "Examples", "References"):
            continue
        for line in lines:
            assert not (line and not line.startswith(" ") and line.rstrip().endswith(".")), (
                f"{path}: {line!r} follows the {name} section; move it before the first section")


@pytest.mark.parametrize("path", sorted(p for p in PUBLIC if p.split(".")[1] in FORMULA_MODULES and p not in NO_FORMULA))
def test_docstring_states_the_formula(path):
    doc = inspect.getdoc(PUBLIC[path]) or ""
    assert ":math:`" in doc or ".. math::" in doc, f"{path}'s docstring states no formula (:math: or .. math::)"


@pytest.mark.parametrize("path", sorted(p for p in PUBLIC if p.split(".")[1] not in NO_CHAPTER_MODULES))
def test_docstring_links_back_to_a_chapter(path):
    doc = inspect.getdoc(PUBLIC[path]) or ""
    assert re.search(r"\b[Cc]hapters? \d", doc), f"{path}'s docstring does not say which chapter derives it"


def test_link_rule_of_the_sphinx_extension():
    """tools/sphinx_nnlib_api.py links "chapter N" outside ``literals`` and math, and only there."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        ext = importlib.import_module("sphinx_nnlib_api")
    finally:
        sys.path.remove(str(ROOT / "tools"))

    class App:
        srcdir = ROOT

        class env:
            pass
    lines = ["Derived in chapter 3, *Activation functions*.", "``chapter 3``", "",
             ".. math:: \\text{chapter 3}", "", "chapter 99 and chapter 10."]
    ext.link_chapters(App, "function", "nnlib.x", None, None, lines)
    assert lines[0].startswith("Derived in :doc:`chapter 3 </chapters/03_")
    assert lines[1] == "``chapter 3``" and lines[3] == ".. math:: \\text{chapter 3}"
    assert lines[5].startswith("chapter 99 and :doc:`chapter 10 </chapters/10_")

    lines = ["Fit.", "", "Parameters", "----------", "X : array_like, shape (m, n_features)",
             "    Data.", "y : array_like of shape (m,), optional", "", "Returns", "-------",
             "ndarray, shape (m,)"]
    ext.shapes_out_of_types(App, "function", "nnlib.x", None, None, lines)
    assert lines[4:9] == ["X : array_like", "    Shape ``(m, n_features)``.", "    Data.",
                          "y : array_like, optional", "    Shape ``(m,)``."]
    assert lines[-2:] == ["ndarray", "    Shape ``(m,)``."]


@pytest.mark.built
def test_built_inventory_has_every_public_name():
    """The build's objects.inv has every public name.

    The tests above need no build; this one reads what Sphinx actually produced (``make book``
    writes _build/html), so it is marked ``built`` and runs in ``make reader-tests``, after the
    build; there a missing build, or one older than nnlib's sources or the page, is a failure.
    """
    inventory = ROOT / "_build" / "html" / "objects.inv"
    sources = [PAGE, *PACKAGE.rglob("*.py")]
    assert inventory.is_file(), "no build in _build/html: run `make book` first"
    assert inventory.stat().st_mtime >= max(p.stat().st_mtime for p in sources), (
        "the build in _build/html is older than nnlib or the API page: run `make book` again")
    posixpath = importlib.import_module("posixpath")
    from sphinx.util.inventory import InventoryFile
    with inventory.open("rb") as f:
        inv = InventoryFile.load(f, "", posixpath.join)
    names = {name for entries in inv.values() for name in entries}
    expected = set(PUBLIC) | {f"nnlib.{m}" for m in MODULES}
    for path, obj in PUBLIC.items():
        if inspect.isclass(obj):
            expected |= set(_public_methods(path, obj))
    assert not sorted(expected - names), f"missing from the built reference: {sorted(expected - names)}"
