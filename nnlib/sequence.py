r"""Training on sequences: per-step layers, the sequence loss, and a training loop with clipping.

Derived in chapter 9, *Recurrent networks*.

A recurrent layer (``nnlib.recurrent``) maps ``(m, T, n_in)`` to ``(m, T, n_hidden)``.
Two small layers connect it to the losses of chapter 5:

* :class:`TimeDistributed` applies a feed-forward layer (a ``Dense``) at every step with
  the same weights, ``(m, T, n) -> (m, T, k)``: a language model's read-out;
* :class:`LastStep` keeps the last step only, ``(m, T, n) -> (m, n)``: one prediction per
  sequence.

:func:`sequence_cross_entropy` is the softmax cross-entropy averaged over all ``m T``
predicted positions, and :func:`train_sequence` is the book's mini-batch loop for
sequence models, with optional gradient-norm clipping (``nnlib.optim.clip_grad_norm``).
It is a separate loop, not ``nnlib.training.train``, because ``train`` validates and
batches 2-D data ``(m, n_in)`` and fuses the losses of feed-forward networks into its
fast path; sequences add a time axis, a per-position loss and clipping.
"""
from importlib import resources

import numpy as np

from ._validation import as_float_array, check_positive_int
from .activations import softmax
from .init import as_generator
from .losses import mse, mse_grad, softmax_cross_entropy, softmax_cross_entropy_grad
from .optim import clip_grad_norm
from .training import History


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
        X = as_float_array(X, "X", ndim=3)
        self._shape = X.shape
        Y = self.layer.forward(X.reshape(-1, X.shape[2]))       # (m T, k)
        return Y.reshape(X.shape[0], X.shape[1], -1)             # (m, T, k)

    def backward(self, dY, need_input_grad=True):
        """The layer's backward on every step of ``dY`` ``(m, T, k)``; ``dX`` ``(m, T, n)`` or None."""
        if self._shape is None:
            raise RuntimeError("call forward before backward")
        dY = as_float_array(dY, "dY", ndim=3)
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
        X = as_float_array(X, "X", ndim=3)
        self._shape, self._dtype = X.shape, X.dtype
        return X[:, -1, :]

    def backward(self, dY, need_input_grad=True):
        """``dX`` ``(m, T, n)``: ``dY`` ``(m, n)`` at the last step, zeros before it."""
        if self._shape is None:
            raise RuntimeError("call forward before backward")
        dY = as_float_array(dY, "dY", ndim=2)
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


def _sequence_inputs(logits, y):
    logits = as_float_array(logits, "logits", ndim=3)
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.shape != logits.shape[:2]:
        raise ValueError(f"y must be integer labels of shape {logits.shape[:2]}, got {y.dtype} {y.shape}")
    m, T, K = logits.shape
    return logits.reshape(m * T, K), y.reshape(m * T)


def sequence_cross_entropy(logits, y):
    r"""Softmax cross-entropy averaged over every position of every sequence.

    .. math:: \mathcal L = \frac{1}{m T} \sum_{i=1}^{m} \sum_{t=1}^{T}
              \bigl( \operatorname{LSE}(\mathbf z_{it}) - z_{it, y_{it}} \bigr)

    the mean negative log-likelihood per symbol; :math:`e^{\mathcal L}` is the perplexity.
    Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    logits : array_like
        Shape ``(m, T, K)``.
    y : array_like of int
        Labels of shape ``(m, T)``, in ``[0, K)``.

    Returns
    -------
    numpy.floating
        :math:`\mathcal L`, a scalar of ``logits``' dtype.
    """
    return softmax_cross_entropy(*_sequence_inputs(logits, y))


def sequence_cross_entropy_grad(logits, y):
    r"""Gradient of :func:`sequence_cross_entropy`: :math:`(\operatorname{softmax}(\mathbf z_{it}) - \mathbf e_{y_{it}}) / (m T)`.

    Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    logits, y : array_like
        As for :func:`sequence_cross_entropy`.

    Returns
    -------
    numpy.ndarray
        The gradient, shape ``(m, T, K)``.
    """
    return softmax_cross_entropy_grad(*_sequence_inputs(logits, y)).reshape(np.shape(logits))


#: The losses :func:`train_sequence` accepts by name: (loss, gradient with respect to the prediction).
SEQUENCE_LOSSES = {
    "sequence_cross_entropy": (sequence_cross_entropy, sequence_cross_entropy_grad),
    "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
    "mse": (mse, mse_grad),
}


def train_sequence(model, X, y, *, loss, optimizer, epochs, batch_size, rng, clip=None):
    r"""Mini-batch training of a sequence model: forward, loss, BPTT, optional clipping, step.

    Each epoch shuffles the sequences with ``rng``; per batch it computes
    ``loss(model.forward(X_b), y_b)``, backpropagates its gradient through ``model``,
    rescales the gradients to norm at most ``clip`` (``nnlib.optim.clip_grad_norm``;
    ``None``: no clipping) and calls ``optimizer.step``.

    Shapes: ``X (m, T, n_in)``. Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    model : object
        Anything with ``forward``/``backward``/``parameters``/``gradients``, e.g. a
        ``Sequential`` of an ``LSTM`` and a ``TimeDistributed(Dense)``.
    X : array_like
        Sequences, shape ``(m, T, n_in)``.
    y : array_like
        Targets as ``loss`` expects: ``(m, T)`` labels for ``"sequence_cross_entropy"``,
        ``(m,)`` labels for ``"softmax_cross_entropy"``, ``(m, k)`` for ``"mse"``.
    loss : str
        A name from :data:`SEQUENCE_LOSSES`.
    optimizer : object
        Anything with ``step(params, grads)``.
    epochs, batch_size : int
        Passes over the data, and sequences per step (>= 1 each).
    rng : numpy.random.Generator or int
        Source of the shuffling.
    clip : float, optional
        Gradient-norm cap :math:`c > 0`; None: no clipping.

    Returns
    -------
    nnlib.training.History
        ``loss``: the mean batch loss of each epoch (weighted by batch size, taken
        before each update); ``accuracy`` stays empty.
    """
    if not isinstance(loss, str) or loss not in SEQUENCE_LOSSES:
        raise ValueError(f"loss must be one of {sorted(SEQUENCE_LOSSES)}, got {loss!r}")
    loss_fn, loss_grad = SEQUENCE_LOSSES[loss]
    X = as_float_array(X, "X", ndim=3)
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} sequences but y has {len(y)} targets")
    epochs, batch_size = check_positive_int(epochs, "epochs"), check_positive_int(batch_size, "batch_size")
    if clip is not None and not clip > 0:
        raise ValueError(f"clip must be None or > 0, got {clip!r}")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method, got {type(optimizer).__name__}")
    rng, history, m = as_generator(rng), History(), len(X)
    params, grads = model.parameters(), model.gradients()
    for _ in range(epochs):
        order, total = rng.permutation(m), 0.0
        for start in range(0, m, batch_size):
            idx = order[start:start + batch_size]
            out = model.forward(X[idx])
            total += float(loss_fn(out, y[idx])) * len(idx)
            model.backward(loss_grad(out, y[idx]), need_input_grad=False)
            if clip is not None:
                clip_grad_norm(grads, clip)
            optimizer.step(params, grads)
        history.loss.append(total / m)
    return history


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

