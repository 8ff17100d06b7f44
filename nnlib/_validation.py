r"""Input checks shared by every public nnlib function.

Every public function validates its arguments with these helpers, so that bad
input fails loudly with a message that names the argument and says what was
expected, instead of producing a silently wrong number.

The dtype rule of the whole library lives here: float32 and float64 arrays keep
their dtype; integers, booleans and other real floats become float64; complex,
string and object arrays are rejected. (The estimators' input follows scikit-learn's
rules instead, in :mod:`nnlib.base`: object arrays of numbers are accepted there.)

Where NaN and inf are caught: where data enters the library, that is in ``train``,
the estimators' ``fit``/``predict``, ``gradcheck`` and every public pure function
(activations, softmax, losses, penalties), which run the full check of
:func:`as_float_array`. Layers' ``forward``/``backward`` and optimisers' ``step``
make only O(1) checks (:func:`check_batch`: type, dtype, ndim, sizes), because they
run thousands of times on data that was checked once on the way in.
"""
import functools

import numpy as np

_KEEP = (np.float32, np.float64)


def as_float_array(x, name, *, ndim=None, min_ndim=0, allow_nonfinite=False):
    r"""Return ``x`` as a real floating-point ndarray, or raise.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        The argument's name, used in error messages.
    ndim : int, optional
        Exact number of dimensions required.
    min_ndim : int
        Minimum number of dimensions required.
    allow_nonfinite : bool
        If False (the default), NaN or infinite entries raise ``ValueError``.

    Returns
    -------
    numpy.ndarray
        float32 if ``x`` was float32, otherwise float64.

    Raises
    ------
    TypeError
        If ``x`` is a string, a ragged sequence, or not of a real numeric dtype
        (complex, string and object arrays are rejected).
    ValueError
        If ``x`` has the wrong number of dimensions or, unless ``allow_nonfinite``,
        holds NaN or inf.
    """
    if type(x) is np.ndarray and x.dtype.type in _KEEP:  # no conversion needed
        arr = x
    else:
        arr = _convert(x, name)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if not allow_nonfinite and not _all_finite(arr):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def _convert(x, name):
    """``x`` as a float32/float64 ndarray (other reals become float64), or raise ``TypeError``."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real numeric array, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists, for example
        raise TypeError(f"{name} must be a real numeric array: {exc}") from None
    kind = arr.dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"{name} must be a real numeric array (float32 or float64), got dtype {arr.dtype}"
        )
    return arr if arr.dtype.type in _KEEP else arr.astype(np.float64)


def _all_finite(arr):
    """True if every entry of the float array ``arr`` is finite.

    A finite sum proves it (NaN and inf propagate through a sum), and one pass of
    summation is much cheaper on a large array than ``np.isfinite`` and its boolean
    temporary. Only a sum that overflows needs the entry-by-entry check.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    return np.isfinite(total) or bool(np.all(np.isfinite(arr)))


def check_batch(X, name, *, ndim=None, min_ndim=1, size=None, dtype=None):
    """``X`` entering a layer's ``forward`` or ``backward``: O(1) checks, then cast to ``dtype``.

    Checks the type, the number of dimensions and the size of the last axis, not
    the values (NaN and inf are caught where data enters the library, see the
    module docstring). Input that is not yet a float32/float64 array is converted
    by :func:`as_float_array`, with its full check.

    Parameters
    ----------
    X : array_like
        The batch.
    name : str
        Its name, for messages.
    ndim, min_ndim : int, optional
        Exact or minimum number of dimensions.
    size : int, optional
        Required size of the last axis (a layer's number of inputs).
    dtype : numpy.dtype, optional
        The layer's dtype; ``X`` is cast to it (no copy when it already has it).

    Returns
    -------
    numpy.ndarray
    """
    if type(X) is not np.ndarray or X.dtype.type not in _KEEP:
        X = as_float_array(X, name)
    if (ndim is not None and X.ndim != ndim) or X.ndim < min_ndim:
        want = f"{ndim}-dimensional" if ndim is not None else f"at least {min_ndim}-dimensional"
        raise ValueError(f"{name} must be {want}, got shape {X.shape}")
    if size is not None and X.shape[-1] != size:
        raise ValueError(f"{name} must have {size} entries on its last axis, got shape {X.shape}")
    return X if dtype is None or X.dtype == dtype else X.astype(dtype)


def validated(check):
    """Decorator: a public function that checks its arguments, then runs its formula.

    ``check`` takes the function's arguments (same signature and defaults) and
    returns them, checked and converted, as a tuple; the decorated body is the
    formula. The formula alone stays reachable as ``f.unchecked``: layers and
    :func:`nnlib.training.train`, whose data is checked once on the way in, call it.
    So every formula has exactly one implementation, and the page that prints
    ``f`` prints the code that training runs.

    Parameters
    ----------
    check : callable
        ``check(*args, **kwargs)`` returns the checked arguments as a tuple.

    Returns
    -------
    callable
        The decorator.
    """
    def decorate(formula):
        @functools.wraps(formula)
        def checked(*args, **kwargs):
            return formula(*check(*args, **kwargs))
        checked.unchecked = formula
        return checked
    return decorate


def check_axis(axis, ndim, name="axis"):
    """Return ``axis`` as a non-negative int valid for an array of ``ndim`` dimensions.

    Parameters
    ----------
    axis : int
        An axis, negative counting from the end.
    ndim : int
        Number of dimensions of the array.
    name : str
        The argument's name, for messages.

    Returns
    -------
    int
        ``axis % ndim``.

    Raises
    ------
    TypeError
        If ``axis`` is not an int (bools are refused).
    ValueError
        If ``axis`` is out of range.
    """
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for an array with {ndim} dimension(s)")
    return int(axis) % ndim


def check_same_shape(a, b, name_a, name_b):
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape.

    Parameters
    ----------
    a, b : numpy.ndarray
    name_a, name_b : str
        Their names, for the message.

    Raises
    ------
    ValueError
        If ``a.shape != b.shape``.
    """
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def check_positive_int(value, name):
    """Return ``value`` as an int if it is an integer >= 1, else raise.

    Bools and floats such as 2.0 are refused (``TypeError``); ``value < 1`` gives
    ``ValueError``. ``name`` is the argument's name, for messages.

    Parameters
    ----------
    value : int
    name : str

    Returns
    -------
    int
    """
    return _check_int(value, name, 1, "a positive")


def check_nonnegative_int(value, name):
    """Return ``value`` as an int if it is an integer >= 0, else raise (as :func:`check_positive_int`).

    Parameters
    ----------
    value : int
    name : str

    Returns
    -------
    int
    """
    return _check_int(value, name, 0, "a non-negative")


def _check_int(value, name, low, kind):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {kind} int, got {type(value).__name__}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)
