r"""The transformer block: pre-LN attention and MLP, each inside a residual connection.

Derived in chapter 12, *Attention and transformers*. Built only from layers the
book has derived: :class:`~nnlib.normalization.LayerNorm` and
:class:`~nnlib.residual.Residual` (chapter 11),
:class:`~nnlib.multihead.MultiHeadAttention`, and a two-layer MLP of
:class:`~nnlib.layers.Dense` and :class:`~nnlib.activation_layers.ReLU` applied at
every position by :class:`~nnlib.sequence.TimeDistributed` (chapter 9).
"""
import numpy as np

from ._validation import check_batch, check_positive_int
from .activation_layers import ReLU
from .init import _check_dtype, as_generator
from .layers import Dense, Sequential
from .multihead import MultiHeadAttention
from .normalization import LayerNorm
from .residual import Residual
from .sequence import TimeDistributed


class TransformerBlock:
    r"""A pre-LN transformer block over a sequence.

    .. math:: H = X + \operatorname{MHA}\bigl(\operatorname{LN}_1(X)\bigr), \qquad
              Y = H + \operatorname{ReLU}\bigl(\operatorname{LN}_2(H) W_1 + b_1\bigr) W_2 + b_2

    (the MLP at every position with the same weights). Backward is the chain rule
    through the two residual blocks: :math:`\partial \mathcal L/\partial H =
    \partial \mathcal L/\partial Y + (\partial \mathcal L/\partial Y) J_\text{MLP}`, then
    :math:`\partial \mathcal L/\partial X = \partial \mathcal L/\partial H
    + (\partial \mathcal L/\partial H) J_\text{MHA}`; each layer's own ``backward``
    stores its parameters' gradients.

    Shapes: ``X (m, T, d) -> Y (m, T, d)``; ``W_1 (d, d_ff)``, ``W_2 (d_ff, d)``.
    Parameters ``(4d^2 + 4d) + 2 d\,d_ff + d_ff + d + 4d`` (attention, MLP, two LayerNorms).
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    d_model : int
        Width :math:`d`, divisible by ``n_heads``.
    n_heads : int
        Number of attention heads.
    d_ff : int
        Width of the MLP's hidden layer (often :math:`4d`).
    causal : bool
        Causal attention (a language model's decoder).
    rng : numpy.random.Generator or int
        Source of the initial weights.
    dtype : numpy.float32 or numpy.float64
    """

    def __init__(self, d_model, n_heads, d_ff, *, causal=False, rng=None, dtype=np.float64):
        self.d_model, self.d_ff = check_positive_int(d_model, "d_model"), check_positive_int(d_ff, "d_ff")
        self.dtype, rng = _check_dtype(dtype), as_generator(rng)
        self.attention = MultiHeadAttention(d_model, n_heads, causal=causal, rng=rng, dtype=dtype)
        mlp = [TimeDistributed(Dense(self.d_model, self.d_ff, init="he_normal", rng=rng, dtype=dtype)), ReLU(),
               TimeDistributed(Dense(self.d_ff, self.d_model, rng=rng, dtype=dtype))]
        self.layers = [Residual(Sequential([LayerNorm(self.d_model, dtype=dtype), self.attention])),
                       Residual(Sequential([LayerNorm(self.d_model, dtype=dtype), *mlp]))]

    def forward(self, X):
        """``(m, T, d) -> (m, T, d)``: attention then MLP, each pre-LN and residual."""
        X = check_batch(X, "X", ndim=3, size=self.d_model, dtype=self.dtype)
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dY, need_input_grad=True):
        """Every sublayer's gradients; ``dX`` ``(m, T, d)`` (or None)."""
        dY = check_batch(dY, "dY", ndim=3, size=self.d_model, dtype=self.dtype)
        dH = self.layers[1].backward(dY, need_input_grad=True)
        return self.layers[0].backward(dH, need_input_grad=need_input_grad)

    def parameters(self):
        """The parameters of the attention block, then of the MLP block."""
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self):
        """The gradients, in the order of ``parameters()``."""
        return [g for layer in self.layers for g in layer.gradients()]

    @property
    def n_params(self):
        """Number of parameters."""
        return sum(p.size for p in self.parameters())

    def __repr__(self):
        return (f"TransformerBlock(d_model={self.d_model}, n_heads={self.attention.n_heads}, "
                f"d_ff={self.d_ff}, causal={self.attention.causal})")
