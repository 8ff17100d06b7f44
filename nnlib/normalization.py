r"""Batch and layer normalisation: ``BatchNorm`` and ``LayerNorm``.

Derived in chapter 11, *Deep networks*. Both standardise each value with a mean
:math:`\mu` and a variance :math:`\sigma^2` taken over a set of :math:`N` values,
then rescale by learnt :math:`\gamma` and shift by learnt :math:`\beta`:

.. math:: \hat x = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}, \qquad y = \gamma \hat x + \beta,
          \qquad \frac{\partial \mathcal L}{\partial x} = \frac{1}{\sqrt{\sigma^2 + \epsilon}}
          \Bigl(g - \overline{g} - \hat x\, \overline{g \hat x}\Bigr), \quad
          g = \gamma \frac{\partial \mathcal L}{\partial y},

with the bars means over the same :math:`N` values. Batch normalisation takes
them over the batch (per feature, or per channel of an image); layer normalisation
over the features of one example. The values and the gradients are PyTorch's
(``nn.BatchNorm1d``/``2d``, ``nn.LayerNorm``): ``tests/test_normalization.py``
compares them with a file of PyTorch's numbers. Checks are O(1) per call (dimensions, sizes, dtype);
NaN and inf in the input show up in the means the layers compute anyway, which are checked
(O(features)). Sums over axes are single ``einsum`` passes; new arrays are finished in place.
"""
import math

import numpy as np

from ._validation import as_float_array, check_positive_int
from .init import _check_dtype


def _check_float(value, name, low, high):
    value = float(as_float_array(value, name, ndim=0))
    if not low < value <= high:
        raise ValueError(f"{name} must lie in ({low}, {high}], got {value}")
    return value


def _check_input(X, name, dtype):
    """``X`` as an array of ``dtype`` (O(1) checks: a real numeric type; no scan for NaN)."""
    return as_float_array(X, name, allow_nonfinite=True).astype(dtype, copy=False)


def _sum(*arrays, axes):
    """Sum over ``axes`` (kept, of size 1) of the product of ``arrays``: one pass, no array of products."""
    letters = "abcdefghijklmnopqrstuvwxyz"[:arrays[0].ndim]
    kept = "".join(c for i, c in enumerate(letters) if i not in axes)
    total = np.einsum(",".join([letters] * len(arrays)) + "->" + kept, *arrays)
    return total.reshape([1 if i in axes else n for i, n in enumerate(arrays[0].shape)])


def _standardise(X, axes, eps):
    r"""``(x_hat, inv_std, mu, var)``: :math:`\hat x = (x - \mu)/\sqrt{\sigma^2 + \epsilon}` over ``axes``."""
    N = math.prod(X.shape[i] for i in axes)         # values per mean
    mu = _sum(X, axes=axes) / N
    if not np.all(np.isfinite(mu)):                 # O(features): NaN/inf in X reach the mean
        raise ValueError(f"X must contain only finite values (no NaN or inf): a mean over axes {axes} of X "
                         f"(shape {X.shape}) is not finite")
    x_hat = X - mu                                  # x - mu, scaled in place below
    var = _sum(x_hat, x_hat, axes=axes) / N         # biased: divides by N
    inv_std = 1 / np.sqrt(var + eps)
    x_hat *= inv_std
    return x_hat, inv_std, mu, var


def _standardise_backward(g, x_hat, scale, g_mean, gx_mean):
    r""":math:`\partial \mathcal L/\partial x` = ``scale`` :math:`\cdot (g - \overline{g} - \hat x\,\overline{g\hat x})`, given the means."""
    dX = x_hat * gx_mean                            # a new array, finished in place
    np.subtract(g, dX, out=dX)
    dX -= g_mean
    dX *= scale
    return dX


class _Normalisation:
    """What both layers share: ``gamma``, ``beta``, their gradients, the parameter lists."""

    def __init__(self, n_features, *, eps=1e-5, dtype=np.float64):
        self.n_features = check_positive_int(n_features, "n_features")
        self.eps, self.dtype = _check_float(eps, "eps", 0.0, np.inf), _check_dtype(dtype)
        self.gamma, self.beta = np.ones(self.n_features, self.dtype), np.zeros(self.n_features, self.dtype)
        self.dgamma, self.dbeta = np.zeros_like(self.gamma), np.zeros_like(self.beta)
        self._cache = None

    def _check_dY(self, dY):
        if self._cache is None:
            raise RuntimeError("call forward before backward")
        dY = _check_input(dY, "dY", self.dtype)
        if dY.shape != self._cache[0].shape:
            raise ValueError(f"dY must have the shape of the last input, {self._cache[0].shape}, got {dY.shape}")
        return dY

    def parameters(self):
        r"""``[gamma, beta]``, each ``(n_features,)``: updated in place by an optimiser."""
        return [self.gamma, self.beta]

    def gradients(self):
        """``[dgamma, dbeta]``, of the shapes of ``[gamma, beta]``; ``backward`` overwrites them."""
        return [self.dgamma, self.dbeta]

    @property
    def n_params(self):
        """Number of parameters, ``2 * n_features``."""
        return 2 * self.n_features


