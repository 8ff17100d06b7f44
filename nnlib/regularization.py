r"""Regularisation: L2 and L1 penalties with their gradients (dropout: :mod:`nnlib.dropout_layer`).

Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

The penalties take a list of parameter arrays (usually only the weight matrices,
not the biases) and return a number, their gradients a list of arrays of the
same shapes, ready to be added to a network's gradients before the optimiser's
step (:func:`nnlib.training.train`'s ``grad_hook``).
"""
import numpy as np

from ._validation import as_float_array, validated


def _check_alpha(alpha):
    alpha = float(as_float_array(alpha, "alpha", ndim=0))
    if alpha < 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    return alpha


def _penalty_inputs(params, alpha):
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list of arrays, got {type(params).__name__}")
    return [as_float_array(p, f"params[{i}]") for i, p in enumerate(params)], _check_alpha(alpha)


@validated(_penalty_inputs)
def l2_penalty(params, alpha):
    r"""The L2 penalty :math:`\frac{\alpha}{2} \sum_j \lVert W_j \rVert_F^2`.

    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    params : list of array_like
        The penalised arrays :math:`W_j` (usually the weight matrices, not the biases).
    alpha : float
        :math:`\alpha \ge 0`.

    Returns
    -------
    float
    """
    return 0.5 * alpha * sum(float(np.vdot(p, p)) for p in params)


@validated(_penalty_inputs)
def l2_penalty_grad(params, alpha):
    r"""Gradient of :func:`l2_penalty`: :math:`\alpha W_j` for each array.

    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    params : list of array_like
        The penalised arrays :math:`W_j` (usually the weight matrices, not the biases).
    alpha : float
        :math:`\alpha \ge 0`.

    Returns
    -------
    list of numpy.ndarray
        One array per parameter, of its shape and dtype.
    """
    return [alpha * p for p in params]


@validated(_penalty_inputs)
def l1_penalty(params, alpha):
    r"""The L1 penalty :math:`\alpha \sum_j \lVert W_j \rVert_1`.

    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    params : list of array_like
        The penalised arrays :math:`W_j` (usually the weight matrices, not the biases).
    alpha : float
        :math:`\alpha \ge 0`.

    Returns
    -------
    float
    """
    return alpha * sum(float(np.abs(p).sum(dtype=np.float64)) for p in params)


@validated(_penalty_inputs)
def l1_penalty_grad(params, alpha):
    r"""A subgradient of :func:`l1_penalty`: :math:`\alpha \operatorname{sign}(W_j)`, 0 where :math:`W_j = 0`.

    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    params : list of array_like
        The penalised arrays :math:`W_j` (usually the weight matrices, not the biases).
    alpha : float
        :math:`\alpha \ge 0`.

    Returns
    -------
    list of numpy.ndarray
        One array per parameter, of its shape and dtype.
    """
    return [alpha * np.sign(p) for p in params]
