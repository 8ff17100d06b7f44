r"""Input checks shared by every public nnlib function.

Every public function validates its arguments with these helpers, so that bad
input fails loudly with a message that names the argument and says what was
expected, instead of producing a silently wrong number.

The dtype rule of the whole library lives here: float32 and float64 arrays keep
their dtype; integers, booleans and other real floats become float64; complex,
string and object arrays are rejected. (The estimators' input follows scikit-learn's
rules instead, in :mod:`nnlib.base`: object arrays of numbers are accepted there.)
"""
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
    if arr.dtype.type not in _KEEP:
        arr = arr.astype(np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if not allow_nonfinite and not _all_finite(arr):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def _all_finite(arr):
    """True if every entry of the float array ``arr`` is finite.

    A finite sum proves it (NaN and inf propagate through a sum), and one pass of
    summation is much cheaper on a large array than ``np.isfinite`` and its boolean
    temporary. Only a sum that overflows needs the entry-by-entry check.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    return bool(np.isfinite(total)) or bool(np.all(np.isfinite(arr)))


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

    Parameters
    ----------
    value : int
    name : str
        The argument's name, for messages.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not an int (bools and floats such as 2.0 are refused).
    ValueError
        If ``value < 1``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def check_nonnegative_int(value, name):
    """Return ``value`` as an int if it is an integer >= 0, else raise.

    Parameters
    ----------
    value : int
    name : str
        The argument's name, for messages.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not an int (bools and floats such as 2.0 are refused).
    ValueError
        If ``value < 0``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a non-negative int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)
