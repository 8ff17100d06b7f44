r"""Gradient-descent optimizers.

Derived in chapter 6, *Gradient descent*.

An optimizer changes parameters in place, given their gradients. The training
loops of the book keep a network's parameters in a list of arrays
(``model.parameters()``) and its gradients in a matching list
(``model.gradients()``, same order, same shapes), and call

    opt.step(model.parameters(), model.gradients())

once per mini-batch. :class:`SGD` implements plain gradient descent and the
heavy-ball momentum method; :func:`gradient_descent` runs it on a function of a
single vector and returns the whole trajectory, for the chapter's plots.

Dtypes: each parameter keeps its dtype (float32 stays float32), and so does its
momentum buffer; gradients may be float32 or float64.

``step`` checks types and shapes (O(1) per array), not values: it runs once per
mini-batch on gradients that backpropagation computed from checked data, and it
checks a set of arrays once, when it first meets them (a training loop passes the
same arrays every step). When the parameters are views tiling one buffer (as the
estimators lay them out), the same update runs once on the whole buffer instead of
once per array.
"""
import numpy as np

from ._buffers import SameArrays, grouped, zeros_like_all
from ._validation import as_float_array, check_positive_int


def _check_lr(lr):
    lr = float(as_float_array(lr, "lr", ndim=0))
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    return lr


def _check_momentum(momentum):
    momentum = float(as_float_array(momentum, "momentum", ndim=0))
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must satisfy 0 <= momentum < 1, got {momentum}")
    return momentum


def _check_params_grads(params, grads):
    """Check ``params`` and ``grads`` (types, lengths, shapes and dtypes: O(1) per array)."""
    for name, value in (("params", params), ("grads", grads)):
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{name} must be a list of arrays, got {type(value).__name__}")
    if len(params) != len(grads):
        raise ValueError(f"params and grads must have the same length, got {len(params)} and {len(grads)}")
    for i, (p, g) in enumerate(zip(params, grads)):
        if not isinstance(p, np.ndarray) or p.dtype not in (np.float32, np.float64):
            raise TypeError(f"params[{i}] must be a float32 or float64 numpy array (updated in place), "
                            f"got {type(p).__name__} {getattr(p, 'dtype', '')}".rstrip())
        if not p.flags.writeable:
            raise ValueError(f"params[{i}] must be writeable (it is updated in place)")
        if not isinstance(g, np.ndarray) or g.dtype not in (np.float32, np.float64):
            raise TypeError(f"grads[{i}] must be a float32 or float64 numpy array, "
                            f"got {type(g).__name__} {getattr(g, 'dtype', '')}".rstrip())
        if g.shape != p.shape:
            raise ValueError(f"grads[{i}] must have the shape of params[{i}], {p.shape}, got {g.shape}")


class SGD:
    r"""Gradient descent, optionally with heavy-ball momentum.

    Plain (``momentum=0``), for each parameter array :math:`p` with gradient :math:`g`:

    .. math:: p \leftarrow p - \eta\, g

    Heavy ball (Polyak), with a velocity :math:`v` per parameter, initially 0:

    .. math:: v \leftarrow \mu\, v - \eta\, g, \qquad p \leftarrow p + v

    Whether the gradient comes from the whole training set (batch gradient
    descent), one example (stochastic) or a mini-batch is the caller's choice.

    Shapes: ``params[i]`` and ``grads[i]`` have the same (any) shape.
    Derived in chapter 6, *Gradient descent*.

    Parameters
    ----------
    lr : float
        Learning rate (step size) :math:`\eta > 0`.
    momentum : float
        Momentum coefficient :math:`0 \le \mu < 1`; 0 gives plain gradient descent.

    Attributes
    ----------
    velocities : list of numpy.ndarray or None
        One velocity per parameter (same position in the list, shape and dtype),
        created at the first ``step`` with momentum; ``reset()`` clears them.
    """

    def __init__(self, lr=0.01, momentum=0.0):
        self.lr = _check_lr(lr)
        self.momentum = _check_momentum(momentum)
        self.velocities = None
        self._seen = SameArrays()                    # the arrays checked and grouped last

    def reset(self):
        """Forget the velocities (call it before optimizing other parameters)."""
        self.velocities = None
        self._seen.forget()

    def step(self, params, grads):
        """Update every array in ``params`` in place from the matching array in ``grads``."""
        if not self._seen.holds(params, grads, self.velocities or ()) or \
                (self.momentum > 0 and self.velocities is None):
            self._prepare(params, grads)             # new arrays: check them, group them
        lr, mu = self.lr, self.momentum
        if mu == 0:
            for p, g in self._groups:
                p -= lr * g                              # p <- p - lr g
            return
        for p, g, v in self._groups:
            v *= mu
            v -= lr * g                                  # v <- mu v - lr g
            p += v                                       # p <- p + v

    def _prepare(self, params, grads):
        """Check arrays ``step`` has not seen and group them (:func:`nnlib._buffers.grouped`)."""
        _check_params_grads(params, grads)
        if self.momentum > 0 and self.velocities is None:
            self.velocities = zeros_like_all(params)     # one buffer if params tile one
        if self.momentum > 0 and [v.shape for v in self.velocities] != [p.shape for p in params]:
            raise ValueError(f"params changed shape since the last step: velocities have shapes "
                             f"{[v.shape for v in self.velocities]}, params have "
                             f"{[p.shape for p in params]}; call optimizer.reset() first")
        velocities = self.velocities if self.momentum > 0 else ()
        self._groups = list(zip(*grouped(params, grads, *([velocities] if velocities else []))))
        self._seen.remember(params, grads, velocities)


