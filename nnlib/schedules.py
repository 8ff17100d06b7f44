r"""Learning-rate schedules: step decay, cosine decay and linear warm-up.

Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

A schedule is a function of the step counter :math:`t = 0, 1, 2, \ldots` (one
step per mini-batch) that returns the learning rate :math:`\eta_t` for that step.
:class:`Scheduled` wraps any optimiser that has an ``lr`` attribute and a
``step(params, grads)`` method (:class:`~nnlib.optim.SGD`, :class:`~nnlib.adaptive.Adam`,
...) and sets ``lr`` from the schedule before every step, so the wrapped
optimiser works with :func:`nnlib.training.train` like the bare one.
"""
import math

import numpy as np

from ._validation import as_float_array, check_positive_int
from .optim import _check_lr


def _check_rate(value, name, low, high):
    """``value`` as a float in ``[low, high]``, or raise."""
    value = float(as_float_array(value, name, ndim=0))
    if not low <= value <= high:
        raise ValueError(f"{name} must satisfy {low} <= {name} <= {high}, got {value}")
    return value


def _check_step(t):
    if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)):
        raise TypeError(f"t must be a non-negative int (the step counter), got {type(t).__name__}")
    if t < 0:
        raise ValueError(f"t must be >= 0, got {t}")
    return int(t)


class StepLR:
    r"""Step decay: multiply the rate by ``gamma`` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}

    Calling the schedule with the step counter ``t`` returns :math:`\eta_t`.
    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    step_size : int
        :math:`s \ge 1`, steps between two decays.
    gamma : float
        Factor :math:`\gamma \in [0, 1]`.
    """

    def __init__(self, lr, step_size, gamma=0.1):
        self.lr, self.step_size = _check_lr(lr), check_positive_int(step_size, "step_size")
        self.gamma = _check_rate(gamma, "gamma", 0.0, 1.0)

    def __call__(self, t):
        return self.lr * self.gamma ** (_check_step(t) // self.step_size)


class CosineLR:
    r"""Cosine decay from ``lr`` to ``lr_min`` over ``total_steps`` steps, then constant.

    .. math:: \eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
              \Bigl(1 + \cos \frac{\pi \min(t, T)}{T}\Bigr)

    Calling the schedule with the step counter ``t`` returns :math:`\eta_t`.
    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta_0 > 0`.
    total_steps : int
        :math:`T \ge 1`, the length of the decay.
    lr_min : float
        Final rate :math:`\eta_{\min} \in [0, \eta_0]`.
    """

    def __init__(self, lr, total_steps, lr_min=0.0):
        self.lr, self.total_steps = _check_lr(lr), check_positive_int(total_steps, "total_steps")
        self.lr_min = _check_rate(lr_min, "lr_min", 0.0, self.lr)

    def __call__(self, t):
        fraction = min(_check_step(t), self.total_steps) / self.total_steps
        return self.lr_min + 0.5 * (self.lr - self.lr_min) * (1 + math.cos(math.pi * fraction))


class LinearWarmup:
    r"""Linear warm-up over ``warmup_steps`` steps, then ``schedule`` (a schedule or a constant rate).

    .. math:: \eta_t = \min\Bigl(1, \frac{t + 1}{t_\text{warm}}\Bigr)\, \eta^{\text{after}}_t

    Calling the schedule with the step counter ``t`` returns :math:`\eta_t`.
    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    schedule : callable or float
        The schedule :math:`\eta^{\text{after}}_t` (called with ``t``), or a constant rate > 0.
    warmup_steps : int
        :math:`t_\text{warm} \ge 1`.
    """

    def __init__(self, schedule, warmup_steps):
        self.schedule = schedule if callable(schedule) else (lambda t, lr=_check_lr(schedule): lr)
        self.warmup_steps = check_positive_int(warmup_steps, "warmup_steps")

    def __call__(self, t):
        t = _check_step(t)
        return min(1.0, (t + 1) / self.warmup_steps) * self.schedule(t)


class Scheduled:
    r"""An optimiser whose learning rate follows ``schedule``: :math:`\eta_t` at its ``t``-th step.

    ``step(params, grads)`` sets ``optimizer.lr = schedule(t)``, calls
    ``optimizer.step(params, grads)`` and increments ``t`` (from 0).

    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    optimizer : object
        Anything with an ``lr`` attribute and ``step(params, grads)``, e.g. :class:`~nnlib.adaptive.Adam`.
    schedule : callable
        ``schedule(t)`` returns :math:`\eta_t`, e.g. a :class:`CosineLR`.
    """

    def __init__(self, optimizer, schedule):
        if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
            raise TypeError(f"optimizer must have an lr attribute and a step method, got {type(optimizer).__name__}")
        if not callable(schedule):
            raise TypeError(f"schedule must be callable (t -> learning rate), got {type(schedule).__name__}")
        self.optimizer, self.schedule, self.t = optimizer, schedule, 0

    @property
    def lr(self):
        """The rate of the next step."""
        return self.schedule(self.t)

    def step(self, params, grads):
        """Set the wrapped optimiser's ``lr`` to the schedule's value, then take its step."""
        self.optimizer.lr = _check_rate(self.schedule(self.t), "schedule(t)", 0.0, math.inf)
        self.optimizer.step(params, grads)
        self.t += 1