class BatchNorm(_Normalisation):
    r"""Batch normalisation, per feature of ``(m, n)`` or per channel of ``(m, C, H, W)``.

    In training mode the statistics are the batch's, over the :math:`N = m`
    (or :math:`mHW`) values of each feature, and the running statistics move
    towards them with momentum :math:`\rho`, the variance unbiased as in PyTorch:

    .. math:: \mu_B = \tfrac1N \textstyle\sum x, \quad \sigma_B^2 = \tfrac1N \sum (x - \mu_B)^2, \quad
              \hat\mu \leftarrow (1 - \rho)\hat\mu + \rho\,\mu_B, \quad
              \hat\sigma^2 \leftarrow (1 - \rho)\hat\sigma^2 + \rho\,\tfrac{N}{N - 1}\sigma_B^2

    and :math:`\partial \mathcal L/\partial x = (g - \overline{g} - \hat x\,\overline{g \hat x})/\sqrt{\sigma_B^2 + \epsilon}`
    with :math:`g = \gamma\, \partial \mathcal L/\partial y`; :math:`\gamma` is the same for the
    :math:`N` values, so it leaves the bracket, whose means are then :math:`\partial \mathcal L/\partial\beta / N`
    and :math:`\partial \mathcal L/\partial\gamma / N` (below). In evaluation mode
    (``training = False``) it is the affine map :math:`y = \gamma (x - \hat\mu)/\sqrt{\hat\sigma^2 + \epsilon} + \beta`,
    whose gradient is :math:`\gamma\,\partial \mathcal L/\partial y / \sqrt{\hat\sigma^2 + \epsilon}`.
    Both modes: :math:`\partial \mathcal L/\partial\gamma = \sum \hat x\,\partial \mathcal L/\partial y`,
    :math:`\partial \mathcal L/\partial\beta = \sum \partial \mathcal L/\partial y`.

    Shapes: ``X (m, n) -> (m, n)`` or ``(m, C, H, W) -> (m, C, H, W)`` with ``n``, ``C`` =
    ``n_features``; ``gamma``, ``beta``, ``running_mean``, ``running_var`` ``(n_features,)``.
    Derived in chapter 11, *Deep networks*.

    Parameters
    ----------
    n_features : int
        Number of features (or channels).
    eps : float
        :math:`\epsilon > 0` added to the variance (PyTorch's default 1e-5).
    momentum : float
        :math:`\rho \in (0, 1]` of the running statistics (PyTorch's default 0.1).
    dtype : numpy.float32 or numpy.float64
        Dtype of the parameters and statistics; input is cast to it.

    Attributes
    ----------
    training : bool
        True (the default): batch statistics; False: running statistics.
        :func:`nnlib.training.train` sets it.
    running_mean, running_var : numpy.ndarray
        :math:`\hat\mu` (starts at 0) and :math:`\hat\sigma^2` (starts at 1).
    """

    def __init__(self, n_features, *, eps=1e-5, momentum=0.1, dtype=np.float64):
        super().__init__(n_features, eps=eps, dtype=dtype)
        self.momentum = _check_float(momentum, "momentum", 0.0, 1.0)
        self.running_mean, self.running_var = np.zeros(self.n_features, self.dtype), np.ones(self.n_features, self.dtype)
        self.training = True

    def _axes(self, X, name):
        if X.ndim not in (2, 4) or X.shape[1] != self.n_features:
            raise ValueError(f"{name} must have shape (m, {self.n_features}) or (m, {self.n_features}, H, W), "
                             f"got {X.shape}")
        return (0,) if X.ndim == 2 else (0, 2, 3)

    def forward(self, X):
        r""":math:`\gamma \hat x + \beta`, with batch statistics in training mode (updating the running ones)."""
        X = _check_input(X, "X", self.dtype)
        axes = self._axes(X, "X")
        stats = (1, self.n_features) + (1,) * (X.ndim - 2)     # (1, n) or (1, C, 1, 1)
        if self.training:
            N = X.size // self.n_features                      # values per feature
            if N < 2:
                raise ValueError(f"X must hold more than one value per feature in training mode, got shape "
                                 f"{X.shape} (a batch of 1 has no batch variance; set training = False)")
            x_hat, inv_std, mu, var = _standardise(X, axes, self.eps)
            rho = self.momentum
            self.running_mean[...] = self.running_mean * (1 - rho) + rho * mu.reshape(-1)
            self.running_var[...] = self.running_var * (1 - rho) + rho * N / (N - 1) * var.reshape(-1)
        else:
            inv_std = (1 / np.sqrt(self.running_var + self.eps)).reshape(stats)
            x_hat = X - self.running_mean.reshape(stats)
            x_hat *= inv_std
        self._cache = (x_hat, inv_std, axes, self.training)
        Y = x_hat * self.gamma.reshape(stats)                  # then + beta, in place
        return np.add(Y, self.beta.reshape(stats), out=Y)

    def backward(self, dY, need_input_grad=True):
        r"""Store ``dgamma``, ``dbeta``; return :math:`\partial \mathcal L/\partial X` of the last forward's mode (or None)."""
        dY = self._check_dY(dY)
        x_hat, inv_std, axes, training = self._cache
        dgamma, dbeta = _sum(dY, x_hat, axes=axes), _sum(dY, axes=axes)   # (1, n) or (1, C, 1, 1)
        self.dgamma[...], self.dbeta[...] = dgamma.reshape(-1), dbeta.reshape(-1)
        if not need_input_grad:
            return None
        scale = self.gamma.reshape(inv_std.shape) * inv_std     # gamma / sqrt(var + eps), per feature
        if not training:                                       # an affine map of X
            return dY * scale
        N = dY.size // self.n_features                         # gamma is out of the bracket, in scale
        return _standardise_backward(dY, x_hat, scale, dbeta / N, dgamma / N)

    def __repr__(self):
        return f"BatchNorm({self.n_features}, eps={self.eps}, momentum={self.momentum}, training={self.training})"


