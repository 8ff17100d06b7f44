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

from ._loss_inputs import _binary_inputs, _check_simplex, _check_unit_interval, _clip, _prediction, _target
from ._validation import check_positive_int
from .activations import sigmoid, softmax


def one_hot(y, n_classes):
    r"""One-hot encode integer class labels.

    .. math:: Y_{ic} = [\,y_i = c\,], \qquad c = 0, \ldots, K - 1

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    y : array_like of int
        Class labels, shape ``(m,)``, in ``[0, n_classes)``.
    n_classes : int
        :math:`K \ge 1`.

    Returns
    -------
    numpy.ndarray
        :math:`Y`, float64 of shape ``(m, n_classes)``.
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.ndim != 1:
        raise ValueError(f"y must have shape (m,), got shape {y.shape}")
    if np.any(y < 0) or np.any(y >= n_classes):
        raise ValueError(f"y must hold labels in [0, {n_classes}), got values in [{y.min()}, {y.max()}]")
    return (y[:, None] == np.arange(n_classes)).astype(np.float64)


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
    y_hat = _prediction(y_hat, "y_hat")
    y = _target(y, y_hat, "y_hat")
    return np.sum((y_hat - y) ** 2) / y_hat.shape[0]


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
    y_hat = _prediction(y_hat, "y_hat")
    y = _target(y, y_hat, "y_hat")
    return 2 * (y_hat - y) / y_hat.shape[0]


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
    p, y = _binary_inputs(p, y, "p")
    _check_unit_interval(p, "p")
    p = _clip(p)
    return -np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / p.shape[0]


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
    p, y = _binary_inputs(p, y, "p")
    _check_unit_interval(p, "p")
    p = _clip(p)
    return (p - y) / (p * (1 - p)) / p.shape[0]


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
    z, y = _binary_inputs(z, y, "z")
    return np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))) / z.shape[0]


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
    z, y = _binary_inputs(z, y, "z")
    return (sigmoid(z) - y) / z.shape[0]


def _categorical_inputs(probs, y):
    probs = _prediction(probs, "probs")
    y = _class_targets(y, probs, "probs")
    _check_simplex(probs, "probs")
    return probs, y


def cross_entropy(probs, y):
    r"""Categorical cross-entropy from probabilities, clipped like :func:`binary_cross_entropy`.

    .. math:: \mathcal L = -\frac{1}{m} \sum_{i=1}^{m} \sum_{c=1}^{K} Y_{ic} \log \tilde P_{ic},
              \qquad \tilde P = \operatorname{clip}(P, \varepsilon, 1 - \varepsilon)

    The rows of ``probs`` must be on the simplex (non-negative, summing to 1
    within :math:`\sqrt{\varepsilon}`). Prefer :func:`softmax_cross_entropy`.

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    probs : array_like
        Probabilities, shape ``(m, K)``, rows on the simplex.
    y : array_like
        Labels ``(m,)`` in ``[0, K)`` or rows ``(m, K)`` on the simplex.

    Returns
    -------
    numpy.floating
        :math:`\mathcal L`, a scalar of the prediction's dtype.
    """
    probs, y = _categorical_inputs(probs, y)
    return -np.sum(y * np.log(_clip(probs))) / probs.shape[0]


def cross_entropy_grad(probs, y):
    r"""Gradient of :func:`cross_entropy` with respect to ``probs``.

    .. math:: \frac{\partial \mathcal L}{\partial P_{ic}} = -\frac{1}{m} \frac{Y_{ic}}{\tilde P_{ic}}

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    probs, y : array_like
        As for :func:`cross_entropy`.

    Returns
    -------
    numpy.ndarray
        The gradient, shape ``(m, K)``, of ``probs``' dtype.
    """
    probs, y = _categorical_inputs(probs, y)
    return -y / _clip(probs) / probs.shape[0]


@np.errstate(under="ignore")
def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)      # (m, K), largest entry 0
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def softmax_cross_entropy(logits, y):
    r"""Cross-entropy of :math:`\operatorname{softmax}(z)`, fused and computed from the logits.

    .. math:: \mathcal L = \frac{1}{m} \sum_{i=1}^{m} \sum_{c=1}^{K} Y_{ic}
              \bigl( \operatorname{LSE}(\mathbf z_i) - Z_{ic} \bigr), \qquad
              \operatorname{LSE}(\mathbf z) = c + \log \sum_j e^{z_j - c},\ c = \max_j z_j

    No clipping, no overflow: the largest exponential is :math:`e^0 = 1`.

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    logits : array_like
        Logits, shape ``(m, K)``.
    y : array_like
        Labels ``(m,)`` in ``[0, K)`` or rows ``(m, K)`` on the simplex.

    Returns
    -------
    numpy.floating
        :math:`\mathcal L`, a scalar of the prediction's dtype.
    """
    logits = _prediction(logits, "logits")
    y = _class_targets(y, logits, "logits")
    return -np.sum(y * _log_softmax(logits)) / logits.shape[0]


def softmax_cross_entropy_grad(logits, y):
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits.

    .. math:: \frac{\partial \mathcal L}{\partial Z_{ic}} = \frac{1}{m} \bigl( \operatorname{softmax}(\mathbf z_i)_c - Y_{ic} \bigr)

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    logits, y : array_like
        As for :func:`softmax_cross_entropy`.

    Returns
    -------
    numpy.ndarray
        The gradient, shape ``(m, K)``, of ``logits``' dtype.
    """
    logits = _prediction(logits, "logits")
    y = _class_targets(y, logits, "logits")
    return (softmax(logits) - y) / logits.shape[0]