def gradient_descent(grad, w0, lr, n_steps, momentum=0.0):
    r"""Run :class:`SGD` on a function of one vector and return the trajectory.

    .. math:: w_{k+1} = w_k - \eta \nabla f(w_k) + \mu\,(w_k - w_{k-1}),
              \qquad w_{-1} = w_0

    (the heavy-ball recurrence; :math:`\mu = 0` is plain gradient descent).

    Shapes: ``w0`` ``(d,)`` -> trajectory ``(n_steps + 1, d)``.
    Derived in chapter 6, *Gradient descent*.

    Parameters
    ----------
    grad : callable
        ``grad(w)`` returns :math:`\nabla f(w)`, an array of ``w``'s shape ``(d,)``.
    w0 : array_like
        Starting point, shape ``(d,)``; float32 stays float32.
    lr : float
        Learning rate :math:`\eta > 0`.
    n_steps : int
        Number of steps, >= 1.
    momentum : float
        Momentum coefficient :math:`0 \le \mu < 1`.

    Returns
    -------
    numpy.ndarray
        The iterates :math:`w_0, \ldots, w_{n}` as rows.
    """
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    w = as_float_array(w0, "w0", ndim=1).copy()       # (d,), updated in place
    n_steps = check_positive_int(n_steps, "n_steps")
    opt = SGD(lr=lr, momentum=momentum)
    trajectory = np.empty((n_steps + 1, w.size), dtype=w.dtype)  # (n_steps + 1, d)
    trajectory[0] = w
    for k in range(n_steps):
        g = as_float_array(grad(w.copy()), "grad(w)", allow_nonfinite=True)
        if not np.all(np.isfinite(g)):
            raise ValueError(f"grad(w) is not finite at step {k}: the iteration diverged (try a smaller lr)")
        opt.step([w], [g])
        trajectory[k + 1] = w
    return trajectory


def clip_grad_norm(grads, max_norm):
    r"""Rescale gradients in place so that their joint Euclidean norm is at most ``max_norm``.

    .. math:: \lVert g \rVert = \Bigl(\sum_k \lVert g_k \rVert_F^2\Bigr)^{1/2}, \qquad
              g_k \leftarrow g_k \min\Bigl(1, \frac{c}{\lVert g \rVert}\Bigr)

    The direction of the update is kept and only its length is capped
    (Pascanu, Mikolov and Bengio, 2013). The norm is computed after dividing by the
    largest entry, so huge gradients give a finite norm instead of overflowing.

    Shapes: ``grads[k]`` any shapes. Derived in chapter 9, *Recurrent networks*.

    Parameters
    ----------
    grads : list of numpy.ndarray
        The gradients (e.g. ``model.gradients()``), changed in place.
    max_norm : float
        The cap :math:`c > 0`; ``numpy.inf`` only measures the norm.

    Returns
    -------
    float
        The norm before clipping (``inf`` if it overflows float64).
    """
    if not isinstance(grads, (list, tuple)) or not all(isinstance(g, np.ndarray) for g in grads):
        raise TypeError(f"grads must be a list of numpy arrays (changed in place), got {type(grads).__name__}")
    max_norm = float(as_float_array(max_norm, "max_norm", ndim=0, allow_nonfinite=True))
    if not max_norm > 0:                                 # inf is allowed: measure the norm, clip nothing
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    scale = max((float(np.max(np.abs(g))) for g in grads if g.size), default=0.0)
    if scale == 0:
        return 0.0
    with np.errstate(over="ignore"):
        norm = scale * float(np.sqrt(sum(np.sum((g / scale) ** 2, dtype=np.float64) for g in grads)))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm
    return norm
