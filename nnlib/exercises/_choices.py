"""Answers that are one of a few named options, or a set of them (chapters 1 to 12).

The option is normalised (case, spaces, order of a set) and fingerprinted as a whole, so a
wrong choice is only told that it is wrong: a hint would give the answer away.
"""
from ._errors import WrongAnswer
from ._hashing import digest


class Choice:
    """One of a few named options (or, with ``several=True``, a set of them).

    Parameters
    ----------
    what : str
        What is chosen, as the answer cell's comment says it.
    options : sequence of str
        The options the answer may name.
    several : bool
        The answer is a set of options (a list or a set of strings), not one.
    """

    kind = "choice"

    def __init__(self, what, options, several=False):
        self.what, self.options, self.several = what, tuple(options), several

    def tolerance(self):
        """The options in words, for the answer cell's comment."""
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
        """The fingerprint of the answer ``value``."""
        return {"v": digest(*key, self._normal(value))}

    def check(self, key, value, fp, what="it"):
        """Return if ``value`` is the right choice, else raise :class:`WrongAnswer`."""
        if digest(*key, self._normal(value, what)) != fp["v"]:
            raise WrongAnswer(f"{what} is not the right choice")
