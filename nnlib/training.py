r"""Mini-batch training of a ``Sequential`` network by backpropagation.

Derived in chapter 7, *Backpropagation*. One training step on a mini-batch
:math:`(X_B, y_B)` of :math:`|B|` examples is

.. math:: \hat Y = f(X_B;\theta), \quad
          \frac{\partial \mathcal L}{\partial \hat Y} = \nabla_{\hat Y}\,
          \frac{1}{|B|}\sum_{i \in B} \ell(\hat y_i, y_i), \quad
          \text{backward} \to \frac{\partial \mathcal L}{\partial \theta}, \quad
          \theta \leftarrow \text{optimizer}(\theta, \partial \mathcal L / \partial \theta)

and an epoch visits every example once, in a new random order, the last batch
being smaller when ``batch_size`` does not divide the number of examples.

Losses are named (:data:`LOSSES`); the model's last layer outputs logits (or, for
``"mse"``, the predictions): the fused losses apply the softmax or the sigmoid
themselves, stably, so the model has no ``Softmax``/``Sigmoid`` output layer.

Speed (DESIGN rule 10): :func:`train` validates its arguments once, then runs the
layers' internal fast path (``Sequential._forward``/``_backward``: same numbers,
no re-validation, reused buffers), a fused in-place loss step per loss, and, for
nnlib's own :class:`~nnlib.optim.SGD`, the same update as ``SGD.step`` without its
per-call checks. Any other optimizer is called as ``optimizer.step(params, grads)``.
"""
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_float_array, check_positive_int
from .activations import sigmoid
from .init import as_generator
from .layers import Dense, Sequential
from .losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    mse,
    mse_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from ._fastpath import _optimizer_step, _pack, _tiled  # noqa: F401 (nnlib.mlp, nnlib.adaptive)

#: The losses :func:`train` and :func:`nnlib.gradient_check.gradcheck` accept: name -> (loss, loss_grad).
LOSSES = {
    "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
    "binary_cross_entropy_with_logits": (binary_cross_entropy_with_logits,
                                         binary_cross_entropy_with_logits_grad),
    "mse": (mse, mse_grad),
}
#: The losses for which :class:`History` records an accuracy.
CLASSIFICATION_LOSSES = ("softmax_cross_entropy", "binary_cross_entropy_with_logits")


@dataclass
class History:
    """What :func:`train` records, one float per epoch in each list. Derived in chapter 7.

    Attributes
    ----------
    loss : list of float
        Mean training loss over the epoch's batches, each weighted by its size (each
        batch's loss is taken before its update).
    accuracy : list of float
        The same running mean of the accuracy (classification losses only; else empty).
    val_loss, val_accuracy : list of float
        On ``(X_val, y_val)`` after the epoch (empty without them).
    """
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)


# ----------------------------------------------------------------- validation
def _check_model(model):
    """Return the first and last ``Dense`` layers of a ``Sequential`` ``model``, or raise."""
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a nnlib.layers.Sequential, got {type(model).__name__}")
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    if not dense:
        raise ValueError("model must contain at least one Dense layer (it has no parameters)")
    return dense[0], dense[-1]


def _check_loss(loss):
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
    return loss


