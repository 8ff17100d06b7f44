r"""Activation functions and their derivatives.

Derived in chapter 3, *Activation functions*.

Every forward function sits right above its derivative, as in the book. The
elementwise derivatives (``*_grad``) take the pre-activation ``z`` and return
:math:`\phi'(z)` entry by entry. Softmax mixes its entries, so it comes with its
Jacobian and the two products backpropagation needs without forming it; they live
in :mod:`nnlib.softmax_functions` and are importable from here too.

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

from ._validation import as_float_array
from .softmax_functions import softmax, softmax_jacobian, softmax_jvp, softmax_vjp  # noqa: F401 (re-exported)


def step(z):
    r"""Heaviside step function, the perceptron's activation.

    .. math:: H(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}

    We take :math:`H(0) = 1`, the perceptron convention: a unit whose weighted
    input reaches the threshold fires. Its derivative is 0 wherever it exists
    (everywhere except :math:`z = 0`), so gradient methods cannot train it and
    there is no ``step_grad``.

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        :math:`H(z)`, 0 or 1, of ``z``'s shape and float dtype.
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

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        :math:`\sigma(z)`, of ``z``'s shape and float dtype.
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

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        :math:`\sigma'(z)`, of ``z``'s shape and float dtype.
    """
    z = as_float_array(z, "z")
    return sigmoid(z) * sigmoid(-z)


def tanh(z):
    r"""Hyperbolic tangent.

    .. math:: \tanh z = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\sigma(2z) - 1

    Computed by ``np.tanh``, which never overflows (the formula above, taken
    literally, would overflow for :math:`|z| \gtrsim 710` in float64).

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        :math:`\tanh z`, of ``z``'s shape and float dtype.
    """
    return np.tanh(as_float_array(z, "z"))


@np.errstate(under="ignore")
def tanh_grad(z):
    r"""Derivative of tanh with respect to its input.

    .. math:: \tanh'(z) = 1 - \tanh^2 z

    Accurate to about 1e-16 in absolute terms; where the true value is smaller
    than that (:math:`|z| \gtrsim 19` in float64) it returns 0.

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        :math:`\tanh'(z)`, of ``z``'s shape and float dtype.
    """
    t = tanh(z)
    return 1 - t * t


def relu(z):
    r"""Rectified linear unit.

    .. math:: \operatorname{ReLU}(z) = \max(0, z)

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        :math:`\operatorname{ReLU}(z)`, of ``z``'s shape and float dtype.
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

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        :math:`\operatorname{ReLU}'(z)`, 0 or 1, of ``z``'s shape and float dtype.
    """
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def _check_alpha(alpha):
    return float(as_float_array(alpha, "alpha", ndim=0))  # Python float keeps z's dtype


def leaky_relu(z, alpha=0.01):
    r"""Leaky ReLU: slope 1 for positive input, slope ``alpha`` for negative.

    .. math:: \operatorname{LReLU}_\alpha(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.
    alpha : float
        Slope for :math:`z \le 0`.

    Returns
    -------
    numpy.ndarray
        :math:`\operatorname{LReLU}_\alpha(z)`, of ``z``'s shape and float dtype.
    """
    z, alpha = as_float_array(z, "z"), _check_alpha(alpha)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    r"""Derivative of leaky ReLU, with the convention :math:`\operatorname{LReLU}_\alpha'(0) = \alpha`.

    .. math:: \operatorname{LReLU}_\alpha'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    At :math:`z = 0` any value between :math:`\alpha` and 1 is a subgradient
    (for :math:`\alpha \le 1`); taking :math:`\alpha` matches ``relu_grad``,
    which is the case :math:`\alpha = 0`.

    Derived in chapter 3, *Activation functions*.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.
    alpha : float
        Slope for :math:`z \le 0`.

    Returns
    -------
    numpy.ndarray
        :math:`\operatorname{LReLU}_\alpha'(z)`, of ``z``'s shape and float dtype.
    """
    z, alpha = as_float_array(z, "z"), _check_alpha(alpha)
    return np.where(z > 0, 1.0, alpha).astype(z.dtype)
