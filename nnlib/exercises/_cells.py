"""The answer cell and the check cell that the student edition inserts after an exercise.

``tools/student_edition.py`` writes them after every self-checking exercise of chapters 1 to
10: :func:`answer_template` is a template with ``...`` to replace, one line (or one ``def``)
per part, and :func:`check_call` the call of :func:`check` with the answer cell's names.
"""
from ._check import lookup
from ._functions import Function


def answer_template(label):
    """The answer cell the student edition inserts after exercise ``label`` (Python source).

    Parameters
    ----------
    label : str
        A self-checking exercise's label, e.g. ``"ex-ch1-count"``.

    Returns
    -------
    str
        The cell's source: one ``name = ...`` line (or a function template) per part.
    """
    exercise = lookup(label)
    lines = [f"# Your answer to the exercise \"{exercise.title}\": replace every ... below."]
    lines += [f"# {line}" for line in exercise.note.splitlines()] if exercise.note else []
    names = []
    for part in exercise.parts.values():
        names += [n for n in getattr(part, "names", ()) if n not in names]
    if names:
        targets = ", ".join(names) + ("," if len(names) == 1 else "")  # symbols("w,") is a tuple too
        lines += ["import sympy", "", f"{targets} = sympy.symbols({' '.join(names) + ',' * (len(names) == 1)!r})"
                  f"  # write each formula with these symbols (or as a function: lambda {', '.join(names)}: ...)"]
    for name, part in exercise.parts.items():
        if isinstance(part, Function):
            lines += ["", part.template.strip(), ""]
        else:
            lines.append(f"{name} = ...  # {part.what}; {part.tolerance()}")
    return "\n".join(lines).rstrip("\n")


def check_call(label):
    """The check cell: ``check("label", a=a, ...)`` with the answer cell's names.

    Parameters
    ----------
    label : str
        A self-checking exercise's label.

    Returns
    -------
    str
        The cell's source.
    """
    exercise = lookup(label)
    names = ", ".join(f"{n}={n}" for n in exercise.parts)
    return f"from nnlib.exercises import check\n\ncheck({label!r}, {names})"
