"""``check(label, name=value, ...)``: the check cell of a self-checking exercise (chapters 1 to 12).

Each part of the answer is checked by its kind against its fingerprint; the message of a
wrong answer lists every wrong part and says where it is off, never what the answer is.
"""
from ._errors import NotAnsweredError
from ._fingerprints import fingerprints
from ._registry import EXERCISES


def _is_unanswered(value):
    return value is Ellipsis or (isinstance(value, (tuple, list)) and any(v is Ellipsis for v in value))


def lookup(label):
    """The exercise ``label``, or a ``ValueError`` that lists the labels of its chapter."""
    if not isinstance(label, str):
        raise TypeError(f"label must be an exercise label such as 'ex-ch1-count', got {type(label).__name__}")
    exercises = EXERCISES
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
    exercise = lookup(label)
    expected = list(exercise.parts)
    missing = [n for n in expected if n not in answers]
    unexpected = [n for n in answers if n not in exercise.parts]
    if missing or unexpected:
        raise TypeError(f"check({label!r}, ...) takes the answers {', '.join(expected)}"
                        + (f"; missing: {', '.join(missing)}" if missing else "")
                        + (f"; unexpected: {', '.join(unexpected)}" if unexpected else ""))
    prints = fingerprints().get(label, {})
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


def labels():
    """The labels of all self-checking exercises, in the order of the book.

    Returns
    -------
    list of str
        One label per exercise that has an automatic check.
    """
    return list(EXERCISES)
