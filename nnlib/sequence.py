r"""Layers for sequences, sampling with a temperature, and the text of chapter 9.

Derived in chapter 9, *Recurrent networks*.

A recurrent layer (``nnlib.recurrent``) maps ``(m, T, n_in)`` to ``(m, T, n_hidden)``.
Two small layers connect it to the losses of chapter 5:

* :class:`TimeDistributed` applies a feed-forward layer (a ``Dense``) at every step with
  the same weights, ``(m, T, n) -> (m, T, k)``: a language model's read-out;
* :class:`LastStep` keeps the last step only, ``(m, T, n) -> (m, n)``: one prediction per
  sequence.

:func:`~nnlib.categorical_losses.sequence_cross_entropy` (importable from here too)
is the per-position loss; sequence models train with :func:`nnlib.training.train`,
with gradient clipping (``clip=``) as chapter 9 derives it.
"""
from importlib import resources

import numpy as np

from ._validation import as_float_array, check_batch
from .categorical_losses import sequence_cross_entropy, sequence_cross_entropy_grad  # noqa: F401
from .softmax_functions import softmax


class TimeDistributed:
    r"""Apply ``layer`` (``(N, n) -> (N, k)``) at every time step, with shared weights.

    .. math:: Y_{:, t, :} = \operatorname{layer}(X_{:, t, :}), \quad t = 1, \ldots, T

    computed as one call on the ``(m T, n)`` reshaped batch; its gradients sum over time.
    Shapes: ``X (m, T, n) -> (m, T, k)``. Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    layer : object
        A layer (``forward``, ``backward``, ``parameters``, ``gradients``), e.g. a ``Dense``.
    """

    def __init__(self, layer):
        if not all(callable(getattr(layer, a, None)) for a in ("forward", "backward", "parameters")):
            raise TypeError(f"layer must be a layer (forward/backward/parameters), got {layer!r}")
        self.layer, self._shape = layer, None

    def forward(self, X):
        """``(m, T, k)``: the layer applied to every step of ``X`` ``(m, T, n)``."""
        X = check_batch(X, "X", ndim=3)
        self._shape = X.shape
        Y = self.layer.forward(X.reshape(-1, X.shape[2]))       # (m T, k)
        return Y.reshape(X.shape[0], X.shape[1], -1)             # (m, T, k)

    def backward(self, dY, need_input_grad=True):
        """The layer's backward on every step of ``dY`` ``(m, T, k)``; ``dX`` ``(m, T, n)`` or None."""
        if self._shape is None:
            raise RuntimeError("call forward before backward")
        dY = check_batch(dY, "dY", ndim=3)
        m, T, _ = self._shape
        if dY.shape[:2] != (m, T):
            raise ValueError(f"dY must have shape ({m}, {T}, k), got {dY.shape}")
        dX = self.layer.backward(dY.reshape(m * T, -1), need_input_grad=need_input_grad)
        return None if dX is None else dX.reshape(self._shape)

    def parameters(self):
        """The wrapped layer's parameters (shared by every step)."""
        return self.layer.parameters()

    def gradients(self):
        """The wrapped layer's gradients, summed over the steps by ``backward``."""
        return self.layer.gradients()

    def __repr__(self):
        return f"TimeDistributed({self.layer!r})"


class LastStep:
    r"""Keep the last time step: :math:`Y = X_{:, T, :}`; backward puts the gradient back at step T.

    Shapes: ``X (m, T, n) -> (m, n)``. Derived in chapter 9, *Recurrent networks*.
    """

    def __init__(self):
        self._shape = None

    def forward(self, X):
        """``X[:, -1, :]`` ``(m, n)`` of ``X`` ``(m, T, n)``."""
        X = check_batch(X, "X", ndim=3)
        self._shape, self._dtype = X.shape, X.dtype
        return X[:, -1, :]

    def backward(self, dY, need_input_grad=True):
        """``dX`` ``(m, T, n)``: ``dY`` ``(m, n)`` at the last step, zeros before it."""
        if self._shape is None:
            raise RuntimeError("call forward before backward")
        dY = check_batch(dY, "dY", ndim=2)
        if dY.shape != (self._shape[0], self._shape[2]):
            raise ValueError(f"dY must have shape {(self._shape[0], self._shape[2])}, got {dY.shape}")
        dX = np.zeros(self._shape, dtype=self._dtype)
        dX[:, -1, :] = dY                                          # earlier steps get no direct gradient
        return dX

    def parameters(self):
        """``[]``: no parameters."""
        return []

    def gradients(self):
        """``[]``, matching ``parameters()``."""
        return []

    def __repr__(self):
        return "LastStep()"


def softmax_with_temperature(logits, temperature):
    r"""Sampling distribution :math:`\operatorname{softmax}(\mathbf z / \tau)` at temperature :math:`\tau > 0`.

    :math:`\tau = 1` is the model's distribution; :math:`\tau \to 0` puts all mass on the
    largest logit, :math:`\tau \to \infty` tends to uniform.
    Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    logits : array_like
        Shape ``(..., K)``.
    temperature : float
        :math:`\tau > 0`.

    Returns
    -------
    numpy.ndarray
        Probabilities of shape ``(..., K)``, summing to 1 along the last axis.
    """
    temperature = float(as_float_array(temperature, "temperature", ndim=0))
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    return softmax(as_float_array(logits, "logits", min_ndim=1) / temperature, axis=-1)


def book_text():
    """The text chapter 9's language model trains on: 15,280 characters of the book's own prose.

    Chapters 1 to 7, lower-cased, formulas and markup removed, shipped inside nnlib so that
    it is there wherever nnlib is installed (Colab included). Used in chapter 9, *Recurrent networks*.

    Returns
    -------
    str
    """
    return (resources.files("nnlib") / "data" / "book_prose.txt").read_text(encoding="utf-8")

