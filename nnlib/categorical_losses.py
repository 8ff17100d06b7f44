r"""Categorical losses: the cross-entropy from probabilities and from logits, per example and per position.

Derived in chapter 5, *Loss functions* (the per-position form in chapter 9,
*Recurrent networks*), with the conventions of :mod:`nnlib.losses`, which
re-exports every name here: prediction first, target second; the mean over the
batch; ``*_grad`` is the gradient with respect to the first argument. Labels are
integers ``(m,)`` in ``[0, K)`` or rows ``(m, K)`` on the simplex. The softmax
cross-entropies are computed by ``*_and_grad``, which returns the value and the
gradient from one log-softmax (what training calls, once per step); the value and
gradient functions return its two halves.
"""
import numpy as np

from ._loss_inputs import _categorical_inputs, _clip, _prediction, _softmax_inputs
from .labels import one_hot
from ._validation import as_float_array, validated
from .softmax_functions import log_softmax


@validated(_categorical_inputs)
def cross_entropy(probs, y):
    r"""Categorical cross-entropy from probabilities, clipped like :func:`~nnlib.losses.binary_cross_entropy`.

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
    return -np.sum(y * np.log(_clip(probs))) / probs.shape[0]


@validated(_categorical_inputs)
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
    return -y / _clip(probs) / probs.shape[0]


@validated(_softmax_inputs)
@np.errstate(under="ignore")
def softmax_cross_entropy_and_grad(logits, y):
    r"""Softmax cross-entropy and its gradient with respect to the logits, from one log-softmax.

    .. math:: \log P = \operatorname{log\,softmax}(Z), \qquad
              \mathcal L = -\frac{1}{m} \sum_{i=1}^{m} \sum_{c=1}^{K} Y_{ic} \log P_{ic}, \qquad
              \frac{\partial \mathcal L}{\partial Z} = \frac{1}{m} \bigl( e^{\log P} - Y \bigr)

    with :math:`\log P_{ic} = Z_{ic} - \operatorname{LSE}(\mathbf z_i)`,
    :math:`\operatorname{LSE}(\mathbf z) = c + \log \sum_j e^{z_j - c}`, :math:`c = \max_j z_j`.
    The loss needs the log-probabilities and its gradient the probabilities
    :math:`P = \operatorname{softmax}(Z) = e^{\log P}`, so one log-softmax serves
    both; training calls this function once per step. No clipping, no overflow: the
    largest exponential inside the log-sum-exp is :math:`e^0 = 1`, and :math:`e^{\log P}`
    may only underflow to 0, which is the right answer.
    :func:`softmax_cross_entropy` and :func:`softmax_cross_entropy_grad` are its two halves.

    Derived in chapter 5, *Loss functions*.

    Parameters
    ----------
    logits : array_like
        Logits, shape ``(m, K)``.
    y : array_like
        Labels ``(m,)`` in ``[0, K)`` or rows ``(m, K)`` on the simplex.

    Returns
    -------
    tuple
        :math:`\mathcal L`, a scalar of the logits' dtype, and the gradient, shape
        ``(m, K)``, of the logits' dtype.
    """
    log_p = log_softmax.unchecked(logits)            # (m, K): log p_ic
    m = logits.shape[0]
    loss = -np.vdot(y, log_p) / m                    # -(1/m) sum_ic Y_ic log p_ic
    grad = (np.exp(log_p) - y) / m                   # (p - Y) / m with p = e^(log p)
    return loss, grad


@validated(_softmax_inputs)
def softmax_cross_entropy(logits, y):
    r"""Cross-entropy of :math:`\operatorname{softmax}(z)`, fused and computed from the logits.

    .. math:: \mathcal L = \frac{1}{m} \sum_{i=1}^{m} \sum_{c=1}^{K} Y_{ic}
              \bigl( \operatorname{LSE}(\mathbf z_i) - Z_{ic} \bigr), \qquad
              \operatorname{LSE}(\mathbf z) = c + \log \sum_j e^{z_j - c},\ c = \max_j z_j

    The first half of :func:`softmax_cross_entropy_and_grad`, which computes it.
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
    loss, _ = softmax_cross_entropy_and_grad.unchecked(logits, y)
    return loss


