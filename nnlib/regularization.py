r"""Regularisation: L2 and L1 penalties with their gradients, and inverted dropout.

Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

The penalties take a list of parameter arrays (usually only the weight matrices,
not the biases) and return a number, their gradients a list of arrays of the
same shapes, ready to be added to a network's gradients before the optimiser's
step. :class:`Dropout` is a layer with the interface of :mod:`nnlib.layers`; it
draws a new mask at every forward pass in training mode and is the identity in
evaluation mode (``training = False``), which :func:`nnlib.training.train` sets
when it evaluates and when it returns.
"""
import numpy as np

from ._validation import as_float_array
from .init import as_generator


def _check_alpha(alpha):
    alpha = float(as_float_array(alpha, "alpha", ndim=0))
    if alpha < 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    return alpha


def _check_params(params):
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list of arrays, got {type(params).__name__}")
    return [as_float_array(p, f"params[{i}]") for i, p in enumerate(params)]


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
    alpha = _check_alpha(alpha)
    return 0.5 * alpha * sum(float(np.vdot(p, p)) for p in _check_params(params))


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
    alpha = _check_alpha(alpha)
    return [alpha * p for p in _check_params(params)]


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
    alpha = _check_alpha(alpha)
    return alpha * sum(float(np.abs(p).sum(dtype=np.float64)) for p in _check_params(params))


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
    alpha = _check_alpha(alpha)
    return [alpha * np.sign(p) for p in _check_params(params)]


def _check_p(p):
    p = float(as_float_array(p, "p", ndim=0))
    if not 0 <= p < 1:
        raise ValueError(f"p (the probability of dropping a unit) must satisfy 0 <= p < 1, got {p}")
    return p


def dropout_mask(shape, p, rng, dtype=np.float64):
    r"""An inverted-dropout mask: :math:`M_{ij} = [U_{ij} \ge p] / (1 - p)`, :math:`U_{ij} \sim \mathcal U[0, 1)`.

    Each entry is 0 with probability :math:`p` and :math:`1/(1-p)` otherwise, so
    :math:`\mathbb E[M_{ij}] = 1`.

    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    shape : tuple of int
        Shape of the mask.
    p : float
        Probability of dropping an entry, :math:`0 \le p < 1`.
    rng : numpy.random.Generator or int
        Source of :math:`U` (required).
    dtype : numpy.float32 or numpy.float64
        Dtype of the mask.

    Returns
    -------
    numpy.ndarray
        :math:`M`, of shape ``shape``.
    """
    p, rng = _check_p(p), as_generator(rng)
    keep = rng.random(shape) >= p
    return keep.astype(dtype) * np.asarray(1 / (1 - p), dtype=dtype)


def dropout(X, mask):
    r"""Dropout with a given mask, :math:`A = X \odot M`; its backward is :math:`\partial \mathcal L/\partial X = \partial \mathcal L/\partial A \odot M`.

    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    X, mask : array_like
        Activations and a mask (e.g. from :func:`dropout_mask`), of the same shape.

    Returns
    -------
    numpy.ndarray
        :math:`A`, of ``X``'s shape and dtype.
    """
    X, mask = as_float_array(X, "X"), as_float_array(mask, "mask")
    if X.shape != mask.shape:
        raise ValueError(f"mask must have the shape of X, {X.shape}, got {mask.shape}")
    return X * mask.astype(X.dtype, copy=False)


class Dropout:
    r"""Inverted dropout: in training mode :math:`A = X \odot M` with a fresh :func:`dropout_mask`, else :math:`A = X`.

    .. math:: \mathbb E[A \mid X] = X, \qquad
              \frac{\partial \mathcal L}{\partial X} = \frac{\partial \mathcal L}{\partial A} \odot M

    Shapes: ``X (m, n) -> (m, n)``.
    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    p : float
        Probability of dropping each unit, :math:`0 \le p < 1`.
    rng : numpy.random.Generator or int
        Source of the masks (required).

    Attributes
    ----------
    training : bool
        True (the default) draws masks; False makes the layer the identity.
    """

    def __init__(self, p=0.5, *, rng):
        self.p, self.rng, self.training = _check_p(p), as_generator(rng), True
        self._mask = None

    def forward(self, X):
        r""":math:`X \odot M` with a fresh mask in training mode, else ``X``; any shape."""
        X = as_float_array(X, "X", min_ndim=1)
        if not self.training or self.p == 0:
            self._mask = None
            return X
        self._mask = dropout_mask(X.shape, self.p, self.rng, dtype=X.dtype)
        return X * self._mask

    def backward(self, dA, need_input_grad=True):
        r""":math:`\partial \mathcal L/\partial A \odot M` with the last forward's mask (``dA`` after an identity pass)."""
        dA = as_float_array(dA, "dA")
        if not need_input_grad:
            return None
        if self._mask is None:
            return dA
        if dA.shape != self._mask.shape:
            raise ValueError(f"dA must have the shape of the last input, {self._mask.shape}, got {dA.shape}")
        return dA * self._mask

    def parameters(self):
        """``[]``: no parameters."""
        return []

    def gradients(self):
        """``[]``, matching ``parameters()``."""
        return []

    n_params = 0

    def __repr__(self):
        return f"Dropout(p={self.p})"
