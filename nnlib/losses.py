r"""Loss functions and their gradients.

Derived in chapter 5, *Loss functions*.

Conventions shared by every function here:

* **Argument order**: prediction first, target second; each ``*_grad`` takes the
  same arguments as its loss and returns the gradient with respect to the
  **first** argument, with the first argument's shape and dtype.
* **Reduction**: every loss is the *mean over the batch* of a per-example loss,
  :math:`\mathcal L = \frac{1}{m}\sum_{i=1}^m \ell(\hat y_i, y_i)`; with several outputs
  per example, :math:`\ell` *sums* over them. So every gradient already contains
  the factor :math:`1/m`, and no layer divides by :math:`m` again.
* **Return types**: a loss returns a NumPy scalar of the prediction's dtype
  (``np.float32`` or ``np.float64``; ``float(loss)`` gives a Python float); the
  target is converted to that dtype.
* **Probabilities are clipped** to :math:`[\varepsilon, 1 - \varepsilon]`,
  :math:`\varepsilon` = ``np.finfo(dtype).eps``, as scikit-learn's ``log_loss``
  does: :math:`p = 0` or :math:`1` gives a large finite loss, not ``inf``. The
  logit forms (``*_with_logits``, ``softmax_cross_entropy``) need no clipping and
  are the ones to train with.
* **Labels**: the categorical losses accept integer labels of shape ``(m,)`` in
  :math:`[0, K)` or rows of shape ``(m, K)`` on the probability simplex (one-hot or
  soft); both give identical results.
"""
import numpy as np

from ._loss_inputs import _clip, _logit_inputs, _probability_inputs, _regression_inputs
from .labels import one_hot  # noqa: F401 (chapter 5 imports it from here)
from ._validation import validated
from .activations import sigmoid
from .categorical_losses import (  # noqa: F401 (nnlib.losses holds every loss of chapter 5)
    cross_entropy,
    cross_entropy_grad,
    sequence_cross_entropy,
    sequence_cross_entropy_and_grad,
    sequence_cross_entropy_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_and_grad,
    softmax_cross_entropy_grad,
)


@validated(_regression_inputs)
def mse(y_hat, y):
    r"""Mean squared error: the batch mean of the per-example squared distance.

    .. math:: \mathcal L = \frac{1}{m} \sum_{i=1}^{m} \lVert \hat{\mathbf y}_i - \mathbf y_i \rVert^2
              = \frac{1}{m} \sum_{i=1}^{m} \sum_{j=1}^{k} (\hat Y_{ij} - Y_{ij})^2

    The :math:`k` outputs of an example are summed (the Gaussian negative
    log-likelihood), so for ``(m, k)`` input this is :math:`k` times
    scikit-learn's ``mean_squared_error``, which averages all :math:`mk` entries.

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    y_hat, y : array_like
        Predictions and targets, both ``(m,)`` or both ``(m, k)``.

    Returns
    -------
    numpy.floating
        :math:`\mathcal L`, a scalar of the prediction's dtype.
    """
    return np.sum((y_hat - y) ** 2) / y_hat.shape[0]


@validated(_regression_inputs)
def mse_grad(y_hat, y):
    r"""Gradient of :func:`mse` with respect to ``y_hat``.

    .. math:: \frac{\partial \mathcal L}{\partial \hat Y_{ij}} = \frac{2}{m} (\hat Y_{ij} - Y_{ij})

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    y_hat, y : array_like
        As for :func:`mse`.

    Returns
    -------
    numpy.ndarray
        The gradient, of ``y_hat``'s shape and dtype.
    """
    return 2 * (y_hat - y) / y_hat.shape[0]


@validated(_probability_inputs)
def binary_cross_entropy(p, y):
    r"""Binary cross-entropy from probabilities :math:`p = P(y = 1)`, clipped.

    .. math:: \mathcal L = -\frac{1}{m} \sum_{i,j} \bigl[ Y_{ij} \log \tilde P_{ij}
              + (1 - Y_{ij}) \log (1 - \tilde P_{ij}) \bigr], \qquad
              \tilde P = \operatorname{clip}(P, \varepsilon, 1 - \varepsilon)

    ``y`` may be hard labels in :math:`\{0, 1\}` or soft labels in :math:`[0, 1]`.
    Clipping (``eps = np.finfo(dtype).eps``) caps each term at
    :math:`-\log \varepsilon` (36.04 in float64, 15.94 in float32); prefer
    :func:`binary_cross_entropy_with_logits`.

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    p, y : array_like
        Probabilities and labels in :math:`[0, 1]`, both ``(m,)`` or both ``(m, k)``.

    Returns
    -------
    numpy.floating
        :math:`\mathcal L`, a scalar of the prediction's dtype.
    """
    p = _clip(p)
    return -np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / p.shape[0]


@validated(_probability_inputs)
def binary_cross_entropy_grad(p, y):
    r"""Gradient of :func:`binary_cross_entropy` with respect to ``p``.

    .. math:: \frac{\partial \mathcal L}{\partial P_{ij}} =
              \frac{1}{m} \frac{\tilde P_{ij} - Y_{ij}}{\tilde P_{ij} (1 - \tilde P_{ij})}

    Exact for :math:`\varepsilon \le p \le 1 - \varepsilon`; outside, the formula
    at the clipped point (finite, and pointing the right way).

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    p, y : array_like
        As for :func:`binary_cross_entropy`.

    Returns
    -------
    numpy.ndarray
        The gradient, of ``p``'s shape and dtype.
    """
    p = _clip(p)
    return (p - y) / (p * (1 - p)) / p.shape[0]


@validated(_logit_inputs)
@np.errstate(under="ignore")
def binary_cross_entropy_with_logits(z, y):
    r"""Binary cross-entropy of :math:`p = \sigma(z)`, computed stably from the logits.

    .. math:: \mathcal L = \frac{1}{m} \sum_{i,j} \bigl[ \max(Z_{ij}, 0) - Z_{ij} Y_{ij}
              + \log\bigl(1 + e^{-|Z_{ij}|}\bigr) \bigr]

    This equals :func:`binary_cross_entropy` of ``sigmoid(z)`` without clipping
    and without overflow: the exponential never sees a positive argument.

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    z, y : array_like
        Logits and labels in :math:`[0, 1]`, both ``(m,)`` or both ``(m, k)``.

    Returns
    -------
    numpy.floating
        :math:`\mathcal L`, a scalar of the prediction's dtype.
    """
    return np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))) / z.shape[0]


@validated(_logit_inputs)
def binary_cross_entropy_with_logits_grad(z, y):
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to ``z``.

    .. math:: \frac{\partial \mathcal L}{\partial Z_{ij}} = \frac{1}{m} \bigl( \sigma(Z_{ij}) - Y_{ij} \bigr)

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    z, y : array_like
        As for :func:`binary_cross_entropy_with_logits`.

    Returns
    -------
    numpy.ndarray
        The gradient, of ``z``'s shape and dtype.
    """
    return (sigmoid.unchecked(z) - y) / z.shape[0]
