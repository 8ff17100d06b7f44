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
:class:`WrongAnswer`, an ``AssertionError``, with the message; an answer left as ``...``
raises :class:`NotAnsweredError` (not an ``AssertionError``); a right one prints one line.

Used by the exercises of chapters 1 to 12. The kit is a subpackage above the rest of nnlib:
it uses nnlib's layers and functions to check answers, and nothing in nnlib imports it
(``import nnlib`` does not load it). Its private modules hold one concept each: the kinds of
answer (:class:`Number`, :class:`Array`, :class:`Expression`, :class:`Choice`,
:class:`Function`), the checkers of function answers by topic, the registry
:data:`EXERCISES` (parts, kinds, tolerances, templates) and :data:`WRITTEN` (the exercises
without a check, and why), :func:`check`, and the answer and check cells. The fingerprints
are a data file of the package, ``fingerprints.json``, written by
``tools/exercise_fingerprints.py`` with :func:`fingerprint_answers` from reference answers
kept outside the package.
"""
from ._cells import answer_template, check_call
from ._check import check, labels
from ._choices import Choice
from ._errors import NotAnsweredError, WrongAnswer
from ._exercise import Exercise
from ._expressions import Expression
from ._fingerprints import fingerprint_answers
from ._functions import Function
from ._numbers import Array, Number
from ._registry import EXERCISES as _EXERCISES
from ._written import WRITTEN as _WRITTEN

__all__ = [
    "check", "NotAnsweredError", "WrongAnswer", "answer_template", "check_call", "labels",
    "EXERCISES", "WRITTEN", "Exercise", "Number", "Array", "Expression", "Choice", "Function",
    "fingerprint_answers",
]

#: The self-checking exercises, ``{label: Exercise}``, in the order of the book.
EXERCISES = _EXERCISES
#: The exercises with a written solution only, ``{label: why it has no automatic check}``.
WRITTEN = _WRITTEN
