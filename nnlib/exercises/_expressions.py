"""Answers that are formulas, fingerprinted by their values at fixed points (chapters 1 to 12).

A formula is a SymPy expression in the exercise's symbols or a Python function of the named
variables (``lambda eps: ...``). It is evaluated at a few fixed points, and each value is
checked as a :class:`~nnlib.exercises.Number` with a relative tolerance. SymPy is imported by
the student's cell, never by the kit: an expression is recognised by what it can do.
"""
import math

from ._errors import NotAnsweredError, WrongAnswer
from ._numbers import Number


class Expression:
    """A formula in the variables ``names``: a SymPy expression or a function of those names.

    Parameters
    ----------
    what : str
        What the formula is, as the answer cell's comment says it.
    names : sequence of str
        The variables, in order (a function answer takes them as keyword arguments).
    points : sequence of tuple
        The points at which the formula is evaluated, one value per name.
    rtol : float
        Relative tolerance of each value.
    """

    kind = "expression"

    def __init__(self, what, names, points, rtol=1e-9):
        self.what, self.names, self.points = what, tuple(names), [tuple(p) for p in points]
        self.value = Number(what, rtol=rtol)

    def tolerance(self):
        """The tolerance in words, for the answer cell's comment."""
        return f"{self.value.tolerance()} at fixed values of {', '.join(self.names)}"

    def evaluate(self, expr, point, what="it"):
        """The real value of the formula ``expr`` at ``point`` (NaN if complex); a failure is wrong."""
        values = dict(zip(self.names, point))
        if hasattr(expr, "free_symbols") and hasattr(expr, "subs"):  # a SymPy expression
            unknown = sorted(str(s) for s in expr.free_symbols if str(s) not in values)
            if unknown:
                raise WrongAnswer(f"{what} uses {', '.join(unknown)}; write it in "
                                  f"{', '.join(self.names)} only (as SymPy symbols of those names)")
            result = expr.subs({s: values[str(s)] for s in expr.free_symbols}).evalf(30)
        elif callable(expr):
            try:
                result = expr(**values)
            except Exception as error:  # noqa: BLE001 - any failure of the student's code
                raise WrongAnswer(f"{what} raised {type(error).__name__} at {self._at(point)}: {error}") from None
            if result is Ellipsis:
                raise NotAnsweredError(f"{what} still returns ...")
        else:
            result = expr                                            # a constant
        try:
            return complex(result).real if complex(result).imag == 0 else math.nan
        except (TypeError, ValueError):
            raise WrongAnswer(f"{what} does not give a number at {self._at(point)}") from None

    def _at(self, point):
        return ", ".join(f"{n} = {v:g}" for n, v in zip(self.names, point))

    def fingerprint(self, key, value):
        """The fingerprint of the answer ``value``: one per point."""
        return {"points": [self.value.fingerprint((*key, p), self.evaluate(value, p)) for p in self.points]}

    def check(self, key, value, fp, what="it"):
        """Return if ``value`` is right, else raise :class:`WrongAnswer` naming a point where it differs."""
        for p, f in zip(self.points, fp["points"]):
            x = self.evaluate(value, p, what)
            if not math.isfinite(x):
                raise WrongAnswer(f"{what} is not a finite real number at {self._at(p)}")
            if not self.value.matches((*key, p), x, f):
                raise WrongAnswer(f"{what} differs from the answer at {self._at(p)}: "
                                  + self.value.hint((*key, p), x, f))