class LayerNorm(_Normalisation):
    r"""Layer normalisation over the last axis: each example standardised by its own statistics.

    .. math:: \mu_i = \tfrac1n \textstyle\sum_j x_{ij}, \quad \sigma_i^2 = \tfrac1n \sum_j (x_{ij} - \mu_i)^2, \quad
              y_{ij} = \gamma_j \frac{x_{ij} - \mu_i}{\sqrt{\sigma_i^2 + \epsilon}} + \beta_j, \quad
              \frac{\partial \mathcal L}{\partial x_{i\cdot}} = \frac{g_{i\cdot} - \overline{g_{i\cdot}}
              - \hat x_{i\cdot}\,\overline{g_{i\cdot} \hat x_{i\cdot}}}{\sqrt{\sigma_i^2 + \epsilon}}

    with :math:`g = \gamma \odot \partial \mathcal L/\partial y` and means over the
    :math:`n` features; :math:`\partial \mathcal L/\partial\gamma = \sum_i \hat x_{i\cdot} \odot \partial \mathcal L/\partial y_{i\cdot}`,
    :math:`\partial \mathcal L/\partial\beta = \sum_i \partial \mathcal L/\partial y_{i\cdot}`.
    The same in training and evaluation: no batch statistics, no running ones.

    Shapes: ``X (..., n) -> (..., n)`` (e.g. ``(m, n)`` or ``(m, T, n)``) with ``n`` =
    ``n_features``; ``gamma``, ``beta`` ``(n_features,)``.
    Derived in chapter 11, *Deep networks*.

    Parameters
    ----------
    n_features : int
        Size :math:`n` of the last axis.
    eps : float
        :math:`\epsilon > 0` added to the variance (PyTorch's default 1e-5).
    dtype : numpy.float32 or numpy.float64
        Dtype of ``gamma`` and ``beta``; input is cast to it.
    """

    def forward(self, X):
        r""":math:`\gamma \hat x + \beta`, each row (last axis) standardised by its own mean and variance."""
        X = _check_input(X, "X", self.dtype)
        if X.ndim < 1 or X.shape[-1] != self.n_features:
            raise ValueError(f"X must have shape (..., {self.n_features}), got {X.shape}")
        x_hat, inv_std, _, _ = _standardise(X, (X.ndim - 1,), self.eps)
        self._cache = (x_hat, inv_std)
        Y = x_hat * self.gamma                                 # then + beta, in place
        return np.add(Y, self.beta, out=Y)

    def backward(self, dY, need_input_grad=True):
        r"""Store ``dgamma``, ``dbeta``; return :math:`\partial \mathcal L/\partial X` (or None)."""
        dY = self._check_dY(dY)
        x_hat, inv_std = self._cache
        batch, row, n = tuple(range(dY.ndim - 1)), (dY.ndim - 1,), self.n_features
        self.dgamma[...] = _sum(dY, x_hat, axes=batch).reshape(-1)
        self.dbeta[...] = _sum(dY, axes=batch).reshape(-1)
        if not need_input_grad:
            return None
        g = dY * self.gamma                                    # (..., n); its row means are (..., 1)
        return _standardise_backward(g, x_hat, inv_std, _sum(g, axes=row) / n, _sum(g, x_hat, axes=row) / n)

    def __repr__(self):
        return f"LayerNorm({self.n_features}, eps={self.eps})"
