r"""Activation functions and their derivatives.

Derived in chapter 3, *Activation functions*. Every forward function sits right
above its derivative (``*_grad``, of the pre-activation ``z``, entry by entry).
Softmax and its Jacobian products live in :mod:`nnlib.softmax_functions`.

Numerical rules, shared by every function here:

* float32 stays float32; other reals become float64; complex, strings, objects,
  NaN and inf are rejected with an error that names the argument.
* No exponential can overflow (the sigmoid only evaluates :math:`e^{-|z|} \le 1`).
* Underflow to zero is the correctly rounded answer (:math:`e^{-10^4}` is 0), so it
  happens quietly (``@np.errstate(under="ignore")``); nothing else is silenced.
* ``@validated`` checks the input, then runs the formula; ``f.unchecked`` is the
  formula alone, which layers call on data already checked.
"""
import numpy as np

from ._validation import as_float_array, validated
from .softmax_functions import softmax, softmax_jacobian, softmax_jvp, softmax_vjp  # noqa: F401 (re-exported)


def _real(z):
    return (as_float_array(z, "z"),)


def _real_alpha(z, alpha=0.01):
    return as_float_array(z, "z"), float(as_float_array(alpha, "alpha", ndim=0))


@validated(_real)
def step(z):
    r"""Heaviside step function, the perceptron's activation.

    .. math:: H(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}

    :math:`H(0) = 1` (the perceptron convention: a unit whose input reaches the
    threshold fires). Its derivative is 0 wherever it exists, so gradient methods
    cannot train it and there is no ``step_grad``.

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
    return (z >= 0).astype(z.dtype)


@validated(_real)
@np.errstate(under="ignore")
def sigmoid(z):
    r"""Logistic sigmoid, computed so that no exponential overflows.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}

    With :math:`e = e^{-|z|} \in (0, 1]`, the first form for :math:`z \ge 0` and
    the second for :math:`z < 0`: no exponential of a large positive number.

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
    e = np.exp(-np.abs(z))                          # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


@validated(_real)
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
    return sigmoid.unchecked(z) * sigmoid.unchecked(-z)


@validated(_real)
def tanh(z):
    r"""Hyperbolic tangent.

    .. math:: \tanh z = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\sigma(2z) - 1

    Computed by ``np.tanh``, which never overflows (the formula, taken literally,
    overflows for :math:`|z| \gtrsim 710` in float64).

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
    return np.tanh(z)


@validated(_real)
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
    t = np.tanh(z)
    return 1 - t * t


@validated(_real)
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
    return np.maximum(z, 0)


@validated(_real)
def relu_grad(z):
    r"""Derivative of ReLU, with the convention :math:`\operatorname{ReLU}'(0) = 0`.

    .. math:: \operatorname{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}

    At the kink every slope in :math:`[0, 1]` is a *subgradient*; we return 0, as
    the common frameworks do (units exactly at zero stay inactive; :math:`z = 0`
    exactly is rare in floating point, so the choice almost never matters).

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
    return (z > 0).astype(z.dtype)


@validated(_real_alpha)
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
    return np.where(z > 0, z, alpha * z)


@validated(_real_alpha)
def leaky_relu_grad(z, alpha=0.01):
    r"""Derivative of leaky ReLU, with the convention :math:`\operatorname{LReLU}_\alpha'(0) = \alpha`.

    .. math:: \operatorname{LReLU}_\alpha'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    At :math:`z = 0` any value in :math:`[\alpha, 1]` is a subgradient; :math:`\alpha`
    matches ``relu_grad`` (the case :math:`\alpha = 0`).

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
    return np.where(z > 0, 1.0, alpha).astype(z.dtype)
