"""Backpropagation checked against central differences, for whole networks.

Derived in chapter 7, *Backpropagation*, from the finite differences of chapter 3
(:mod:`nnlib.gradient_check`).
"""
import numpy as np

from ._training_checks import LOSSES, check_data, check_loss
from ._validation import as_float_array
from .gradient_check import numerical_gradient, relative_error


def gradcheck(model, loss, X, y, eps=1e-6):
    r"""Check backpropagation: analytic against central-difference gradients, every parameter.

    For each parameter array :math:`\theta` of ``model`` (in ``model.parameters()``
    order) it compares :math:`\partial \mathcal L/\partial\theta` from ``model.forward``, the
    loss gradient and ``model.backward`` with

    .. math:: \frac{\partial \mathcal L}{\partial \theta_j} \approx
              \frac{\mathcal L(\theta + \varepsilon e_j) - \mathcal L(\theta - \varepsilon e_j)}{2\varepsilon}

    for every entry :math:`j`, where :math:`\mathcal L` is the batch-mean ``loss`` (a name
    from ``nnlib.training.LOSSES``). The model must be float64 (float32 rounding
    would swamp the differences); its parameters are restored exactly afterwards.

    Shapes: ``X (m, n_in)``, ``y`` as ``loss`` expects. Derived in chapter 7, *Backpropagation*.

    Parameters
    ----------
    model : nnlib.layers.Sequential
        A float64 network; its parameters are restored exactly afterwards.
    loss : str
        A key of ``nnlib.training.LOSSES``, as for :func:`nnlib.training.train`.
    X, y : array_like
        A batch, ``X (m, n_in)`` and ``y`` as ``loss`` expects it (see :func:`nnlib.training.train`).
    eps : float
        Step size of the central differences, > 0.

    Returns
    -------
    list of float
        :func:`~nnlib.gradient_check.relative_error` per parameter array; below about 1e-7 for a
        correct backward pass through smooth layers.
    """
    loss_fn, loss_grad = (f.unchecked for f in LOSSES[check_loss(loss)])
    X, Y, _ = check_data(model, loss, X, y)
    for i, p in enumerate(model.parameters()):
        if p.dtype != np.float64:
            raise TypeError(f"model must be float64 for a gradient check; parameter {i} is {p.dtype}")
    eps = float(as_float_array(eps, "eps", ndim=0))
    if eps <= 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    model.backward(loss_grad(model.forward(X), Y))
    analytic = [g.copy() for g in model.gradients()]
    errors = []
    for p, g in zip(model.parameters(), analytic):
        saved = p.copy()

        def loss_at(value, p=p):
            p[...] = value
            return loss_fn(model.forward(X), Y)
        try:
            errors.append(relative_error(g, numerical_gradient(loss_at, saved, eps)))
        finally:
            p[...] = saved                          # exactly the original values
    return errors
