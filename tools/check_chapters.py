"""Which chapters use the nnlib modules that changed: ``python tools/check_chapters.py [--module M] [--base main]``.

Prints the chapters (one path a line) that ``make check-chapters`` runs under strict nbval:
those whose code uses a module changed since the merge base with ``--base`` (committed or
not), or one of the modules named with ``--module`` (``layers`` or ``nnlib.layers``, comma
separated). Nothing is hand-written, so renamed or new modules need no table:

- a chapter uses the modules its code cells name (``from nnlib.layers import Dense``,
  ``nnlib.layers.Dense``, a re-exported ``nnlib.Dense`` or ``from nnlib import Dense`` traced
  through ``nnlib/__init__.py`` to the module that defines it, a displayed ``nnlib/layers.py``),
  read with Python's ``ast`` after IPython turns the cells' magics into Python;
- a module uses what it imports, directly or not (nnlib's own import graph, also by ``ast``).

Every chapter imports the package, so a change to ``nnlib/__init__.py`` selects them all.
"""
import argparse
import ast
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def module_name(path, package):
    """nnlib/layers.py -> nnlib.layers; nnlib/exercises/__init__.py -> nnlib.exercises."""
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(importer, node, modules):
    """The nnlib modules one import statement of ``importer`` names."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in modules}
    base = node.module or ""
    if node.level:
        package = importer if importer in modules and _is_package(importer, modules) else importer.rsplit(".", 1)[0]
        for _ in range(node.level - 1):
            package = package.rsplit(".", 1)[0]
        base = f"{package}.{base}".rstrip(".")
    submodules = {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules}
    return submodules or ({base} if base in modules else set())


def _is_package(name, modules):
    return any(other.startswith(name + ".") for other in modules)


def import_graph(package=ROOT / "nnlib"):
    """``({module: set of nnlib modules it imports}, {re-exported name: defining module})``."""
    paths = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    graph, exported = {}, {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets = _resolve(name, node, paths)
                graph[name] |= targets - {name}
                if name == package.name and isinstance(node, ast.ImportFrom) and len(targets) == 1:
                    exported.update({a.asname or a.name: next(iter(targets)) for a in node.names})
    return graph, exported


def closure(modules, graph):
    """The modules and everything they import, directly or not."""
    seen, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += graph.get(module, ())
    return seen


def _code(cell_source):
    from IPython.core.inputtransformer2 import TransformerManager  # noqa: PLC0415 (magics -> Python)

    return TransformerManager().transform_cell(cell_source)


def chapter_modules(path, graph, exported, package="nnlib"):
    """The nnlib modules a chapter's code uses (before the import graph's closure)."""
    nb = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    used = {package}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(_code("".join(cell["source"])))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "level", 0) == 0:
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    if name.startswith(package):
                        used |= {name} if name in graph else set()
                        if isinstance(node, ast.ImportFrom) and name == package:
                            used |= {exported[a.name] for a in node.names if a.name in exported}
                            used |= {f"{package}.{a.name}" for a in node.names if f"{package}.{a.name}" in graph}
            elif isinstance(node, ast.Attribute):
                dotted = _dotted(node)
                if dotted and dotted.startswith(package + "."):
                    first = dotted.split(".")[1]
                    used |= {exported[first]} if first in exported else set()
                    used |= {m for m in graph if dotted == m or dotted.startswith(m + ".")}
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and f"{package}/" in node.value:
                used |= {m for m in graph if f"{m.replace('.', '/')}.py" in node.value}
    return used


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else None


def changed_modules(base="main", root=ROOT, package="nnlib"):
    """The nnlib modules whose file changed since the merge base with ``base`` (or is new)."""
    def git(*args):
        return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                              text=True).stdout.split()

    merge_base = git("merge-base", base, "HEAD")[0]
    files = git("diff", "--name-only", merge_base, "--", package) + git(
        "ls-files", "--others", "--exclude-standard", "--", package)
    pkg = root / package
    return {module_name(root / f, pkg) for f in files if f.endswith(".py")}


def chapters_to_check(modules, chapters=ROOT / "chapters", package=ROOT / "nnlib"):
    """``[chapter path]`` of the chapters whose code uses one of ``modules``, directly or not."""
    graph, exported = import_graph(package)
    unknown = set(modules) - set(graph)
    graph[package.name] = set()  # importing the package runs __init__, but uses only what it names
    if unknown:
        raise SystemExit(f"not modules of {package.name}: {', '.join(sorted(unknown))}")
    return [path for path in sorted(pathlib.Path(chapters).glob("*.ipynb"))
            if closure(chapter_modules(path, graph, exported, package.name), graph) & set(modules)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="", help="modules to check, e.g. layers,losses (default: changed ones)")
    parser.add_argument("--base", default="main", help="branch to compare with (default: main)")
    args = parser.parse_args(argv)
    if args.module:
        modules = {m if m.startswith("nnlib") else f"nnlib.{m}" for m in args.module.split(",") if m}
    else:
        modules = changed_modules(args.base)
    print(f"modules: {', '.join(sorted(modules)) or 'none changed'}", file=sys.stderr)
    for path in chapters_to_check(modules):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
