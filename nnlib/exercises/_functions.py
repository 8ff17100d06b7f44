"""Answers that are functions, and the helpers their checkers share (chapters 1 to 12).

A function (or an object such as a network) has no fingerprint: a checker calls it on random
inputs and compares the result with nnlib, with finite differences or with a property that
the exercise states. :func:`call` runs the student's code, turning any failure into a wrong
answer and a ``...`` left in a return value into "not answered"; :func:`compare` says where
two arrays differ (which entry, the sign, a constant factor), never what the right values are.
"""
import numpy as np

from ._errors import NotAnsweredError, WrongAnswer


class Function:
    """A function (or an object such as a network), checked by ``checker(value, what)``.

    Parameters
    ----------
    what : str
        What the function computes, as the answer cell's comment says it.
    checker : callable
        ``checker(value, what)`` returns if ``value`` is right and raises
        :class:`WrongAnswer` (or :class:`NotAnsweredError`) if not.
    template : str
        The answer cell's source for this part: a ``def`` whose body is ``...``.
    """

    kind = "function"

    def __init__(self, what, checker, template):
        self.what, self.checker, self.template = what, checker, template

    def tolerance(self):
        """How the function is checked, in words."""
        return "compared with nnlib or with the property the exercise states, on random inputs"

    def check(self, key, value, fp, what="it"):
        """Run the checker on ``value`` (``key`` and ``fp`` are unused: a function has no fingerprint)."""
        self.checker(value, what)


def call(f, *args, what="it"):
    """``f(*args)`` with floating-point warnings silenced; any failure of ``f`` is a wrong answer."""
    if not callable(f):
        raise WrongAnswer(f"{what} should be a function (def ...), got {type(f).__name__}")
    try:
        with np.errstate(all="ignore"):
            out = f(*args)
    except NotAnsweredError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the student's code is a wrong answer
        raise WrongAnswer(f"{what} raised {type(error).__name__}: {error}") from None
    if out is Ellipsis or (isinstance(out, tuple) and any(o is Ellipsis for o in out)):
        raise NotAnsweredError(f"{what} still returns ...")
    return out


def parts(out, n, what, names):
    """``out`` if it is a tuple or list of ``n`` values, else a wrong answer naming them."""
    if not isinstance(out, (tuple, list)) or len(out) != n:
        raise WrongAnswer(f"{what} should return {n} values ({', '.join(names)})")
    return out


def as_array(x, what):
    """``x`` as a float array, else a wrong answer."""
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise WrongAnswer(f"{what} should be an array of numbers, got {type(x).__name__}") from None


def compare(got, want, what, rtol=1e-7, atol=1e-10):
    """Compare arrays; the message names the first wrong entry and how it is off, not the value."""
    got, want = as_array(got, what), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        if got.size == want.size and np.allclose(got.reshape(want.shape), want, rtol=rtol, atol=atol):
            raise WrongAnswer(f"{what} has the right numbers but shape {got.shape}: check the layout")
        raise WrongAnswer(f"{what} has shape {got.shape}, which is not the shape the exercise needs")
    if not np.all(np.isfinite(got)):
        i = tuple(np.argwhere(~np.isfinite(got))[0])
        raise WrongAnswer(f"{what} is not finite at entry {list(i)} (inf or nan: an overflow?)")
    bad = ~np.isclose(got, want, rtol=rtol, atol=atol)
    if not bad.any():
        return
    i = tuple(np.argwhere(bad)[0])
    nonzero = np.abs(want) > atol
    ratio = got[nonzero] / want[nonzero]
    if ratio.size and np.allclose(ratio, ratio.flat[0], rtol=1e-6) and np.allclose(got[~nonzero], 0, atol=atol):
        raise WrongAnswer(f"{what} is {ratio.flat[0]:.4g} times the right value everywhere: a factor is off")
    how = "has the wrong sign" if np.sign(got[i]) != np.sign(want[i]) else "is off"
    raise WrongAnswer(f"{what}: {bad.sum()} of {bad.size} entries are wrong; entry {list(i)} {how} "
                      f"(relative error {abs(got[i] - want[i]) / max(abs(want[i]), atol):.2g})")
