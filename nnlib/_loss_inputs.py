"""Input checks shared by the losses of :mod:`nnlib.losses` (internal).

Each returns its argument as a float array after checking it, or raises a
``ValueError`` that names the argument; see the conventions in ``nnlib.losses``.
"""
import numpy as np

from ._validation import as_float_array, check_same_shape
from .labels import one_hot


def _prediction(x, name):
    x = as_float_array(x, name)
    if x.ndim not in (1, 2) or x.shape[0] == 0:
        raise ValueError(f"{name} must have shape (m,) or (m, k) with m >= 1, got shape {x.shape}")
    return x


def _target(y, x, name_x):
    y = as_float_array(y, "y")
    check_same_shape(x, y, name_x, "y")
    return y.astype(x.dtype)


def _check_unit_interval(x, name):
    if np.any(x < 0) or np.any(x > 1):
        raise ValueError(f"{name} must lie in [0, 1], got values in [{x.min()}, {x.max()}]")


def _check_simplex(x, name):
    _check_unit_interval(x, name)
    tol = np.sqrt(np.finfo(x.dtype).eps)          # scikit-learn's log_loss tolerance
    if not np.allclose(x.sum(axis=1), 1, rtol=0, atol=tol):
        raise ValueError(f"the rows of {name} must sum to 1 (within {tol:.1e})")


def _clip(p):
    eps = np.finfo(p.dtype).eps
    return np.clip(p, eps, 1 - eps)


def _binary_inputs(p, y, name_p):
    p = _prediction(p, name_p)
    y = _target(y, p, name_p)
    _check_unit_interval(y, "y")
    return p, y


def _class_targets(y, x, name_x):
    """Integer labels (m,) or simplex rows (m, K) -> float rows (m, K) of x's dtype."""
    if x.ndim != 2:
        raise ValueError(f"{name_x} must have shape (m, K), got shape {x.shape}")
    if np.ndim(y) == 1 and not isinstance(y, (str, bytes)):
        if len(y) != x.shape[0]:
            raise ValueError(f"y has {len(y)} labels but {name_x} has {x.shape[0]} rows")
        return one_hot(y, x.shape[1]).astype(x.dtype)
    y = _target(y, x, name_x)
    _check_simplex(y, "y")
    return y


def _regression_inputs(y_hat, y):
    y_hat = _prediction(y_hat, "y_hat")
    return y_hat, _target(y, y_hat, "y_hat")


def _probability_inputs(p, y):
    p, y = _binary_inputs(p, y, "p")
    _check_unit_interval(p, "p")
    return p, y


def _logit_inputs(z, y):
    return _binary_inputs(z, y, "z")


def _categorical_inputs(probs, y):
    probs = _prediction(probs, "probs")
    y = _class_targets(y, probs, "probs")
    _check_simplex(probs, "probs")
    return probs, y


def _softmax_inputs(logits, y):
    logits = _prediction(logits, "logits")
    return logits, _class_targets(y, logits, "logits")
