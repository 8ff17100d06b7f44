r"""Finite-difference gradient checks.

Introduced in chapter 3, *Activation functions*, and used by every later chapter
to test a derivative against the definition of the derivative; the backpropagation
chapter extends them to whole networks.
"""
import numpy as np

from ._validation import as_float_array, check_same_shape


def numerical_gradient(f, x, eps=1e-6):
    r"""Gradient of a scalar-valued ``f`` at ``x`` by central differences.

    .. math:: \frac{\partial f}{\partial x_i} \approx
              \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}

    The error is :math:`O(\varepsilon^2)` from truncation plus about
    :math:`10^{-16} |f| / \varepsilon` from rounding; ``eps=1e-6`` balances the
    two for float64. Everything is computed in float64 on a copy of ``x``; ``f``
    is called twice per entry, so keep ``x`` small.

    Shapes: ``x`` any shape -> gradient of the same shape.
    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar (a Python number or a 0-d / size-1 array).
    x : array_like
        Point at which to differentiate; finite real numbers.
    eps : float
        Step size, > 0.

    Returns
    -------
    numpy.ndarray
        float64 array of ``x``'s shape.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    x = as_float_array(x, "x").astype(np.float64)  # a float64 copy we may perturb
    eps = float(as_float_array(eps, "eps", ndim=0))
    if eps <= 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        x_i = x[i]
        x[i] = x_i + eps
        f_plus = _scalar(f(x))
        x[i] = x_i - eps
        f_minus = _scalar(f(x))
        x[i] = x_i                                  # restore
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value):
    value = as_float_array(value, "f(x)")
    if value.size != 1:
        raise ValueError(f"f(x) must return a scalar, got shape {value.shape}")
    return float(value.reshape(()))


def relative_error(a, b, floor=1e-12):
    r"""Relative error between two arrays, measured on their largest entries.

    .. math:: \operatorname{err}(a, b) =
              \frac{\max_i |a_i - b_i|}{\max\bigl(\max_i (|a_i| + |b_i|),\ \text{floor}\bigr)}

    It is 0 when ``a == b``, at most 1, and does not blow up when one entry of
    a gradient is (near) zero, because it divides by the largest magnitude, not
    entry by entry. ``floor`` keeps the ratio defined when both are all zero.

    Shapes: ``a`` and ``b`` the same shape -> a float.
    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    a, b : array_like
        Same shape, finite real numbers (compared in float64).
    floor : float
        Smallest denominator, > 0.

    Returns
    -------
    float
    """
    a = as_float_array(a, "a").astype(np.float64)
    b = as_float_array(b, "b").astype(np.float64)
    check_same_shape(a, b, "a", "b")
    floor = float(as_float_array(floor, "floor", ndim=0))
    if floor <= 0:
        raise ValueError(f"floor must be > 0, got {floor}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), floor))
