r"""Scaled dot-product attention and its backward pass, as pure functions.

Derived in chapter 12, *Attention and transformers*. Each query attends to every
key it is allowed to see; the weights are a softmax (chapter 3's
:func:`~nnlib.softmax_functions.softmax`, called through ``.unchecked``) of the
scaled scores, and its backward pass is chapter 3's
:func:`~nnlib.softmax_functions.softmax_vjp`: one implementation of softmax.

Masks follow PyTorch's boolean ``attn_mask``: ``True`` where a query may attend
to a key. A masked score becomes :math:`-\infty` before the softmax, whose
maximum subtraction keeps every exponential at most 1: scores of size 1e4 stay
finite and warning-free. A query whose row of the mask is all ``False`` attends
to nothing, its softmax is 0/0: the public functions raise ``ValueError`` then.
"""
import numpy as np

from ._validation import as_float_array, check_positive_int, validated
from .softmax_functions import softmax, softmax_vjp


def _swap(A):
    """The last two axes exchanged: :math:`A^\top` for every matrix of a stack."""
    return np.swapaxes(A, -1, -2)


def _check_mask(mask, T_q, T_k):
    """``mask`` as a boolean array broadcastable to ``(..., T_q, T_k)``, or raise."""
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise TypeError(f"mask must be a boolean array (True = may attend), got dtype {mask.dtype}")
    if mask.ndim < 2 or mask.shape[-2:] not in ((T_q, T_k), (1, T_k), (T_q, 1)):
        raise ValueError(f"mask must have shape (..., {T_q}, {T_k}) (True = may attend), got {mask.shape}")
    if not np.all(mask.any(axis=-1)):
        raise ValueError("mask has a fully masked row: a query that may attend to no key has no "
                         "softmax (0/0); give every query at least one key")
    return mask


def _broadcasts_to(shape, target):
    """Whether an array of ``shape`` broadcasts to ``target`` without growing it."""
    return len(shape) <= len(target) and all(a in (1, b) for a, b in zip(shape[::-1], target[::-1]))


def _check_qkv(Q, K, V, mask=None, *more):
    """The checked ``Q, K, V, mask``: floats of one dtype, matching shapes."""
    Q = as_float_array(Q, "Q", min_ndim=2)
    K = as_float_array(K, "K", min_ndim=2)
    V = as_float_array(V, "V", min_ndim=2)
    dtype = np.result_type(Q, K, V)
    Q, K, V = (A.astype(dtype, copy=False) for A in (Q, K, V))
    if K.shape[-1] != Q.shape[-1]:
        raise ValueError(f"K must have the width d_k = {Q.shape[-1]} of Q, got K {K.shape}, Q {Q.shape}")
    if V.shape[-2] != K.shape[-2]:
        raise ValueError(f"V must have as many rows (keys) as K, got V {V.shape}, K {K.shape}")
    try:
        batch = np.broadcast_shapes(Q.shape[:-2], K.shape[:-2])
        np.broadcast_shapes(batch, V.shape[:-2])
    except ValueError:
        raise ValueError(f"Q, K, V must have broadcastable batch axes, got {Q.shape}, {K.shape}, "
                         f"{V.shape}") from None
    mask = _check_mask(mask, Q.shape[-2], K.shape[-2])
    scores = batch + (Q.shape[-2], K.shape[-2])
    if mask is not None and not _broadcasts_to(mask.shape, scores):
        raise ValueError(f"mask must have shape (..., {Q.shape[-2]}, {K.shape[-2]}) broadcastable to the "
                         f"scores' {scores}, got {mask.shape}")
    return Q, K, V, mask, *more


def _scores(Q, K, mask):
    r""":math:`S = Q K^\top / \sqrt{d_k}`, with :math:`-\infty` where ``mask`` is False."""
    S = Q @ _swap(K)                                 # (..., T_q, T_k)
    S *= 1 / np.sqrt(Q.shape[-1])
    if mask is not None:
        np.copyto(S, -np.inf, where=~mask)           # in place: S is a fresh array
    return S


def _return_weights(Q, K, V, mask=None, return_weights=False):
    return (*_check_qkv(Q, K, V, mask), bool(return_weights))


@validated(_return_weights)
def scaled_dot_product_attention(Q, K, V, mask=None, return_weights=False):
    r"""Scaled dot-product attention: each query's weighted mean of the values.

    .. math:: S = \frac{Q K^\top}{\sqrt{d_k}}, \qquad P = \operatorname{softmax}_\text{rows}(S),
              \qquad O = P V

    with :math:`S_{ij} = -\infty` (so :math:`P_{ij} = 0`) where ``mask`` is False.
    The :math:`1/\sqrt{d_k}` keeps the variance of a score at 1 for queries and
    keys of unit-variance entries, so the softmax does not saturate.

    Shapes: ``Q (..., T_q, d_k)``, ``K (..., T_k, d_k)``, ``V (..., T_k, d_v)``
    -> ``O (..., T_q, d_v)``; ``P (..., T_q, T_k)``.
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    Q, K, V : array_like
        Queries, keys and values (batch axes broadcast).
    mask : array_like of bool, optional
        ``True`` where query ``i`` may attend to key ``j``; broadcastable to
        ``(..., T_q, T_k)`` (e.g. :func:`causal_mask`). Default: no mask.
    return_weights : bool
        Also return the attention weights :math:`P`.

    Returns
    -------
    numpy.ndarray or tuple
        :math:`O`, or ``(O, P)``.

    Raises
    ------
    ValueError
        On mismatched shapes, a mask of the wrong shape, or a fully masked row
        (a query with no key to attend to: its softmax would be 0/0).
    """
    O, _, P = _attend(Q, K, V, mask)
    return (O, P) if return_weights else O


