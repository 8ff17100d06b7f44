r"""Self-checking exercises: ``check("<exercise label>", name=value, ...)``.

The student edition of the book (the chapters without solutions) follows every exercise whose
answer is a number, an expression, an array or a function with an *answer cell* (a template
with ``...`` to replace) and a *check cell* that calls :func:`check`. The check says whether
the answer is right and, when it is not, where it is wrong (which part, which entry of an
array, the sign, the order of magnitude, the point where an expression differs), but it never
shows the answer:

* a number is compared within a stated tolerance against a *fingerprint*: a salted hash of the
  value rounded to the tolerance (the neighbouring bins are tried too), so the package holds no
  plain answer; an array is fingerprinted entry by entry, with its shape;
* an expression (a SymPy expression, or a Python function of the named variables) is evaluated
  at fixed points, and each value is compared against its fingerprint;
* a function is compared with nnlib (or with a property that the exercise states, or with
  finite differences) on random inputs, several shapes, extreme inputs (``|z|`` up to 1e4) and
  both float32 and float64.

For autograders (nbgrader runs the check cells as tests): a wrong answer raises
``AssertionError`` with the message, an answer left as ``...`` raises
:class:`NotAnsweredError` (not an ``AssertionError``), and a right one prints one line.
The checks, tolerances and templates are in ``nnlib._exercise_registry``; the fingerprints in
``nnlib._exercise_fingerprints`` are written by ``tools/exercise_fingerprints.py`` from
reference solutions kept outside the package. Used by the exercises of chapters 1 to 11.
"""
from ._exercise_kinds import Function, NotAnsweredError, WrongAnswer

__all__ = ["check", "NotAnsweredError", "WrongAnswer", "answer_template", "check_call", "labels"]


def _is_unanswered(value):
    return value is Ellipsis or (isinstance(value, (tuple, list)) and any(v is Ellipsis for v in value))


def _registry():
    from ._exercise_registry import EXERCISES  # noqa: PLC0415 - the checks import nnlib's modules
    return EXERCISES


def _fingerprints():
    from ._exercise_fingerprints import FINGERPRINTS  # noqa: PLC0415
    return FINGERPRINTS


def _lookup(label):
    if not isinstance(label, str):
        raise TypeError(f"label must be an exercise label such as 'ex-ch1-count', got {type(label).__name__}")
    exercises = _registry()
    if label in exercises:
        return exercises[label]
    prefix = "-".join(label.split("-")[:2]) + "-"  # ex-ch1-by-hand -> ex-ch1-
    same = [k for k in exercises if k.startswith(prefix)]
    if same:
        chapter = exercises[same[0]].chapter
        raise ValueError(f"unknown exercise label {label!r}: chapter {chapter}'s self-checking exercises "
                         f"are {', '.join(same)}")
    chapters = {}
    for key, ex in exercises.items():
        chapters.setdefault(ex.chapter, "-".join(key.split("-")[:2]) + "-...")
    raise ValueError(f"unknown exercise label {label!r}: labels look like "
                     + "; ".join(f"chapter {c}: {p}" for c, p in sorted(chapters.items())))


def check(label, /, **answers):
    """Check the answers to exercise ``label``; raise if one is wrong or missing, else print "correct".

    Parameters
    ----------
    label : str
        The exercise's label, e.g. ``"ex-ch1-count"`` (the student edition writes the call).
    **answers
        One keyword per part of the exercise, with the names the answer cell uses.

    Raises
    ------
    ValueError
        ``label`` is not a self-checking exercise (the message lists the chapter's labels).
    TypeError
        A part is missing or an unknown name is given (the message names the expected parts).
    NotAnsweredError
        A part is still ``...``: not answered yet.
    AssertionError
        A part is wrong; the message says which part and where, not what the answer is.
    """
    exercise = _lookup(label)
    expected = list(exercise.parts)
    missing = [n for n in expected if n not in answers]
    unexpected = [n for n in answers if n not in exercise.parts]
    if missing or unexpected:
        raise TypeError(f"check({label!r}, ...) takes the answers {', '.join(expected)}"
                        + (f"; missing: {', '.join(missing)}" if missing else "")
                        + (f"; unexpected: {', '.join(unexpected)}" if unexpected else ""))
    prints = _fingerprints().get(label, {})
    wrong, unanswered = [], [n for n in expected if _is_unanswered(answers[n])]
    for name, part in exercise.parts.items():
        if name in unanswered:
            continue
        try:
            part.check((label, name), answers[name], prints.get(name), what=name)
        except NotAnsweredError:
            unanswered.append(name)
        except AssertionError as error:
            wrong.append(str(error))
    if wrong:
        raise AssertionError(f"{label}: {len(wrong)} of {len(expected)} parts wrong\n  - " + "\n  - ".join(wrong)
                             + (f"\n  (not answered yet: {', '.join(unanswered)})" if unanswered else ""))
    if unanswered:
        raise NotAnsweredError(f"{label}: not answered yet: replace the ... in "
                               f"{', '.join(unanswered)} in the answer cell above")
    print(f"{label}: correct ({len(expected)} part{'s' if len(expected) > 1 else ''} checked)")


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
    exercise = _lookup(label)
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
    exercise = _lookup(label)
    names = ", ".join(f"{n}={n}" for n in exercise.parts)
    return f"from nnlib.exercises import check\n\ncheck({label!r}, {names})"


def labels():
    """The labels of all self-checking exercises, in the order of the book.

    Returns
    -------
    list of str
        One label per exercise that has an automatic check.
    """
    return list(_registry())
