r"""Activation functions and their derivatives.

Derived in chapter 3, *Activation functions*.

Every forward function sits right above its derivative, as in the book. The
elementwise derivatives (``*_grad``) take the pre-activation ``z`` and return
:math:`\phi'(z)` entry by entry; softmax mixes its entries, so it comes with its
Jacobian and with the two products backpropagation needs without forming it.

Numerical rules, shared by every function here:

* float32 in gives float32 out, float64 gives float64; other real input
  (ints, bools) becomes float64; complex, strings, objects, NaN and inf are
  rejected with an error that names the argument.
* No exponential can overflow: the sigmoid only ever evaluates
  :math:`e^{-|z|} \le 1`, and softmax subtracts the maximum first.
* Underflow to zero is the correctly rounded answer (:math:`e^{-10^4}` is 0 in
  every float format), so each function lets it happen quietly
  (``@np.errstate(under="ignore")``) even if the caller asked NumPy to raise on
  it. Overflow, division by zero and invalid operations are never silenced.
"""
import numpy as np

from ._validation import as_float_array, check_axis, check_same_shape


def step(z):
    r"""Heaviside step function, the perceptron's activation.

    .. math:: H(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}

    We take :math:`H(0) = 1`, the perceptron convention: a unit whose weighted
    input reaches the threshold fires. Its derivative is 0 wherever it exists
    (everywhere except :math:`z = 0`), so gradient methods cannot train it and
    there is no ``step_grad``.

    Shapes: any shape -> same shape. Derived in chapter 3, *Activation functions*.
    """
    z = as_float_array(z, "z")
    return (z >= 0).astype(z.dtype)


