"""Answers that are numbers or arrays of numbers, fingerprinted bin by bin (chapters 1 to 12).

A number is right when it falls in the bin of the answer (its value rounded to the
tolerance) or in a neighbouring bin, so that a value near a bin's edge is still right. An
array is checked for its shape first (a transposed answer is recognised), then entry by entry.
"""
import math

import numpy as np

from ._errors import WrongAnswer
from ._hashing import decade, digest, real, sign


class Number:
    """A number, right within ``tol`` (absolute) or ``rtol`` (relative), or an exact integer.

    Give exactly one of ``tol``, ``rtol`` and ``integer=True``. A wrong number is told whether
    its sign, its order of magnitude or only its digits are off.

    Parameters
    ----------
    what : str
        What the number is, as the answer cell's comment says it.
    tol : float, optional
        Absolute tolerance.
    rtol : float, optional
        Relative tolerance.
    integer : bool
        The answer is an integer, to be given exactly.
    """

    kind = "number"

    def __init__(self, what, *, tol=None, rtol=None, integer=False):
        if [tol is not None, rtol is not None, integer].count(True) != 1:
            raise ValueError("give exactly one of tol, rtol, integer=True")
        self.what, self.tol, self.rtol, self.integer = what, tol, rtol, integer

    def tolerance(self):
        """The tolerance in words, for the answer cell's comment."""
        if self.integer:
            return "exact (an integer)"
        return f"within {self.tol:g}" if self.tol is not None else f"within a relative {self.rtol:g}"

    def _bins(self, x):
        """The bin of ``x`` first, then its neighbours (a value near a bin edge is still right)."""
        if self.integer:
            return [("int", int(round(x)))]
        if self.tol is not None:
            q = round(x / self.tol)
            return [("abs", q + d) for d in (0, -1, 1)]
        if x == 0:
            return [("zero",)]
        q = round(math.log(abs(x)) / math.log1p(self.rtol))
        return [("rel", sign(x), q + d) for d in (0, -1, 1)]

    def fingerprint(self, key, value):
        """The fingerprint of the answer ``value`` under ``key`` (the exercise's label and part)."""
        x = real(value)
        return {"v": digest(*key, *self._bins(x)[0]), "sign": digest(*key, "sign", sign(x)),
                "mag": digest(*key, "mag", decade(x))}

    def matches(self, key, x, fp):
        """Whether the float ``x`` is right, given the answer's fingerprint ``fp``."""
        if self.integer and x != round(x):
            return False
        return any(digest(*key, *b) == fp["v"] for b in self._bins(x))

    def check(self, key, value, fp, what="it"):
        """Return if ``value`` is right, else raise :class:`WrongAnswer` saying how it is off."""
        x = real(value, what)
        if self.matches(key, x, fp):
            return
        raise WrongAnswer(f"{what} is wrong: " + self.hint(key, x, fp))

    def hint(self, key, x, fp):
        """How the wrong float ``x`` is off: its sign, its order of magnitude or its digits."""
        if self.integer and x != round(x):
            return "it should be an integer"
        if digest(*key, "sign", sign(x)) != fp["sign"]:
            return "it is 0, but the answer is not" if x == 0 else "its sign is wrong"
        if x != 0 and digest(*key, "mag", decade(x)) != fp["mag"]:
            for d in range(1, 13):
                for k in (d, -d):
                    if digest(*key, "mag", decade(x) + k) == fp["mag"]:
                        size = "small" if k > 0 else "large"
                        return f"its order of magnitude is off: about 10^{abs(k)} times too {size}"
            return "its order of magnitude is far off"
        return f"sign and order of magnitude are right, but it is not {self.tolerance()}"


class Array:
    """An array of numbers: its shape, then every entry as a :class:`Number`.

    Parameters
    ----------
    what : str
        What the array is, as the answer cell's comment says it.
    **number
        The tolerance of every entry: ``tol``, ``rtol`` or ``integer``, as for :class:`Number`.
    """

    kind = "array"

    def __init__(self, what, **number):
        self.what, self.entry = what, Number(what, **number)

    def tolerance(self):
        """The tolerance in words, for the answer cell's comment."""
        return "each entry " + self.entry.tolerance()

    def fingerprint(self, key, value):
        """The fingerprint of the answer ``value``: its shape's, and every entry's."""
        x = np.asarray(value, dtype=float)
        return {"shape": digest(*key, "shape", x.shape),
                "entries": [self.entry.fingerprint((*key, i), v) for i, v in np.ndenumerate(x)]}

    def _wrong_entries(self, key, x, fp):
        return [i for (i, v), f in zip(np.ndenumerate(x), fp["entries"])
                if not self.entry.matches((*key, i), float(v), f)]

    def check(self, key, value, fp, what="it"):
        """Return if ``value`` is right, else raise :class:`WrongAnswer` naming the wrong entries."""
        try:
            x = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise WrongAnswer(f"{what} should be an array of numbers, got {type(value).__name__}") from None
        if not np.all(np.isfinite(x)):
            raise WrongAnswer(f"{what} has entries that are not finite numbers")
        if digest(*key, "shape", x.shape) != fp["shape"]:
            if x.ndim == 2 and digest(*key, "shape", x.T.shape) == fp["shape"] \
                    and not self._wrong_entries(key, x.T, fp):
                raise WrongAnswer(f"{what} is the transpose of the answer")
            raise WrongAnswer(f"{what} has shape {x.shape}, which is not the answer's shape")
        wrong = self._wrong_entries(key, x, fp)
        if wrong:
            flat = {i: f for (i, _), f in zip(np.ndenumerate(x), fp["entries"])}
            first = wrong[0]
            shown = ", ".join(str(list(i)) for i in wrong[:4]) + (", ..." if len(wrong) > 4 else "")
            raise WrongAnswer(f"{what}: {len(wrong)} of {x.size} entries are wrong ({shown}); entry "
                              f"{list(first)}: " + self.entry.hint((*key, first), float(x[first]), flat[first]))