def _check_data(model, loss, X, y, name_X="X", name_y="y"):
    """``X`` in the model's dtype and ``y`` as ``loss`` expects it, after checking both.

    ``softmax_cross_entropy``: ``y`` integer labels ``(m,)`` in ``[0, K)``; the other
    losses: ``y`` of the output's shape ``(m, K)`` (``(m,)`` is accepted when
    ``K = 1``), in ``[0, 1]`` for the binary cross-entropy.
    """
    first, last = _check_model(model)
    X = as_float_array(X, name_X, min_ndim=2)
    if isinstance(model.layers[0], Dense) and (X.ndim != 2 or X.shape[1] != first.n_in):
        raise ValueError(f"{name_X} must have shape (m, {first.n_in}) with m >= 1, got {X.shape}")
    if X.shape[0] < 1:                                 # other first layers (Conv2D) check X's shape in forward
        raise ValueError(f"{name_X} must hold at least one example, got shape {X.shape}")
    m, K = X.shape[0], last.n_out
    if loss == "softmax_cross_entropy":
        y = np.asarray(y)
        if y.ndim != 1 or y.dtype.kind not in "iu":
            raise ValueError(f"{name_y} must hold integer class labels of shape ({m},), "
                             f"got dtype {y.dtype}, shape {y.shape}")
        y = y.astype(np.intp)
        if y.size and (y.min() < 0 or y.max() >= K):
            raise ValueError(f"{name_y} must hold labels in [0, {K}), got values in [{y.min()}, {y.max()}]")
    else:
        y = as_float_array(y, name_y)
        y = y.reshape(-1, 1) if y.ndim == 1 and K == 1 else y
        if loss != "mse" and (np.any(y < 0) or np.any(y > 1)):
            raise ValueError(f"{name_y} must lie in [0, 1] for {loss}")
    expected = (m,) if loss == "softmax_cross_entropy" else (m, K)
    if y.shape != expected:
        raise ValueError(f"{name_y} must have shape {expected} to match {name_X} and the model's "
                         f"{K} output(s) ((m,) is accepted when there is one), got {y.shape}")
    return X.astype(first.dtype, copy=False), (y.astype(first.dtype) if y.dtype.kind == "f" else y)


# ------------------------------------------------------ fused loss steps
# One class per loss. ``batch(Z, start, stop)`` takes the model's output Z (m, K) for
# the examples order[start:stop], accumulates the loss and accuracy, and overwrites Z
# with dL/dZ of the batch MEAN loss (nnlib.losses' formulas; tests/test_training.py
# checks them against nnlib.losses). ``result()`` gives (mean loss, accuracy or None).
class _SoftmaxCrossEntropy:
    def __init__(self, y, K, dtype):
        m = len(y)
        self.Y, self.y = (y[:, None] == np.arange(K)).astype(dtype), y    # one-hot (m, K), labels (m,)
        self.lse, self.pred = np.empty(m, dtype), np.empty(m, np.intp)    # per example, this epoch
        self.rows, self.ones = np.arange(m), np.ones(K, dtype)

    def epoch(self, order):
        self.Y_epoch, self.y_epoch, self.dot = self.Y[order], self.y[order], 0.0

    def batch(self, Z, start, stop):
        Y, lse, pred = self.Y_epoch[start:stop], self.lse[start:stop], self.pred[start:stop]
        Z.argmax(axis=1, out=pred)
        Z -= Z[self.rows[:stop - start], pred][:, None]   # shifted logits, row maximum 0
        self.dot += float(np.vdot(Z, Y))                 # sum_i (z_{i,y_i} - max_i z_i)
        np.exp(Z, out=Z)
        np.matmul(Z, self.ones, out=lse)                 # row sums, in [1, K]
        Z /= lse[:, None]                                # softmax(z_i)
        np.log(lse, out=lse)                             # LSE(z_i) - max_i z_i
        Z -= Y
        Z *= 1 / (stop - start)                          # (softmax - Y) / m

    def result(self):
        total = float(self.lse.sum(dtype=np.float64)) - self.dot
        return total / len(self.y), float(np.mean(self.pred == self.y_epoch))


class _BinaryCrossEntropyWithLogits:
    def __init__(self, y, K, dtype):
        self.Y = y

    def epoch(self, order):
        self.Y_epoch, self.total, self.correct = self.Y[order], 0.0, 0

    def batch(self, Z, start, stop):
        Y = self.Y_epoch[start:stop]
        self.correct += np.count_nonzero((Z >= 0) == (Y >= 0.5))
        self.total += float(np.sum(np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))))
        Z[...] = (sigmoid(Z) - Y) / (stop - start)

    def result(self):
        return self.total / len(self.Y), self.correct / self.Y.size


class _MeanSquaredError(_BinaryCrossEntropyWithLogits):
    def batch(self, Z, start, stop):
        Z -= self.Y_epoch[start:stop]
        self.total += float(np.vdot(Z, Z))
        Z *= 2 / (stop - start)

    def result(self):
        return self.total / len(self.Y), None


_FUSED = {"softmax_cross_entropy": _SoftmaxCrossEntropy, "mse": _MeanSquaredError,
          "binary_cross_entropy_with_logits": _BinaryCrossEntropyWithLogits}


