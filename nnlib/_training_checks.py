"""What :func:`nnlib.training.train` and :func:`nnlib.backprop_check.gradcheck` check first.

Derived in chapter 7, *Backpropagation*. The losses by name, and the checks of a
model, its data and its targets, done once where the data enters: after them the
training loop runs the formulas unchecked (``f.unchecked``).
"""
import numpy as np

from ._buffers import layers_within
from ._validation import as_float_array
from .categorical_losses import (
    sequence_cross_entropy,
    sequence_cross_entropy_and_grad,
    sequence_cross_entropy_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_and_grad,
    softmax_cross_entropy_grad,
)
from .layers import Sequential
from .losses import binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad, mse, mse_grad

#: The losses :func:`~nnlib.training.train` and ``gradcheck`` accept: name -> (loss, loss_grad).
LOSSES = {
    "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
    "binary_cross_entropy_with_logits": (binary_cross_entropy_with_logits,
                                         binary_cross_entropy_with_logits_grad),
    "mse": (mse, mse_grad),
    "sequence_cross_entropy": (sequence_cross_entropy, sequence_cross_entropy_grad),
}


def _both(loss, loss_grad):
    """``loss`` and ``loss_grad`` as one function of (prediction, target) returning both
    (unchecked), for a loss whose value and gradient share no step."""
    value, grad = loss.unchecked, loss_grad.unchecked

    def loss_and_grad(out, Y):
        return value(out, Y), grad(out, Y)
    return loss_and_grad


#: name -> loss_and_grad(out, Y), the (value, gradient) that :func:`~nnlib.training.train` takes
#: per step, unchecked: the softmax cross-entropies compute both from one log-softmax.
LOSS_AND_GRAD = {
    "softmax_cross_entropy": softmax_cross_entropy_and_grad.unchecked,
    "binary_cross_entropy_with_logits": _both(*LOSSES["binary_cross_entropy_with_logits"]),
    "mse": _both(*LOSSES["mse"]),
    "sequence_cross_entropy": sequence_cross_entropy_and_grad.unchecked,
}
#: The losses with class labels: for these :class:`~nnlib.training.History` records an accuracy.
CLASSIFICATION_LOSSES = ("softmax_cross_entropy", "binary_cross_entropy_with_logits",
                         "sequence_cross_entropy")
_LABELS = ("softmax_cross_entropy", "sequence_cross_entropy")


def set_training(model, mode):
    """Put every layer with a ``training`` attribute (Dropout, BatchNorm) in ``mode``."""
    for layer in layers_within(model):
        if hasattr(layer, "training"):
            layer.training = mode


def check_model(model):
    """The dtype of a ``Sequential`` ``model``'s parameters, or raise."""
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a nnlib.layers.Sequential, got {type(model).__name__}")
    params = model.parameters()
    if not params:
        raise ValueError("model must have parameters to train (a Dense layer, for example)")
    return params[0].dtype


def check_loss(loss):
    """``loss`` if it names one of :data:`LOSSES`, else raise."""
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
    return loss


def _output_shape(model, X, name_X):
    """The shape of one example's output (one forward pass on ``X[:1]``, in evaluation mode;
    every layer's mode is restored afterwards)."""
    modes = [(layer, layer.training) for layer in layers_within(model) if hasattr(layer, "training")]
    set_training(model, False)
    try:
        return model.forward(X[:1]).shape[1:]
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{name_X} of shape {X.shape} does not fit the model: {exc}") from None
    finally:
        for layer, mode in modes:
            layer.training = mode


def check_data(model, loss, X, y, name_X="X", name_y="y"):
    """``(X, Y, labels)``: ``X`` in the model's dtype, the targets ``Y`` as ``loss``'s formula
    takes them (one-hot rows for class labels), and the labels for the accuracy (or None).

    Class labels are integers of shape ``(m,)`` (``(m, T)`` per position) in
    ``[0, K)``; other targets have the output's shape (``(m,)`` is accepted for one
    output), in [0, 1] for the binary cross-entropy.
    """
    dtype = check_model(model)
    X = as_float_array(X, name_X, min_ndim=2)
    if X.shape[0] < 1:
        raise ValueError(f"{name_X} must hold at least one example, got shape {X.shape}")
    X = X.astype(dtype, copy=False)
    out, m = _output_shape(model, X, name_X), X.shape[0]
    if loss in _LABELS:
        if len(out) != (1 if loss == "softmax_cross_entropy" else 2):
            raise ValueError(f"{loss} needs outputs of shape {'(m, K)' if len(out) != 1 else '(m, T, K)'}"
                             f"; the model gives (m, {', '.join(map(str, out))})")
        labels, K = np.asarray(y), out[-1]
        if labels.dtype.kind not in "iu" or labels.shape != (m, *out[:-1]):
            raise ValueError(f"{name_y} must hold integer class labels of shape {(m, *out[:-1])}, "
                             f"got dtype {labels.dtype}, shape {labels.shape}")
        if labels.min() < 0 or labels.max() >= K:
            raise ValueError(f"{name_y} must hold labels in [0, {K}), got values in "
                             f"[{labels.min()}, {labels.max()}]")
        return X, np.eye(K, dtype=dtype)[labels], labels.astype(np.intp)
    y = as_float_array(y, name_y)
    y = y.reshape(-1, 1) if y.ndim == 1 and out == (1,) else y
    if y.shape != (m, *out):
        raise ValueError(f"{name_y} must have shape {(m, *out)} to match {name_X} and the model's "
                         f"output ((m,) is accepted when there is one), got {y.shape}")
    if loss == "binary_cross_entropy_with_logits" and (np.any(y < 0) or np.any(y > 1)):
        raise ValueError(f"{name_y} must lie in [0, 1] for {loss}")
    Y = y.astype(dtype)
    return X, Y, (Y >= 0.5 if loss == "binary_cross_entropy_with_logits" else None)
