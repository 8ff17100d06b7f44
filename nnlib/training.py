r"""Mini-batch training by backpropagation: the one training loop of the book.

Derived in chapter 7, *Backpropagation*. One training step on a mini-batch
:math:`(X_B, y_B)` of :math:`|B|` examples is

.. math:: \hat Y = f(X_B;\theta), \quad
          \frac{\partial \mathcal L}{\partial \hat Y} = \nabla_{\hat Y}\,
          \frac{1}{|B|}\sum_{i \in B} \ell(\hat y_i, y_i), \quad
          \text{backward} \to \frac{\partial \mathcal L}{\partial \theta}, \quad
          \theta \leftarrow \text{optimizer}(\theta, \partial \mathcal L / \partial \theta)

and an epoch visits every example once, in a new random order, the last batch
being smaller when ``batch_size`` does not divide the number of examples.

Every model of the book trains here: feed-forward networks, CNNs and recurrent
networks (chapters 7 to 10), and the estimators of :mod:`nnlib.mlp` call it too.
:func:`train` checks its arguments once, then runs the loop: the public layers'
``forward`` and ``backward``, the loss formulas of chapter 5 (``f.unchecked``: the
data was checked on the way in) and the optimiser's ``step``. There is no other path.
"""
from dataclasses import dataclass, field

import numpy as np

from ._training_checks import (  # noqa: F401 (LOSSES, CLASSIFICATION_LOSSES: public names)
    CLASSIFICATION_LOSSES,
    LOSS_AND_GRAD,
    LOSSES,
    check_data,
    check_loss,
    set_training,
)
from ._validation import as_float_array, check_positive_int
from .init import as_generator
from .optim import clip_grad_norm


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


def train(model, X, y, *, loss, optimizer, epochs, batch_size, rng, X_val=None, y_val=None,
          clip=None, grad_hook=None, callback=None):
    r"""Train ``model`` in place by mini-batch gradient descent; return its :class:`History`.

    Each epoch shuffles the examples with ``rng`` and, for each mini-batch (the
    last one possibly smaller), runs forward, the gradient of the batch-mean
    loss, backward, ``grad_hook``, clipping, then
    ``optimizer.step(model.parameters(), model.gradients())``.

    Shapes: ``X (m, ...)`` as the model's first layer takes it: ``(m, n_in)``,
    ``(m, C, H, W)`` or ``(m, T, n_in)``. Derived in chapter 7, *Backpropagation*.

    Parameters
    ----------
    model : nnlib.layers.Sequential
        Its last layer outputs logits (classification) or predictions (``"mse"``).
    X, y : array_like
        Training data (cast to the model's dtype) and targets: integer labels ``(m,)``
        in ``[0, K)`` for ``"softmax_cross_entropy"``, ``(m, T)`` for
        ``"sequence_cross_entropy"``; else targets of the output's shape (``(m,)``
        when there is one output), in [0, 1] for the binary cross-entropy.
    loss : str
        ``"softmax_cross_entropy"``, ``"binary_cross_entropy_with_logits"``, ``"mse"`` or
        ``"sequence_cross_entropy"`` (the keys of ``nnlib.training.LOSSES``).
    optimizer : object
        Anything with ``step(params, grads)``, e.g. :class:`nnlib.optim.SGD`.
    epochs, batch_size : int
        Passes over the data, and examples per step (>= 1 each).
    rng : numpy.random.Generator or int
        Source of the shuffling.
    X_val, y_val : array_like, optional
        Validation data, evaluated after every epoch.
    clip : float, optional
        Rescale the gradients to norm at most ``clip`` before each step
        (:func:`nnlib.optim.clip_grad_norm`); None: no clipping.
    grad_hook : callable, optional
        ``grad_hook(params, grads, batch_size)``, called after backward: it may
        change ``grads`` in place, e.g. add a penalty's gradient.
    callback : callable, optional
        ``callback(epoch, history)`` after every epoch; a true result stops training
        (early stopping).

    Returns
    -------
    History
    """
    loss = check_loss(loss)
    X, Y, labels = check_data(model, loss, X, y)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    val = None if X_val is None else check_data(model, loss, X_val, y_val, "X_val", "y_val")
    epochs, batch_size = check_positive_int(epochs, "epochs"), check_positive_int(batch_size, "batch_size")
    rng = as_generator(rng)
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method, got {type(optimizer).__name__}")
    if clip is not None and not float(as_float_array(clip, "clip", ndim=0)) > 0:
        raise ValueError(f"clip must be None or > 0, got {clip!r}")
    for name, f in (("grad_hook", grad_hook), ("callback", callback)):
        if f is not None and not callable(f):
            raise TypeError(f"{name} must be None or callable, got {type(f).__name__}")
    loss_and_grad = LOSS_AND_GRAD[loss]             # unchecked: the data is checked
    params, grads = model.parameters(), model.gradients()
    history, m = History(), len(X)
    for epoch in range(epochs):
        set_training(model, True)                   # Dropout draws masks, BatchNorm
        order, total, correct = rng.permutation(m), 0.0, 0       # uses batch statistics
        Y_order = Y[order]                                       # targets (and labels) in
        labels_order = None if labels is None else labels[order]  # this epoch's order
        for start in range(0, m, batch_size):
            stop = min(start + batch_size, m)                    # the mini-batch B
            out, Y_B = model.forward(X[order[start:stop]]), Y_order[start:stop]  # forward pass
            value, d_out = loss_and_grad(out, Y_B)               # loss and dL/d(out)
            total += float(value) * (stop - start)               # loss before the step
            if labels is not None:
                correct += _n_correct(out, labels_order[start:stop])
            model.backward(d_out)                                # dL/dtheta -> grads
            if grad_hook is not None:
                grad_hook(params, grads, stop - start)
            if clip is not None:
                clip_grad_norm(grads, clip)
            optimizer.step(params, grads)                        # theta <- theta - ...
        history.loss.append(total / m)
        if labels is not None:
            history.accuracy.append(correct / labels.size)
        set_training(model, False)                  # evaluation mode from here on
        if val is not None:
            val_loss, val_accuracy = _evaluate(model, loss, *val)
            history.val_loss.append(val_loss)
            if val_accuracy is not None:
                history.val_accuracy.append(val_accuracy)
        if callback is not None and callback(epoch, history):
            break
    return history


def _n_correct(out, labels):
    """How many predictions in ``out`` match ``labels`` (class labels, or booleans for logits)."""
    predicted = out >= 0 if labels.dtype == bool else out.argmax(axis=-1)
    return np.count_nonzero(predicted == labels)


def _evaluate(model, loss, X, Y, labels):
    """(mean loss, accuracy or None) of ``model`` on checked data, in evaluation mode."""
    set_training(model, False)
    out = model.forward(X)
    value = float(LOSSES[loss][0].unchecked(out, Y))
    return value, (None if labels is None else _n_correct(out, labels) / labels.size)
