r"""Inverted dropout: the mask, the masked product, and the layer.

Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.
:class:`Dropout` is a layer with the interface of :mod:`nnlib.layers`; it draws a
new mask at every forward pass in training mode and is the identity in evaluation
mode (``training = False``), which :func:`nnlib.training.train` sets when it
evaluates and when it returns.
"""
import numpy as np

from ._validation import as_float_array, check_batch, validated
from .init import as_generator


def _check_p(p):
    p = float(as_float_array(p, "p", ndim=0))
    if not 0 <= p < 1:
        raise ValueError(f"p (the probability of dropping a unit) must satisfy 0 <= p < 1, got {p}")
    return p


def _mask_inputs(shape, p, rng, dtype=np.float64):
    return shape, _check_p(p), as_generator(rng), dtype


def _product_inputs(X, mask):
    X, mask = as_float_array(X, "X"), as_float_array(mask, "mask")
    if X.shape != mask.shape:
        raise ValueError(f"mask must have the shape of X, {X.shape}, got {mask.shape}")
    return X, mask


@validated(_mask_inputs)
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
    keep = rng.random(shape) >= p
    return keep.astype(dtype) * np.asarray(1 / (1 - p), dtype=dtype)


@validated(_product_inputs)
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
        X = check_batch(X, "X")
        if not self.training or self.p == 0:
            self._mask = None
            return X
        self._mask = dropout_mask.unchecked(X.shape, self.p, self.rng, X.dtype)
        return dropout.unchecked(X, self._mask)

    def backward(self, dA, need_input_grad=True):
        r""":math:`\partial \mathcal L/\partial A \odot M` with the last forward's mask (``dA`` after an identity pass)."""
        dA = check_batch(dA, "dA")
        if not need_input_grad:
            return None
        if self._mask is None:
            return dA
        if dA.shape != self._mask.shape:
            raise ValueError(f"dA must have the shape of the last input, {self._mask.shape}, got {dA.shape}")
        return dropout.unchecked(dA, self._mask)          # the same mask: dA * M

    def parameters(self):
        """``[]``: no parameters."""
        return []

    def gradients(self):
        """``[]``, matching ``parameters()``."""
        return []

    n_params = 0

    def __repr__(self):
        return f"Dropout(p={self.p})"