@np.errstate(under="ignore")
def sigmoid(z):
    r"""Logistic sigmoid, computed so that no exponential overflows.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}

    With :math:`e = e^{-|z|} \in (0, 1]`, the first form is used for
    :math:`z \ge 0` and the second for :math:`z < 0`; neither divides by a
    huge number or exponentiates a large positive one.

    Shapes: any shape -> same shape. Derived in chapter 3, *Activation functions*.
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))                          # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


@np.errstate(under="ignore")
def sigmoid_grad(z):
    r"""Derivative of the sigmoid with respect to its input.

    .. math:: \sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr) = \sigma(z)\,\sigma(-z)

    The second form (because :math:`1 - \sigma(z) = \sigma(-z)`) avoids the
    cancellation in :math:`1 - \sigma(z)` when :math:`\sigma(z) \approx 1`, so
    the result is accurate to a few ulps even far in the tails.

    Shapes: any shape -> same shape. Derived in chapter 3, *Activation functions*.
    """
    z = as_float_array(z, "z")
    return sigmoid(z) * sigmoid(-z)


def tanh(z):
    r"""Hyperbolic tangent.

    .. math:: \tanh z = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\sigma(2z) - 1

    Computed by ``np.tanh``, which never overflows (the formula above, taken
    literally, would overflow for :math:`|z| \gtrsim 710` in float64).

    Shapes: any shape -> same shape. Derived in chapter 3, *Activation functions*.
    """
    return np.tanh(as_float_array(z, "z"))


@np.errstate(under="ignore")
def tanh_grad(z):
    r"""Derivative of tanh with respect to its input.

    .. math:: \tanh'(z) = 1 - \tanh^2 z

    Accurate to about 1e-16 in absolute terms; where the true value is smaller
    than that (:math:`|z| \gtrsim 19` in float64) it returns 0.

    Shapes: any shape -> same shape. Derived in chapter 3, *Activation functions*.
    """
    t = tanh(z)
    return 1 - t * t


def relu(z):
    r"""Rectified linear unit.

    .. math:: \operatorname{ReLU}(z) = \max(0, z)

    Shapes: any shape -> same shape. Derived in chapter 3, *Activation functions*.
    """
    return np.maximum(as_float_array(z, "z"), 0)


def relu_grad(z):
    r"""Derivative of ReLU, with the convention :math:`\operatorname{ReLU}'(0) = 0`.

    .. math:: \operatorname{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}

    At the kink :math:`z = 0` ReLU has no derivative; every slope in
    :math:`[0, 1]` is a *subgradient* there (a line through the origin with that
    slope stays below the graph), so any of them is a valid choice. We return 0,
    as the common frameworks do: it keeps units that are exactly at zero
    inactive, and the choice almost never matters because :math:`z = 0` exactly
    is rare in floating point.

    Shapes: any shape -> same shape. Derived in chapter 3, *Activation functions*.
    """
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def _check_alpha(alpha):
    return float(as_float_array(alpha, "alpha", ndim=0))  # Python float keeps z's dtype


def leaky_relu(z, alpha=0.01):
    r"""Leaky ReLU: slope 1 for positive input, slope ``alpha`` for negative.

    .. math:: \operatorname{LReLU}_\alpha(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}

    Shapes: any shape -> same shape; ``alpha`` is a scalar.
    Derived in chapter 3, *Activation functions*.
    """
    z, alpha = as_float_array(z, "z"), _check_alpha(alpha)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    r"""Derivative of leaky ReLU, with the convention :math:`\operatorname{LReLU}_\alpha'(0) = \alpha`.

    .. math:: \operatorname{LReLU}_\alpha'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    At :math:`z = 0` any value between :math:`\alpha` and 1 is a subgradient
    (for :math:`\alpha \le 1`); taking :math:`\alpha` matches ``relu_grad``,
    which is the case :math:`\alpha = 0`.

    Shapes: any shape -> same shape; ``alpha`` is a scalar.
    Derived in chapter 3, *Activation functions*.
    """
    z, alpha = as_float_array(z, "z"), _check_alpha(alpha)
    return np.where(z > 0, 1.0, alpha).astype(z.dtype)


@np.errstate(under="ignore")
def softmax(z, axis=-1):
    r"""Softmax along ``axis``, computed stably by subtracting the maximum.

    .. math:: \operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}
              = \frac{e^{z_i - c}}{\sum_j e^{z_j - c}}, \qquad c = \max_j z_j

    The two forms are equal for every constant :math:`c` (shift invariance);
    with :math:`c = \max_j z_j` the largest exponential is :math:`e^0 = 1`, so
    none overflows and the denominator is at least 1.

    Shapes: any shape with ``ndim >= 1`` -> same shape; the entries along
    ``axis`` sum to 1. Derived in chapter 3, *Activation functions*.
    """
    z = as_float_array(z, "z", min_ndim=1)
    axis = check_axis(axis, z.ndim)
    e = np.exp(z - z.max(axis=axis, keepdims=True))  # largest entry is exactly 1
    return e / e.sum(axis=axis, keepdims=True)


@np.errstate(under="ignore")
def softmax_jacobian(z):
    r"""Jacobian of softmax over the last axis: :math:`J = \operatorname{diag}(p) - p\,p^\top`.

    .. math:: J_{ij} = \frac{\partial p_i}{\partial z_j} = p_i\,(\delta_{ij} - p_j),
              \qquad p = \operatorname{softmax}(z)

    :math:`J` is symmetric; its columns sum to 0 (softmax's outputs always sum
    to 1), and so, by symmetry, do its rows. Forming it costs :math:`K^2` per example: backpropagation uses
    :func:`softmax_vjp` instead.

    Shapes: ``(K,) -> (K, K)``; a batch ``(m, K) -> (m, K, K)``; in general
    ``(..., K) -> (..., K, K)``. Derived in chapter 3, *Activation functions*.
    """
    p = softmax(z)                                  # (..., K)
    eye = np.eye(p.shape[-1], dtype=p.dtype)        # (K, K)
    return p[..., :, None] * (eye - p[..., None, :])  # (..., K, K): p_i (delta_ij - p_j)


@np.errstate(under="ignore")
def softmax_jvp(z, v, axis=-1):
    r"""Jacobian-vector product :math:`J v` of softmax, without forming :math:`J`.

    .. math:: J v = \bigl(\operatorname{diag}(p) - p\,p^\top\bigr) v
              = p \odot \bigl(v - \langle p, v \rangle\bigr)

    :math:`O(K)` work per example instead of :math:`O(K^2)`.

    Shapes: ``z`` and ``v`` have the same shape (``ndim >= 1``); the product is
    taken along ``axis``, and the result has that shape too.
    Derived in chapter 3, *Activation functions*.
    """
    z = as_float_array(z, "z", min_ndim=1)
    v = as_float_array(v, "v")
    check_same_shape(z, v, "z", "v")
    p = softmax(z, axis)
    return p * (v - np.sum(p * v, axis=axis, keepdims=True))


def softmax_vjp(z, u, axis=-1):
    r"""Vector-Jacobian product :math:`u^\top J` of softmax, the step backprop takes.

    .. math:: u^\top J = \bigl(J^\top u\bigr)^\top = (J u)^\top
              = p \odot \bigl(u - \langle p, u \rangle\bigr)

    Backpropagation carries the upstream gradient :math:`u = \partial L / \partial p`
    back through softmax as :math:`\partial L / \partial z = u^\top J`. Because
    :math:`J = \operatorname{diag}(p) - p\,p^\top` is symmetric this equals
    :math:`J u`, so the function calls :func:`softmax_jvp`; it exists under its
    own name so that backward code says what it means.

    Shapes: ``z`` and ``u`` have the same shape (``ndim >= 1``); the product is
    taken along ``axis``, and the result has that shape too.
    Derived in chapter 3, *Activation functions*.
    """
    z = as_float_array(z, "z", min_ndim=1)
    u = as_float_array(u, "u")
    check_same_shape(z, u, "z", "u")
    return softmax_jvp(z, u, axis)                  # J is symmetric: u^T J = J u
