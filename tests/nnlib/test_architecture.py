"""nnlib is layered, bottom to top, and every formula has one implementation.

Read from the source with ``ast`` (no import needed):

* every module of nnlib belongs to a layer of the table below, and imports only
  modules of its own layer or of layers below it; the optimisers import nothing
  of the layers (they update arrays, whatever computed them);
* the imports between nnlib's modules form no cycle;
* no import of an nnlib module is deferred into a function, no module defines
  ``__getattr__``, and no class gets a method assigned from outside its body.
"""
import ast
import pathlib

import pytest

NNLIB = pathlib.Path(__file__).resolve().parents[2] / "nnlib"

#: Bottom to top. A module may import from its own layer and the layers above it in this list.
LAYERS = [
    ("checks", {"_validation", "_buffers", "_input_checks", "_sklearn_compat"}),
    ("pure formulas", {"activations", "softmax_functions", "_loss_inputs", "losses", "categorical_losses",
                       "init", "regularization", "gradient_check", "labels", "attention", "positional"}),
    ("layers", {"layers", "activation_layers", "windows", "conv", "pooling", "recurrent", "lstm", "gru",
                "sequence", "dropout_layer", "normalization", "residual", "global_pool",
                "embedding", "multihead", "transformer"}),
    ("optimisers", {"optim", "adaptive", "schedules"}),
    ("training", {"_training_checks", "training", "backprop_check"}),
    ("estimators", {"base", "perceptron", "_mlp_base", "mlp"}),
    ("book helpers", {"notebook", "plotting", "_network_diagram", "_decision_boundary"}),
    ("course kit", {"exercises"}),
]


def module_name(path):
    """``nnlib/a.py`` -> ``a``; a subpackage ``nnlib/exercises/x.py`` -> ``exercises``."""
    parts = path.relative_to(NNLIB).with_suffix("").parts
    return parts[0]


def level_of(name):
    if name == "nnlib":                              # the package's namespace: everything but the kit
        return len(LAYERS) - 1
    for i, (_, members) in enumerate(LAYERS):
        if name in members:
            return i
    return None


def modules():
    return sorted(p for p in NNLIB.rglob("*.py") if p.name != "__init__.py" or p.parent != NNLIB)


def imported(tree, path):
    """(name of the nnlib module imported, the node, whether it sits inside a function)."""
    package = path.relative_to(NNLIB).parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = list(package[:len(package) - (node.level - 1)] if node.level > 1 else package)
            target = base + (node.module.split(".") if node.module else [])
            names = [target[0]] if target else [alias.name for alias in node.names]
            for name in names:
                yield name, node
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "nnlib":
            parts = node.module.split(".")
            yield (parts[1] if len(parts) > 1 else node.names[0].name), node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "nnlib":                  # ``import nnlib``: the whole package
                    yield (parts[1] if len(parts) > 1 else "nnlib"), node


def graph():
    edges = {}
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges.setdefault(module_name(path), set()).update(
            name for name, _ in imported(tree, path) if name != module_name(path))
    return edges


def test_every_module_has_a_layer():
    unknown = sorted({module_name(p) for p in modules()} - {m for _, ms in LAYERS for m in ms})
    assert not unknown, f"add these nnlib modules to a layer in {__file__}: {unknown}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(NNLIB)))
def test_imports_go_down_the_layers_only(path):
    here = level_of(module_name(path))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name, node in imported(tree, path):
        there = level_of(name)
        assert there is not None and there <= here, (
            f"{path.name}:{node.lineno} imports {name} ({LAYERS[there][0] if there is not None else '?'}) "
            f"from the layer '{LAYERS[here][0]}'")
        assert not (LAYERS[here][0] == "optimisers" and LAYERS[there][0] == "layers"), (
            f"{path.name}:{node.lineno}: an optimiser imports a layer module ({name})")


def test_no_import_cycle():
    edges, state, cycles = graph(), {}, []

    def visit(node, stack):
        state[node] = "open"
        for succ in sorted(edges.get(node, ())):
            if state.get(succ) == "open":
                cycles.append(stack[stack.index(succ):] + [succ])
            elif succ not in state:
                visit(succ, stack + [succ])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(NNLIB)))
def test_no_deferred_import_no_module_getattr_no_method_from_outside(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for func in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        inner = [name for stmt in func.body for node in ast.walk(stmt)
                 for name, _ in imported(ast.Module(body=[node], type_ignores=[]), path)
                 if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert not inner, f"{path.name}: {func.name} imports {inner} inside a function"
    top = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert "__getattr__" not in top, f"{path.name} defines a module __getattr__"
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for t in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    assert not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                                and t.value.id in classes), (
                        f"{path.name}:{node.lineno} assigns {t.value.id}.{t.attr} outside the class body")


def test_the_table_matches_the_package():
    """Every module the table names exists (a renamed module must be renamed here too)."""
    present = {module_name(p) for p in modules()}
    missing = sorted(m for _, ms in LAYERS for m in ms if m not in present)
    assert not missing, f"the layer table names modules that do not exist: {missing}"
