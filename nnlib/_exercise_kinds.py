"""The kinds of answer the self-checking exercises accept (chapters 1 to 10), and their fingerprints.

A :class:`Number` is fingerprinted as a salted hash of the value rounded to its tolerance; an
:class:`Array` entry by entry with its shape; an :class:`Expression` by its values at fixed
points; a :class:`Choice` by the hash of the option. A :class:`Function` has no fingerprint: a
checker compares it with nnlib. See :mod:`nnlib.exercises`.
"""
import hashlib
import math

import numpy as np

SALT = "mathematics-behind-neural-networks/exercises/v1"


class NotAnsweredError(Exception):
    """A part of an exercise still holds the template's ``...``: the student has not answered it yet.

    Not an ``AssertionError``, so that "not answered" and "wrong" stay distinguishable.
    """


class WrongAnswer(AssertionError):
    """One part of an answer is wrong; the message says where, never what the answer is."""


def _digest(*items):
    return hashlib.sha256("|".join(map(str, (SALT, *items))).encode()).hexdigest()[:20]


def _sign(x):
    return (x > 0) - (x < 0)


def _decade(x):
    return math.floor(math.log10(abs(x))) if x != 0 else "zero"


def _real(value, what="it"):
    """A finite Python float from a number or a size-1 array, else WrongAnswer."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (str, bytes)):
        raise WrongAnswer(f"{what} should be a number, got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise WrongAnswer(f"{what} should be a number, got {type(value).__name__}") from None
    if array.size != 1:
        raise WrongAnswer(f"{what} should be one number, got an array of shape {array.shape}")
    x = float(array.reshape(()))
    if not math.isfinite(x):
        raise WrongAnswer(f"{what} is {x}, not a finite number")
    return x


class Number:
    """A number, right within ``tol`` (absolute) or ``rtol`` (relative), or an exact integer."""

    kind = "number"

    def __init__(self, what, *, tol=None, rtol=None, integer=False):
        if [tol is not None, rtol is not None, integer].count(True) != 1:
            raise ValueError("give exactly one of tol, rtol, integer=True")
        self.what, self.tol, self.rtol, self.integer = what, tol, rtol, integer

    def tolerance(self):
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
        return [("rel", _sign(x), q + d) for d in (0, -1, 1)]

    def fingerprint(self, key, value):
        x = _real(value)
        return {"v": _digest(*key, *self._bins(x)[0]), "sign": _digest(*key, "sign", _sign(x)),
                "mag": _digest(*key, "mag", _decade(x))}

    def matches(self, key, x, fp):
        if self.integer and x != round(x):
            return False
        return any(_digest(*key, *b) == fp["v"] for b in self._bins(x))

    def check(self, key, value, fp, what="it"):
        x = _real(value, what)
        if self.matches(key, x, fp):
            return
        raise WrongAnswer(f"{what} is wrong: " + self.hint(key, x, fp))

    def hint(self, key, x, fp):
        if self.integer and x != round(x):
            return "it should be an integer"
        if _digest(*key, "sign", _sign(x)) != fp["sign"]:
            return "it is 0, but the answer is not" if x == 0 else "its sign is wrong"
        if x != 0 and _digest(*key, "mag", _decade(x)) != fp["mag"]:
            for d in range(1, 13):
                for k in (d, -d):
                    if _digest(*key, "mag", _decade(x) + k) == fp["mag"]:
                        size = "small" if k > 0 else "large"
                        return f"its order of magnitude is off: about 10^{abs(k)} times too {size}"
            return "its order of magnitude is far off"
        return f"sign and order of magnitude are right, but it is not {self.tolerance()}"


class Array:
    """An array of numbers: its shape, then every entry as a :class:`Number`."""

    kind = "array"

    def __init__(self, what, **number):
        self.what, self.entry = what, Number(what, **number)

    def tolerance(self):
        return "each entry " + self.entry.tolerance()

    def fingerprint(self, key, value):
        x = np.asarray(value, dtype=float)
        return {"shape": _digest(*key, "shape", x.shape),
                "entries": [self.entry.fingerprint((*key, i), v) for i, v in np.ndenumerate(x)]}

    def _wrong_entries(self, key, x, fp):
        return [i for (i, v), f in zip(np.ndenumerate(x), fp["entries"])
                if not self.entry.matches((*key, i), float(v), f)]

    def check(self, key, value, fp, what="it"):
        try:
            x = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise WrongAnswer(f"{what} should be an array of numbers, got {type(value).__name__}") from None
        if not np.all(np.isfinite(x)):
            raise WrongAnswer(f"{what} has entries that are not finite numbers")
        if _digest(*key, "shape", x.shape) != fp["shape"]:
            if x.ndim == 2 and _digest(*key, "shape", x.T.shape) == fp["shape"] \
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


class Expression:
    """A formula in the variables ``names``: a SymPy expression or a function of those names."""

    kind = "expression"

    def __init__(self, what, names, points, rtol=1e-9):
        self.what, self.names, self.points = what, tuple(names), [tuple(p) for p in points]
        self.value = Number(what, rtol=rtol)

    def tolerance(self):
        return f"{self.value.tolerance()} at fixed values of {', '.join(self.names)}"

    def evaluate(self, expr, point, what="it"):
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
        return {"points": [self.value.fingerprint((*key, p), self.evaluate(value, p)) for p in self.points]}

    def check(self, key, value, fp, what="it"):
        for p, f in zip(self.points, fp["points"]):
            x = self.evaluate(value, p, what)
            if not math.isfinite(x):
                raise WrongAnswer(f"{what} is not a finite real number at {self._at(p)}")
            if not self.value.matches((*key, p), x, f):
                raise WrongAnswer(f"{what} differs from the answer at {self._at(p)}: "
                                  + self.value.hint((*key, p), x, f))


class Choice:
    """One of a few named options (or, with ``several=True``, a set of them)."""

    kind = "choice"

    def __init__(self, what, options, several=False):
        self.what, self.options, self.several = what, tuple(options), several

    def tolerance(self):
        return "one of " + ", ".join(map(repr, self.options)) + (" (or several, as a set)" if self.several else "")

    def _normal(self, value, what="it"):
        items = [value] if isinstance(value, str) else list(value) if self.several else None
        if items is None or not all(isinstance(v, str) for v in items):
            raise WrongAnswer(f"{what} should be {self.tolerance()}")
        items = sorted({v.strip().lower() for v in items})
        unknown = [v for v in items if v not in {o.lower() for o in self.options}]
        if unknown or not items:
            raise WrongAnswer(f"{what} should be {self.tolerance()}, got {value!r}")
        return "+".join(items)

    def fingerprint(self, key, value):
        return {"v": _digest(*key, self._normal(value))}

    def check(self, key, value, fp, what="it"):
        if _digest(*key, self._normal(value, what)) != fp["v"]:
            raise WrongAnswer(f"{what} is not the right choice")


class Function:
    """A function (or an object such as a network), checked by ``checker(value)`` in the registry."""

    kind = "function"

    def __init__(self, what, checker, template):
        self.what, self.checker, self.template = what, checker, template

    def tolerance(self):
        return "compared with nnlib or with the property the exercise states, on random inputs"

    def check(self, key, value, fp, what="it"):
        self.checker(value, what)


