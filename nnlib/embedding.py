r"""Token and position embeddings: the input layers of a transformer.

Derived in chapter 12, *Attention and transformers*. :class:`Embedding` looks a
row up for each integer token (the product of a one-hot row with the table,
without forming it); its gradient is a scatter-add. :class:`PositionalEncoding`
adds a vector per position: the sinusoids of :mod:`nnlib.positional`, or a
learned table.
"""
import numpy as np

from ._validation import check_batch, check_positive_int
from .init import _check_dtype, as_generator
from .positional import sinusoidal_positional_encoding


class Embedding:
    r"""A lookup table: token :math:`x_{it}` becomes row :math:`W_{x_{it}}`.

    .. math:: Y_{it\cdot} = W_{x_{it}\cdot} = \mathbf e_{x_{it}}^\top W, \qquad
              \frac{\partial \mathcal L}{\partial W_{v\cdot}} = \sum_{i,t:\ x_{it} = v}
              \frac{\partial \mathcal L}{\partial Y_{it\cdot}}

    The gradient is a scatter-add (``np.add.at``): a row collects the gradients of
    every position that holds its token, and rows of absent tokens get 0. The
    tokens are not differentiable: ``backward`` returns zeros for them.

    Shapes: ``X (m, T)`` integer tokens (or integer-valued floats, as
    :func:`~nnlib.training.train` passes them) -> ``Y (m, T, d)``; ``W (n_vocab, d)``.
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    n_vocab, d : int
        Number of tokens and width of a row, each >= 1.
    rng : numpy.random.Generator or int
        Source of the initial table, :math:`W_{vj} \sim \mathcal N(0, 1)` (as PyTorch).
    dtype : numpy.float32 or numpy.float64
        Dtype of ``W``.
    """

    def __init__(self, n_vocab, d, *, rng=None, dtype=np.float64):
        self.n_vocab, self.d = check_positive_int(n_vocab, "n_vocab"), check_positive_int(d, "d")
        self.dtype = _check_dtype(dtype)
        self.W = as_generator(rng).standard_normal((self.n_vocab, self.d)).astype(self.dtype)
        self.dW = np.zeros_like(self.W)
        self._X = None

    def forward(self, X):
        """``W[X]``, ``(m, T) -> (m, T, d)``; keeps the tokens for ``backward``."""
        X = np.asarray(X)
        if X.dtype.kind not in "iuf":
            raise TypeError(f"X must hold integer tokens, got dtype {X.dtype}")
        if X.ndim < 1:
            raise ValueError(f"X must be at least 1-dimensional (m, T), got shape {X.shape}")
        if X.dtype.kind == "f" and not np.array_equal(np.floor(X), X):   # NaN fails too
            raise ValueError("X must hold integer tokens, got values that are not whole numbers")
        if X.size and (X.min() < 0 or X.max() >= self.n_vocab):          # no silent wrap-around
            raise ValueError(f"X must hold tokens in [0, {self.n_vocab}), got [{X.min()}, {X.max()}]")
        idx = X.astype(np.intp)
        self._X, self._shape = idx, X.shape
        return self.W[idx]

    def backward(self, dY, need_input_grad=True):
        """Store ``dW`` (a scatter-add of ``dY`` ``(m, T, d)``); return zeros of ``X``'s shape (or None)."""
        if self._X is None:
            raise RuntimeError("call forward before backward")
        dY = check_batch(dY, "dY", dtype=self.dtype)
        if dY.shape != self._X.shape + (self.d,):
            raise ValueError(f"dY must have shape {self._X.shape + (self.d,)}, got {dY.shape}")
        self.dW[...] = 0
        np.add.at(self.dW, self._X.ravel(), dY.reshape(-1, self.d))  # repeated tokens add up
        return np.zeros(self._shape, dtype=self.dtype) if need_input_grad else None

    def parameters(self):
        """``[W]``."""
        return [self.W]

    def gradients(self):
        """``[dW]``, overwritten in place by ``backward``."""
        return [self.dW]

    @property
    def n_params(self):
        """Number of parameters, ``n_vocab * d``."""
        return self.W.size

    def __repr__(self):
        return f"Embedding({self.n_vocab}, {self.d})"


class PositionalEncoding:
    r"""Add a vector per position: :math:`Y_{it\cdot} = X_{it\cdot} + P_{t\cdot}`.

    .. math:: Y = X + P_{1:T}, \qquad \frac{\partial \mathcal L}{\partial X} = \frac{\partial \mathcal L}{\partial Y},
              \qquad \frac{\partial \mathcal L}{\partial P_{t\cdot}} = \sum_i \frac{\partial \mathcal L}{\partial Y_{it\cdot}}

    ``kind="sinusoidal"``: :math:`P` is :func:`~nnlib.positional.sinusoidal_positional_encoding`,
    fixed (no parameters). ``kind="learned"``: :math:`P` is a parameter,
    :math:`\mathcal N(0, 0.02^2)` at the start, updated by training.

    Shapes: ``X (m, T, d) -> (m, T, d)``, ``T <= max_len``; ``P (max_len, d)``.
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    max_len, d : int
        Longest sequence and width, each >= 1.
    kind : {"sinusoidal", "learned"}
    rng : numpy.random.Generator or int, optional
        Source of a learned table's start (required for ``kind="learned"``).
    dtype : numpy.float32 or numpy.float64
    """

    def __init__(self, max_len, d, *, kind="sinusoidal", rng=None, dtype=np.float64):
        self.max_len, self.d = check_positive_int(max_len, "max_len"), check_positive_int(d, "d")
        self.dtype = _check_dtype(dtype)
        if kind not in ("sinusoidal", "learned"):
            raise ValueError(f"kind must be 'sinusoidal' or 'learned', got {kind!r}")
        self.kind = kind
        if kind == "sinusoidal":
            self.P = sinusoidal_positional_encoding(self.max_len, self.d).astype(self.dtype)
        else:
            self.P = (0.02 * as_generator(rng).standard_normal((self.max_len, self.d))).astype(self.dtype)
        self.dP = np.zeros_like(self.P)
        self._T = None

    def forward(self, X):
        """``X + P[:T]`` for ``X`` ``(m, T, d)``."""
        X = check_batch(X, "X", ndim=3, size=self.d, dtype=self.dtype)
        if X.shape[1] > self.max_len:
            raise ValueError(f"X has {X.shape[1]} positions, more than max_len={self.max_len}")
        self._T = X.shape[1]
        return X + self.P[:self._T]

    def backward(self, dY, need_input_grad=True):
        """Store ``dP`` (learned kind); return ``dY`` itself as ``dX`` (or None)."""
        if self._T is None:
            raise RuntimeError("call forward before backward")
        dY = check_batch(dY, "dY", ndim=3, size=self.d, dtype=self.dtype)
        if dY.shape[1] != self._T:
            raise ValueError(f"dY must have {self._T} positions, got shape {dY.shape}")
        if self.kind == "learned":
            self.dP[...] = 0
            self.dP[:self._T] = dY.sum(axis=0)
        return dY if need_input_grad else None

    def parameters(self):
        """``[P]`` if learned, else ``[]``."""
        return [self.P] if self.kind == "learned" else []

    def gradients(self):
        """``[dP]`` if learned, else ``[]``."""
        return [self.dP] if self.kind == "learned" else []

    @property
    def n_params(self):
        """Number of parameters, ``max_len * d`` if learned, else 0."""
        return self.P.size if self.kind == "learned" else 0

    def __repr__(self):
        return f"PositionalEncoding({self.max_len}, {self.d}, kind={self.kind!r})"
