"""scikit-learn's input checks for nnlib's estimators: ``check_X`` and ``check_X_y``.

Part of the estimator plumbing introduced in chapter 2, *The perceptron* (see
:mod:`nnlib.base`, which exports these functions). The checks and the messages are
scikit-learn's (``check_array``, ``check_X_y``), so that its conformance suite recognises
them: a dense, real, finite 2-D ``X``; sparse matrices and complex numbers are refused,
object arrays of numbers converted, a column vector ``y`` of shape (m, 1) flattened with a
warning. scikit-learn itself is never imported.
"""
import sys
import warnings

import numpy as np

from ._sklearn_compat import _sklearn_compatible
from ._validation import as_float_array


def _as_real_array(x, name):
    """``x`` as a finite real float array (any number of dimensions), or raise.

    Stricter and looser than :func:`nnlib._validation.as_float_array` in scikit-learn's
    ways: a scipy sparse matrix raises ``TypeError`` (nnlib is dense), complex numbers
    raise ``ValueError`` ("Complex data not supported"), and an object array of numbers
    is converted to float64 (one holding anything else raises ``TypeError``).
    """
    sparse = sys.modules.get("scipy.sparse")       # a sparse matrix implies scipy.sparse is loaded
    if sparse is not None and sparse.issparse(x):
        raise TypeError(f"{name} is a sparse {type(x).__name__}, but sparse input is not supported: "
                        f"nnlib's estimators are dense; pass {name}.toarray()")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError):                # ragged nested lists: as_float_array explains
        return as_float_array(x, name)
    if arr.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} has dtype {arr.dtype}, "
                         "but nnlib's estimators need real numbers")
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a real numeric array: {exc}") from None
    return as_float_array(arr, name)


def check_X(X, name="X", n_features=None, estimator=None):
    """Return ``X`` as a finite, real, dense 2-D float array with at least one row and column.

    The checks and messages are scikit-learn's (``check_array``), so that its
    conformance suite recognises them.

    Parameters
    ----------
    X : array_like
        Shape ``(m, n_features)``. Numbers: a list, an ndarray (float32 and
        float64 are kept, other real types become float64), or an object array of
        numbers.
    name : str
        The argument's name, for messages.
    n_features : int, optional
        ``n_features_in_`` of a fitted estimator: ``X`` must have that many columns.
    estimator : object, optional
        The estimator, named in the message about ``n_features``.

    Returns
    -------
    ndarray
        Shape ``(m, n_features)``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, is empty, holds NaN, inf or complex numbers, or has the
        wrong number of columns.
    TypeError
        If ``X`` is not numeric, or is a scipy sparse matrix (nnlib is dense).
    """
    X = _as_real_array(X, name)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional (m, n_features), got shape {X.shape}. "
                         "Reshape your data: X.reshape(-1, 1) if it holds one feature, "
                         "X.reshape(1, -1) if it holds one example")
    if X.shape[0] < 1:
        raise ValueError(f"{name} must have at least one row, got shape {X.shape}")
    if X.shape[1] < 1:
        raise ValueError(f"{name} has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    if n_features is not None and X.shape[1] != n_features:
        who = "the estimator" if estimator is None else type(estimator).__name__
        raise ValueError(f"{name} has {X.shape[1]} features, but {who} is expecting "
                         f"{n_features} features as input")
    return X


def _check_y_given(y, estimator):
    """Raise scikit-learn's ``ValueError`` for ``fit(X, None)``."""
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target y is None")


def check_X_y(X, y, estimator=None):
    """Validate ``X`` with :func:`check_X` and ``y`` as class labels of the same length.

    Parameters
    ----------
    X : array_like
        Shape ``(m, n_features)``.
    y : array_like
        Shape ``(m,)``. Labels of any type (numbers, strings). A column vector
        ``(m, 1)`` is flattened with a warning (scikit-learn's ``DataConversionWarning`` once scikit-learn is
        imported), as scikit-learn does.
    estimator : object, optional
        The estimator being fitted, named in the message when ``y`` is None.

    Returns
    -------
    X : ndarray
        Shape ``(m, n_features)``.
    y : ndarray
        Shape ``(m,)``.

    Raises
    ------
    ValueError
        If ``y`` is None, not 1-D, of another length than ``X``, holds NaN, inf or
        complex numbers, or floats that are not whole numbers: a continuous
        (regression) target, "Unknown label type: continuous" as scikit-learn says.
    """
    X = check_X(X)
    _check_y_given(y, estimator)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn("A column-vector y was passed when a 1d array was expected. Please change "
                      "the shape of y to (m,), for example using ravel().",
                      _sklearn_compatible(UserWarning, "DataConversionWarning"), stacklevel=3)
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be 1-dimensional, got shape {y.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, got {X.shape[0]} and {y.shape[0]}")
    if y.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: y has dtype {y.dtype}")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError("y must contain only finite values (no NaN or inf)")
    if y.dtype.kind == "f" and np.any(y != np.round(y)):
        raise ValueError("Unknown label type: continuous. y must hold class labels, but it holds "
                         f"non-integer floats such as {y[y != np.round(y)][0]!r}")
    return X, y
