r"""Softmax and its Jacobian: the activation that turns a vector of logits into probabilities.

Derived in chapter 3, *Activation functions*, with the elementwise activations of
:mod:`nnlib.activations` (which re-exports every name here) and the same numerical
rules: float32 stays float32, other reals become float64, bad input is rejected
with an error naming the argument, and no exponential can overflow, because softmax
subtracts the maximum first.

Unlike the elementwise functions, softmax mixes the entries along an axis, so its
derivative is a :math:`K \times K` Jacobian per example. Backpropagation never forms
it: :func:`softmax_vjp` gives the product it needs in :math:`O(K)` work.
"""
import numpy as np

from ._buffers import ones
from ._validation import as_float_array, check_axis, check_same_shape, validated


def _logits(z, axis=-1):
    z = as_float_array(z, "z", min_ndim=1)
    return z, check_axis(axis, z.ndim)


def _logits_vector(name):
    def check(z, v, axis=-1):
        z, axis = _logits(z, axis)
        v = as_float_array(v, name)
        check_same_shape(z, v, "z", name)
        return z, v, axis
    return check


def _max(z, axis):
    """``z.max(axis=axis, keepdims=True)``, the same numbers; for many rows found through ``argmax``.

    NumPy reduces along a short last axis one row at a time, which is slow for the
    hundreds of rows of a large batch of logits; ``argmax`` is not, so there the
    maximum is read where ``argmax`` points. For a few rows the reduction is quicker.
    """
    if z.ndim != 2 or axis % 2 != 1 or len(z) < 16:
        return z.max(axis=axis, keepdims=True)
    return z[np.arange(len(z)), z.argmax(axis=1)][:, None]


def _sum(e, axis):
    """``e.sum(axis=axis, keepdims=True)``; along the last axis a product with ones (faster, see :func:`_max`)."""
    if axis % e.ndim != e.ndim - 1:
        return e.sum(axis=axis, keepdims=True)
    return (e @ ones(e.shape[-1], e.dtype))[..., None]


@validated(_logits)
@np.errstate(under="ignore")
def softmax(z, axis=-1):
    r"""Softmax along ``axis``, computed stably by subtracting the maximum.

    .. math:: \operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}
              = \frac{e^{z_i - c}}{\sum_j e^{z_j - c}}, \qquad c = \max_j z_j

    The two forms are equal for every constant :math:`c` (shift invariance);
    with :math:`c = \max_j z_j` the largest exponential is :math:`e^0 = 1`, so
    none overflows and the denominator is at least 1.

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Logits, any shape with ``ndim >= 1``.
    axis : int
        The axis along which the entries are normalised.

    Returns
    -------
    numpy.ndarray
        Probabilities of ``z``'s shape and float dtype; the entries along ``axis`` sum to 1.
    """
    e = np.exp(z - _max(z, axis))                    # largest entry is exactly 1
    return e / _sum(e, axis)


@validated(_logits)
@np.errstate(under="ignore")
def log_softmax(z, axis=-1):
    r"""Logarithm of :func:`softmax`, computed stably with the log-sum-exp.

    .. math:: \log \operatorname{softmax}(z)_i = z_i - \operatorname{LSE}(z), \qquad
              \operatorname{LSE}(z) = c + \log \sum_j e^{z_j - c},\ c = \max_j z_j

    Never :math:`\log 0`: the sum is at least :math:`e^0 = 1`.
    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    z : array_like
        Logits, any shape with ``ndim >= 1``.
    axis : int
        The axis along which the entries are normalised.

    Returns
    -------
    numpy.ndarray
        Log-probabilities of ``z``'s shape and float dtype.
    """
    shifted = z - _max(z, axis)                      # largest entry 0
    return shifted - np.log(_sum(np.exp(shifted), axis))


@validated(lambda z: (as_float_array(z, "z", min_ndim=1),))
@np.errstate(under="ignore")
def softmax_jacobian(z):
    r"""Jacobian of softmax over the last axis: :math:`J = \operatorname{diag}(p) - p\,p^\top`.

    .. math:: J_{ij} = \frac{\partial p_i}{\partial z_j} = p_i\,(\delta_{ij} - p_j),
              \qquad p = \operatorname{softmax}(z)

    :math:`J` is symmetric; its columns sum to 0 (softmax's outputs always sum
    to 1), and so, by symmetry, do its rows. Forming it costs :math:`K^2` per example: backpropagation uses
    :func:`softmax_vjp` instead.

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Logits of shape ``(K,)``, a batch ``(m, K)`` or in general ``(..., K)``.

    Returns
    -------
    numpy.ndarray
        :math:`J` of shape ``(K, K)``, ``(m, K, K)`` or ``(..., K, K)``.
    """
    p = softmax.unchecked(z, -1)                    # (..., K)
    eye = np.eye(p.shape[-1], dtype=p.dtype)        # (K, K)
    return p[..., :, None] * (eye - p[..., None, :])  # (..., K, K): p_i (delta_ij - p_j)


@validated(_logits_vector("v"))
@np.errstate(under="ignore")
def softmax_jvp(z, v, axis=-1):
    r"""Jacobian-vector product :math:`J v` of softmax, without forming :math:`J`.

    .. math:: J v = \bigl(\operatorname{diag}(p) - p\,p^\top\bigr) v
              = p \odot \bigl(v - \langle p, v \rangle\bigr)

    :math:`O(K)` work per example instead of :math:`O(K^2)`.

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z, v : array_like
        Logits and the vector, of the same shape (``ndim >= 1``).
    axis : int
        The axis of the softmax and of the product.

    Returns
    -------
    numpy.ndarray
        :math:`J v`, of ``z``'s shape.
    """
    p = softmax.unchecked(z, axis)
    return p * (v - np.sum(p * v, axis=axis, keepdims=True))


@validated(_logits_vector("u"))
def softmax_vjp(z, u, axis=-1):
    r"""Vector-Jacobian product :math:`u^\top J` of softmax, the step backprop takes.

    .. math:: u^\top J = \bigl(J^\top u\bigr)^\top = (J u)^\top
              = p \odot \bigl(u - \langle p, u \rangle\bigr)

    Backpropagation carries the upstream gradient :math:`u = \partial \mathcal L / \partial p`
    back through softmax as :math:`\partial \mathcal L / \partial z = u^\top J`. Because
    :math:`J = \operatorname{diag}(p) - p\,p^\top` is symmetric this equals
    :math:`J u`, so the function calls :func:`softmax_jvp`; it exists under its
    own name so that backward code says what it means.

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z, u : array_like
        Logits and the upstream gradient, of the same shape (``ndim >= 1``).
    axis : int
        The axis of the softmax and of the product.

    Returns
    -------
    numpy.ndarray
        :math:`u^\top J`, of ``z``'s shape.
    """
    return softmax_jvp.unchecked(z, u, axis)                  # J is symmetric: u^T J = J u