@validated(_softmax_inputs)
def softmax_cross_entropy_grad(logits, y):
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits.

    .. math:: \frac{\partial \mathcal L}{\partial Z_{ic}} = \frac{1}{m} \bigl( \operatorname{softmax}(\mathbf z_i)_c - Y_{ic} \bigr)

    The second half of :func:`softmax_cross_entropy_and_grad`, which computes it.
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
    _, grad = softmax_cross_entropy_and_grad.unchecked(logits, y)
    return grad


def _sequence_inputs(logits, y):
    logits = as_float_array(logits, "logits", ndim=3)
    y = np.asarray(y)
    if y.ndim == 3:                                  # one-hot rows (m, T, K)
        y = _prediction(y.reshape(-1, y.shape[-1]), "y").reshape(y.shape)
        if y.shape != logits.shape:
            raise ValueError(f"y must have shape {logits.shape[:2]} (labels) or {logits.shape}, got {y.shape}")
        return logits, y
    if y.dtype.kind not in "iu" or y.shape != logits.shape[:2]:
        raise ValueError(f"y must be integer labels of shape {logits.shape[:2]}, got {y.dtype} {y.shape}")
    m, T, K = logits.shape
    return logits, one_hot(y.reshape(m * T), K).astype(logits.dtype).reshape(m, T, K)


@validated(_sequence_inputs)
def sequence_cross_entropy_and_grad(logits, y):
    r"""Sequence cross-entropy and its gradient together, from one log-softmax.

    :func:`softmax_cross_entropy_and_grad` of the ``m T`` positions, the gradient
    reshaped to ``(m, T, K)``: the value of :func:`sequence_cross_entropy` and of
    :func:`sequence_cross_entropy_grad`. Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    logits, y : array_like
        As for :func:`sequence_cross_entropy`.

    Returns
    -------
    tuple
        :math:`\mathcal L`, a scalar, and the gradient, shape ``(m, T, K)``.
    """
    K = logits.shape[-1]
    loss, grad = softmax_cross_entropy_and_grad.unchecked(logits.reshape(-1, K), y.reshape(-1, K))
    return loss, grad.reshape(logits.shape)


@validated(_sequence_inputs)
def sequence_cross_entropy(logits, y):
    r"""Softmax cross-entropy averaged over every position of every sequence.

    .. math:: \mathcal L = \frac{1}{m T} \sum_{i=1}^{m} \sum_{t=1}^{T}
              \bigl( \operatorname{LSE}(\mathbf z_{it}) - z_{it, y_{it}} \bigr)

    the mean negative log-likelihood per symbol; :math:`e^{\mathcal L}` is the
    perplexity. It is :func:`softmax_cross_entropy` of the ``m T`` positions.
    Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    logits : array_like
        Shape ``(m, T, K)``.
    y : array_like
        Integer labels ``(m, T)`` in ``[0, K)``, or one-hot rows ``(m, T, K)``.

    Returns
    -------
    numpy.floating
        :math:`\mathcal L`, a scalar of ``logits``' dtype.
    """
    K = logits.shape[-1]
    return softmax_cross_entropy.unchecked(logits.reshape(-1, K), y.reshape(-1, K))


@validated(_sequence_inputs)
def sequence_cross_entropy_grad(logits, y):
    r"""Gradient of :func:`sequence_cross_entropy`: :math:`(\operatorname{softmax}(\mathbf z_{it}) - \mathbf e_{y_{it}}) / (m T)`.

    Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    logits, y : array_like
        As for :func:`sequence_cross_entropy`.

    Returns
    -------
    numpy.ndarray
        The gradient, shape ``(m, T, K)``.
    """
    K = logits.shape[-1]
    grad = softmax_cross_entropy_grad.unchecked(logits.reshape(-1, K), y.reshape(-1, K))
    return grad.reshape(logits.shape)
