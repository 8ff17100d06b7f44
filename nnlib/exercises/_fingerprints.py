"""The fingerprints of the answers: computed from reference answers, read from ``fingerprints.json``.

``tools/exercise_fingerprints.py`` computes them with :func:`fingerprint_answers` from the
reference answers, which live outside the package (``tests/exercise_solutions.py``), and writes
them as the data file ``fingerprints.json`` beside this module. :func:`fingerprints` reads that
file with ``importlib.resources`` (so it is found in an installed wheel, in an editable install
and in a checkout that is merely on ``sys.path``, as on a JupyterHub), once, when the first
answer is checked. Used by the exercises of chapters 1 to 12.
"""
import functools
import importlib.resources
import json

from ._functions import Function
from ._registry import EXERCISES

#: The data file, beside this module in the package ``nnlib.exercises``.
DATA_FILE = "fingerprints.json"


def fingerprint_answers(answers):
    """The fingerprints of reference answers, for every part that has one.

    Parameters
    ----------
    answers : dict
        ``{label: {part: answer}}`` for every self-checking exercise, with exactly its parts.

    Returns
    -------
    dict
        ``{label: {part: fingerprint}}``: salted hashes, JSON-serialisable; functions have none.

    Raises
    ------
    ValueError
        If an exercise has no reference answer, or its answers are not exactly its parts.
    """
    missing = sorted(set(EXERCISES) - set(answers))
    if missing:
        raise ValueError(f"answers has no reference answer for {', '.join(missing)}")
    out = {}
    for label, exercise in EXERCISES.items():
        given = answers[label]
        if set(given) != set(exercise.parts):
            raise ValueError(f"answers[{label!r}] has the parts {sorted(given)}, but the exercise has "
                             f"{sorted(exercise.parts)}")
        prints = {name: part.fingerprint((label, name), given[name])
                  for name, part in exercise.parts.items() if not isinstance(part, Function)}
        if prints:
            out[label] = prints
    return out


@functools.cache
def fingerprints():
    """``{label: {part: fingerprint}}`` as read from the package's ``fingerprints.json``.

    Returns
    -------
    dict
        The fingerprints that :func:`check` compares answers with.
    """
    text = importlib.resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return json.loads(text)
