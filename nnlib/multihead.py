r"""Multi-head self-attention as a layer.

Derived in chapter 12, *Attention and transformers*. The input is projected to
queries, keys and values; the width :math:`d` is split into :math:`h` heads of
:math:`d_k = d/h` entries, each head attends on its own subspace with
:func:`~nnlib.attention.scaled_dot_product_attention`, and the heads' outputs,
side by side, are projected back to width :math:`d`. The formulas are those of
:mod:`nnlib.attention`, without its checks: the layer checks shapes in O(1).
"""
import numpy as np

from ._validation import check_batch, check_positive_int
from .attention import _attend, _attention_backward, causal_mask
from .init import _check_dtype, as_generator


class MultiHeadAttention:
    r"""Multi-head self-attention over a sequence, optionally causal.

    .. math:: Q = X W_q + b_q,\ K = X W_k + b_k,\ V = X W_v + b_v, \qquad
              O_h = \operatorname{softmax}\Bigl(\frac{Q_h K_h^\top}{\sqrt{d_k}} + M\Bigr) V_h, \qquad
              Y = [O_1, \ldots, O_h]\, W_o + b_o

    where :math:`Q_h` is columns :math:`(h-1)d_k + 1, \ldots, h d_k` of :math:`Q`, and
    :math:`M_{ij} = -\infty` for :math:`j > i` if ``causal`` (else 0). Backward:
    :math:`\partial \mathcal L/\partial W_o = O^\top \partial \mathcal L/\partial Y`, each
    head by :func:`~nnlib.attention.scaled_dot_product_attention_grad`, then
    :math:`\partial \mathcal L/\partial X = \sum_{p \in \{q,k,v\}} \partial \mathcal L/\partial P\, W_p^\top`
    and :math:`\partial \mathcal L/\partial W_p = X^\top \partial \mathcal L/\partial P`
    (sums over batch and time). The key bias :math:`b_k` adds :math:`q_i \cdot b_k` to a whole
    row of scores, which softmax ignores: its gradient is 0 (kept for PyTorch's layout).

    PyTorch's ``nn.MultiheadAttention(d, h, batch_first=True)`` is the same layer:
    ``in_proj_weight = [W_q^T; W_k^T; W_v^T]``, ``in_proj_bias = [b_q; b_k; b_v]``,
    ``out_proj.weight = W_o^T``, ``out_proj.bias = b_o`` (nnlib multiplies ``X W``,
    PyTorch ``x W^T``).

    Shapes: ``X (m, T, d) -> Y (m, T, d)``; ``W_q, W_k, W_v, W_o (d, d)``, biases ``(d,)``;
    the weights of the last forward pass, ``weights``, ``(m, h, T, T)``.
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    d_model : int
        Width :math:`d`; divisible by ``n_heads``.
    n_heads : int
        Number of heads :math:`h`.
    causal : bool
        Mask the future: position :math:`t` attends to positions :math:`\le t` only.
    rng : numpy.random.Generator or int
        Source of the initial weights, Glorot-uniform on :math:`(d, d)` (biases 0).
    dtype : numpy.float32 or numpy.float64
    """

    def __init__(self, d_model, n_heads, *, causal=False, rng=None, dtype=np.float64):
        self.d_model = check_positive_int(d_model, "d_model")
        self.n_heads = check_positive_int(n_heads, "n_heads")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} must be divisible by n_heads={self.n_heads}")
        self.d_k, self.causal, self.dtype = self.d_model // self.n_heads, bool(causal), _check_dtype(dtype)
        rng, d = as_generator(rng), self.d_model
        limit = np.sqrt(6 / (2 * d))
        self.W_q, self.W_k, self.W_v, self.W_o = (
            rng.uniform(-limit, limit, (d, d)).astype(self.dtype) for _ in range(4))
        self.b_q, self.b_k, self.b_v, self.b_o = (np.zeros(d, dtype=self.dtype) for _ in range(4))
        self.dW_q, self.dW_k, self.dW_v, self.dW_o, self.db_q, self.db_k, self.db_v, self.db_o = (
            np.zeros_like(p) for p in self.parameters())
        self._cache, self.weights = None, None

    def _heads(self, A):
        """``(m, T, d) -> (m, h, T, d_k)``: each head's columns."""
        m, T, _ = A.shape
        return A.reshape(m, T, self.n_heads, self.d_k).transpose(0, 2, 1, 3)

    def _merge(self, A):
        """``(m, h, T, d_k) -> (m, T, d)``: the heads side by side."""
        m, _, T, _ = A.shape
        return A.transpose(0, 2, 1, 3).reshape(m, T, self.d_model)

    def forward(self, X):
        """Self-attention of ``X`` ``(m, T, d)``, ``(m, T, d)``; keeps what ``backward`` needs."""
        X = check_batch(X, "X", ndim=3, size=self.d_model, dtype=self.dtype)
        mask = causal_mask(X.shape[1]) if self.causal else None
        Q, K, V = (self._heads(X @ W + b) for W, b in
                   ((self.W_q, self.b_q), (self.W_k, self.b_k), (self.W_v, self.b_v)))
        O, S, P = _attend(Q, K, V, mask)              # (m, h, T, d_k), (m, h, T, T) twice
        O = self._merge(O)                            # (m, T, d)
        self._cache, self.weights = (X, Q, K, V, S, P, O), P
        return O @ self.W_o + self.b_o

    def backward(self, dY, need_input_grad=True):
        """Store the gradients of the 8 parameters; return ``dX`` ``(m, T, d)`` (or None)."""
        if self._cache is None:
            raise RuntimeError("call forward before backward")
        X, Q, K, V, S, P, O = self._cache
        dY = check_batch(dY, "dY", ndim=3, dtype=self.dtype)
        if dY.shape != X.shape:
            raise ValueError(f"dY must have the shape of the last input, {X.shape}, got {dY.shape}")
        dWq, dWk, dWv, dWo, dbq, dbk, dbv, dbo = self.gradients()
        d = self.d_model
        X2, dY2 = X.reshape(-1, d), dY.reshape(-1, d)  # (m T, d): sums over batch and time
        np.matmul(O.reshape(-1, d).T, dY2, out=dWo)
        dbo[...] = dY2.sum(axis=0)
        dO = self._heads(dY @ self.W_o.T)             # (m, h, T, d_k)
        dX = None
        for dP, W, dW, db in zip(_attention_backward(Q, K, V, S, P, dO),
                                 (self.W_q, self.W_k, self.W_v), (dWq, dWk, dWv), (dbq, dbk, dbv)):
            dP = self._merge(dP).reshape(-1, d)       # (m T, d)
            np.matmul(X2.T, dP, out=dW)
            db[...] = dP.sum(axis=0)
            if need_input_grad:
                dX = dP @ W.T if dX is None else dX + dP @ W.T
        return None if dX is None else dX.reshape(X.shape)

    def parameters(self):
        """``[W_q, W_k, W_v, W_o, b_q, b_k, b_v, b_o]``."""
        return [self.W_q, self.W_k, self.W_v, self.W_o, self.b_q, self.b_k, self.b_v, self.b_o]

    def gradients(self):
        """The gradients, in the order of ``parameters()``; ``backward`` overwrites them in place."""
        return [self.dW_q, self.dW_k, self.dW_v, self.dW_o, self.db_q, self.db_k, self.db_v, self.db_o]

    @property
    def n_params(self):
        r"""Number of parameters, :math:`4d^2 + 4d`."""
        return sum(p.size for p in self.parameters())

    def __repr__(self):
        return (f"MultiHeadAttention(d_model={self.d_model}, n_heads={self.n_heads}, "
                f"causal={self.causal})")
