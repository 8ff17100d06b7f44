"""Salted hashes of answers: the fingerprints that the self-checking exercises compare with.

The kit holds no plain answer: a number is stored as the hash of the bin it falls in (its
value rounded to the tolerance), together with the hashes of its sign and of its order of
magnitude, so that a wrong answer can be told where it is off without being told the answer.
Used by the kinds of answer (:mod:`nnlib.exercises`) of chapters 1 to 12.
"""
import hashlib
import math

import numpy as np

from ._errors import WrongAnswer

#: Mixed into every hash; changing it changes every fingerprint (rerun tools/exercise_fingerprints.py).
SALT = "mathematics-behind-neural-networks/exercises/v1"


def digest(*items):
    """The salted hash of ``items`` (their ``str``), 20 hexadecimal digits."""
    return hashlib.sha256("|".join(map(str, (SALT, *items))).encode()).hexdigest()[:20]


def sign(x):
    """-1, 0 or 1."""
    return (x > 0) - (x < 0)


def decade(x):
    """The order of magnitude of ``x`` (the exponent of 10), or ``"zero"``."""
    return math.floor(math.log10(abs(x))) if x != 0 else "zero"


def real(value, what="it"):
    """A finite Python float from a number or a size-1 array, else :class:`WrongAnswer`."""
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