# ------------------------------------------------------------------ training
def train(model, X, y, *, loss, optimizer, epochs, batch_size, rng, X_val=None, y_val=None):
    r"""Train ``model`` in place by mini-batch gradient descent; return its :class:`History`.

    Each epoch shuffles the examples with ``rng`` and, for each mini-batch (the
    last one possibly smaller), runs forward, the gradient of the batch-mean
    loss, backward, then ``optimizer.step(model.parameters(), model.gradients())``.

    Shapes: ``X (m, n_in)``, ``y (m,)`` or ``(m, K)``. Derived in chapter 7, *Backpropagation*.

    Parameters
    ----------
    model : nnlib.layers.Sequential
        Its last layer outputs logits (classification) or predictions (``"mse"``).
    X, y : array_like
        Training data, ``X (m, n_in)``, or ``(m, C, H, W)`` when the first layer is a
        ``Conv2D`` (cast to the model's dtype); ``y`` integer labels
        ``(m,)`` in ``[0, K)`` for ``"softmax_cross_entropy"``, else targets of the
        output's shape ``(m, K)`` (or ``(m,)`` when ``K = 1``), in [0, 1] for the
        binary cross-entropy.
    loss : str
        A key of :data:`LOSSES`.
    optimizer : object
        Anything with ``step(params, grads)``, e.g. :class:`nnlib.optim.SGD`.
    epochs, batch_size : int
        Passes over the data, and examples per step (>= 1 each).
    rng : numpy.random.Generator or int
        Source of the shuffling.
    X_val, y_val : array_like, optional
        Validation data, evaluated after every epoch.

    Returns
    -------
    History
    """
    loss = _check_loss(loss)
    X, y = _check_data(model, loss, X, y)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    val = None if X_val is None else _check_data(model, loss, X_val, y_val, "X_val", "y_val")
    epochs, batch_size = check_positive_int(epochs, "epochs"), check_positive_int(batch_size, "batch_size")
    rng = as_generator(rng)
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method, got {type(optimizer).__name__}")
    return _train_checked(model, X, y, loss, optimizer, epochs, batch_size, rng, val)


@np.errstate(under="ignore")                           # exp underflowing to 0 is the right answer
def _train_checked(model, X, y, loss, optimizer, epochs, batch_size, rng, val):
    """The loop of :func:`train`, on arguments already checked (``X`` in the model's dtype)."""
    m, history = X.shape[0], History()
    fused = _FUSED[loss](y, _check_model(model)[1].n_out, X.dtype)
    update = _optimizer_step(optimizer, model)
    batch = np.empty((min(batch_size, m), *X.shape[1:]), dtype=X.dtype)
    forward, backward, loss_step = model._forward, model._backward, fused.batch
    for _ in range(epochs):
        _set_training(model, True)                     # Dropout draws masks (chapter 10)
        order = rng.permutation(m)
        fused.epoch(order)
        for start in range(0, m, batch_size):
            stop = min(start + batch_size, m)
            out = forward(X.take(order[start:stop], axis=0, out=batch[:stop - start], mode="clip"))
            loss_step(out, start, stop)                # out now holds dL/d(out)
            backward(out)
            update()
        epoch_loss, accuracy = fused.result()
        history.loss.append(epoch_loss)
        if accuracy is not None:
            history.accuracy.append(accuracy)
        _set_training(model, False)                    # evaluation mode: Dropout is the identity
        if val is not None:
            val_loss, val_accuracy = _evaluate(model, loss, *val)
            history.val_loss.append(val_loss)
            if val_accuracy is not None:
                history.val_accuracy.append(val_accuracy)
    return history


def _evaluate(model, loss, X, y):
    """(mean loss, accuracy or None) of ``model`` on checked data ``X``, ``y`` (a forward pass)."""
    out = model.forward(X)
    value = float(LOSSES[loss][0](out, y))
    if loss == "softmax_cross_entropy":
        return value, float(np.mean(out.argmax(axis=1) == y))
    if loss == "binary_cross_entropy_with_logits":
        return value, float(np.mean((out >= 0) == (y >= 0.5)))
    return value, None


def _set_training(model, mode):
    """Put the layers that behave differently in training (``training`` attribute, e.g. Dropout) in ``mode``."""
    for layer in getattr(model, "layers", [model]):
        if hasattr(layer, "training"):
            layer.training = mode
