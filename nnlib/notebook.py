"""Helpers for running the book's chapters as notebooks.

``glue`` hands a computed value to the book's prose (myst-nb's ``glue:text``
role), so that no number in the text is typed by hand. When the chapter runs
outside the book's toolchain (Colab, a bare JupyterHub) myst-nb may be missing;
then ``glue`` simply displays the value (or does nothing when ``display=False``),
so every chapter still runs top to bottom.

``show_source`` prints nnlib's code in the chapters with the docstrings shortened.
"""
import ast
import inspect
import textwrap


def glue(name, value, display=True):
    """Record ``value`` under ``name`` for the book's prose; see the module docstring.

    Used by every chapter, from chapter 1 on.

    Parameters
    ----------
    name : str
        Key that the chapter's Markdown refers to with the ``glue:text`` role.
    value : object
        The value; numbers are best rounded before they are glued.
    display : bool
        Whether to also show the value in the notebook's output.

    Returns
    -------
    None
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    try:
        from myst_nb import glue as _myst_glue
    except ModuleNotFoundError:
        if display:
            from IPython.display import display as _display

            _display(value)
        return
    _myst_glue(name, value, display=display)


def show_source(obj, start=None, stop=None, full=False):
    """Print the source code of ``obj`` with each docstring cut to its first paragraph.

    The chapters print nnlib's code with this, so that the page shows what the code
    does; the full docstrings (formulas, shapes, parameters) are in the API reference
    and in ``help(obj)``. A shortened docstring ends in ``[…]``. Used from chapter 2 on.

    Parameters
    ----------
    obj : object
        A function, class or method whose source ``inspect.getsource`` can find.
    start, stop : str or None
        If given, print only from the first line that starts (after indentation) with
        ``start`` up to, not including, the first later line that starts with ``stop``.
    full : bool
        Print the docstrings in full instead.
    """
    if not isinstance(full, bool):
        raise TypeError(f"full must be a bool, got {type(full).__name__}")
    try:
        source = inspect.getsource(obj)
    except (TypeError, OSError) as err:
        raise TypeError(f"obj must be a function, class or method with Python source, got {obj!r}") from err
    lines = (source if full else _short_docstrings(source)).splitlines()
    for name, value in (("start", start), ("stop", stop)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str or None, got {type(value).__name__}")
    begin = 0
    if start is not None:
        begin = next((i for i, line in enumerate(lines) if line.lstrip().startswith(start)), None)
        if begin is None:
            raise ValueError(f"start={start!r}: no line of the source starts with it")
    end = len(lines)
    if stop is not None:
        end = next((i for i, line in enumerate(lines) if i > begin and line.lstrip().startswith(stop)), None)
        if end is None:
            raise ValueError(f"stop={stop!r}: no line after start starts with it")
    print("\n".join(lines[begin:end]) + "\n")


def _short_docstrings(source):
    """Replace every docstring in ``source`` by its first paragraph followed by ``[…]``."""
    tree = ast.parse(textwrap.dedent(source))
    lines = source.splitlines()
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                spans.append((first.lineno, first.end_lineno, first.value.value))
    for begin, end, doc in sorted(spans, reverse=True):
        paragraph = inspect.cleandoc(doc).split("\n\n")[0]
        if paragraph == inspect.cleandoc(doc):
            continue  # a one-paragraph docstring is printed as written
        head = lines[begin - 1]
        indent = head[: len(head) - len(head.lstrip())]
        quote = head.lstrip()[: head.lstrip().index('"""') + 3]  # keeps an r/u prefix
        body = paragraph.splitlines()
        body[0] = quote + body[0]
        body[-1] += ' […]"""'
        lines[begin - 1:end] = [indent + line for line in body]
    return "\n".join(lines)