def _attend(Q, K, V, mask):
    """The formulas of :func:`scaled_dot_product_attention`: ``(O, S, P)``, no checks (layers keep S, P)."""
    S = _scores(Q, K, mask)                          # (..., T_q, T_k)
    P = softmax.unchecked(S, -1)                     # rows sum to 1; masked entries 0
    return P @ V, S, P                               # O (..., T_q, d_v)


def _with_dO(Q, K, V, dO, mask=None):
    Q, K, V, mask = _check_qkv(Q, K, V, mask)
    dO = as_float_array(dO, "dO", min_ndim=2).astype(Q.dtype, copy=False)
    want = np.broadcast_shapes(Q.shape[:-2], K.shape[:-2], V.shape[:-2]) + (Q.shape[-2], V.shape[-1])
    if dO.shape != want:
        raise ValueError(f"dO must have the output's shape {want}, got {dO.shape}")
    return Q, K, V, dO, mask


def _sum_to(A, shape):
    """``A`` summed over the batch axes that broadcasting added to an array of ``shape``."""
    while A.ndim > len(shape):
        A = A.sum(axis=0)
    axes = tuple(i for i, n in enumerate(shape[:-2]) if n == 1 and A.shape[i] != 1)
    return A.sum(axis=axes, keepdims=True) if axes else A


@validated(_with_dO)
def scaled_dot_product_attention_grad(Q, K, V, dO, mask=None):
    r"""Backward pass of :func:`scaled_dot_product_attention`: ``(dQ, dK, dV)`` from ``dO``.

    .. math:: \frac{\partial \mathcal L}{\partial V} = P^\top \frac{\partial \mathcal L}{\partial O}, \quad
              \frac{\partial \mathcal L}{\partial S} = \operatorname{softmax\_vjp}\Bigl(S,
              \frac{\partial \mathcal L}{\partial O} V^\top\Bigr), \quad
              \frac{\partial \mathcal L}{\partial Q} = \frac{1}{\sqrt{d_k}} \frac{\partial \mathcal L}{\partial S} K, \quad
              \frac{\partial \mathcal L}{\partial K} = \frac{1}{\sqrt{d_k}} \frac{\partial \mathcal L}{\partial S}^\top Q

    with ``softmax_vjp`` row by row, :math:`P \odot (G - \langle P, G \rangle)`;
    masked entries of :math:`P` are 0, so no gradient flows through them.

    Shapes: as :func:`scaled_dot_product_attention`, ``dO (..., T_q, d_v)``; the
    gradients have the shapes of ``Q``, ``K``, ``V``.
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    Q, K, V : array_like
        As for :func:`scaled_dot_product_attention`.
    dO : array_like
        :math:`\partial \mathcal L/\partial O`.
    mask : array_like of bool, optional
        As for :func:`scaled_dot_product_attention`.

    Returns
    -------
    tuple of numpy.ndarray
        ``(dQ, dK, dV)``.
    """
    _, S, P = _attend(Q, K, V, mask)
    dQ, dK, dV = _attention_backward(Q, K, V, S, P, dO)
    return _sum_to(dQ, Q.shape), _sum_to(dK, K.shape), _sum_to(dV, V.shape)


def _attention_backward(Q, K, V, S, P, dO):
    r"""The formulas of :func:`scaled_dot_product_attention_grad`, given the forward's ``S`` and ``P``.

    No checks: for layers, which keep ``S`` (masked scores) and ``P`` from their
    forward pass on checked data. Batch axes must already be broadcast.
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    Q, K, V, S, P, dO : numpy.ndarray
        Queries, keys, values, scores, weights and :math:`\partial \mathcal L/\partial O`.

    Returns
    -------
    tuple of numpy.ndarray
        ``(dQ, dK, dV)``.
    """
    dV = _swap(P) @ dO                               # (..., T_k, d_v)
    dS = softmax_vjp.unchecked(S, dO @ _swap(V), -1)  # (..., T_q, T_k); 0 where masked
    dS *= 1 / np.sqrt(Q.shape[-1])
    return dS @ K, _swap(dS) @ Q, dV


def causal_mask(T):
    r"""The causal mask of ``T`` positions: query :math:`i` may attend to keys :math:`j \le i`.

    .. math:: M_{ij} = [\,j \le i\,]

    Shapes: ``(T, T)``, lower triangular, boolean.
    Derived in chapter 12, *Attention and transformers*.

    Parameters
    ----------
    T : int
        Sequence length, >= 1.

    Returns
    -------
    numpy.ndarray of bool
    """
    T = check_positive_int(T, "T")
    return np.tril(np.ones((T, T), dtype=bool))
