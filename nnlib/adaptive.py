r"""Adaptive gradient methods: AdaGrad, RMSProp, Adam and AdamW.

Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

Each optimiser keeps, per parameter array, running statistics of its gradient
and divides the step elementwise by the root of a running mean of squared
gradients: one learning rate per coordinate. They have the interface of
:class:`nnlib.optim.SGD` (``step(params, grads)`` updates ``params`` in place,
``reset()`` forgets the state), so :func:`nnlib.training.train` accepts them.

Dtypes: each parameter keeps its dtype, and so do its state arrays.
"""
import numpy as np

from ._buffers import SameArrays, grouped, zeros_like_all
from ._validation import as_float_array
from .optim import _check_lr, _check_params_grads


def _check_beta(value, name):
    value = float(as_float_array(value, name, ndim=0))
    if not 0 <= value < 1:
        raise ValueError(f"{name} must satisfy 0 <= {name} < 1, got {value}")
    return value


def _check_nonnegative(value, name):
    value = float(as_float_array(value, name, ndim=0))
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def _check_eps(eps):
    eps = _check_nonnegative(eps, "eps")
    if eps == 0:
        raise ValueError("eps must be > 0 (it keeps the division finite where a gradient is 0)")
    return eps


class _Adaptive:
    """State and step bookkeeping shared by the adaptive optimisers (``n_state`` arrays per parameter)."""
    n_state = 1

    def __init__(self, lr, eps):
        self.lr, self.eps = _check_lr(lr), _check_eps(eps)
        self._seen = SameArrays()                    # the arrays checked and grouped last
        self.reset()

    def reset(self):
        """Forget the state and the step counter (call it before optimising other parameters)."""
        self.state, self.t = None, 0
        self._seen.forget()

    def step(self, params, grads):
        """Update every array in ``params`` in place from the matching array in ``grads``."""
        if self.state is None or not self._seen.holds(params, grads, *self.state):
            self._prepare(params, grads)                 # new arrays: check them, group them
        self.t += 1
        for p, g, *state in self._groups:
            self._update(p, g if g.dtype == p.dtype else g.astype(p.dtype), *state)

    def _prepare(self, params, grads):
        """Check arrays ``step`` has not seen and group them (:func:`nnlib._buffers.grouped`)."""
        _check_params_grads(params, grads)
        if self.state is None:                           # state[i]: parameter i's arrays
            kinds = [zeros_like_all(params) for _ in range(self.n_state)]
            self.state = [list(arrays) for arrays in zip(*kinds)]
        shapes = [s[0].shape for s in self.state]
        if shapes != [p.shape for p in params]:
            raise ValueError(f"params changed shape since the last step: the state has shapes {shapes}, "
                             f"params have {[p.shape for p in params]}; call optimizer.reset() first")
        kinds = [[s[k] for s in self.state] for k in range(self.n_state)]
        self._groups = list(zip(*grouped(params, grads, *kinds)))
        self._seen.remember(params, grads, *self.state)


class AdaGrad(_Adaptive):
    r"""AdaGrad: divide by the root of the *sum* of all past squared gradients.

    .. math:: G \leftarrow G + g \odot g, \qquad
              p \leftarrow p - \eta\, \frac{g}{\sqrt{G} + \epsilon}

    with :math:`G = 0` initially, per parameter array. The effective step
    :math:`\eta / \sqrt{G}` only shrinks.

    Shapes: ``params[i]`` and ``grads[i]`` have the same (any) shape.
    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    eps : float
        :math:`\epsilon > 0`, added to the root.
    """

    def __init__(self, lr=0.01, eps=1e-10):
        super().__init__(lr, eps)

    def _update(self, p, g, G):
        G += g * g                                       # G <- G + g^2
        p -= self.lr * g / (np.sqrt(G) + self.eps)


class RMSProp(_Adaptive):
    r"""RMSProp: divide by the root of an exponential moving average of squared gradients.

    .. math:: v \leftarrow \rho\, v + (1 - \rho)\, g \odot g, \qquad
              p \leftarrow p - \eta\, \frac{g}{\sqrt{v} + \epsilon}

    with :math:`v = 0` initially.

    Shapes: ``params[i]`` and ``grads[i]`` have the same (any) shape.
    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    rho : float
        Decay of the average, :math:`0 \le \rho < 1`.
    eps : float
        :math:`\epsilon > 0`.
    """

    def __init__(self, lr=0.001, rho=0.9, eps=1e-8):
        super().__init__(lr, eps)
        self.rho = _check_beta(rho, "rho")

    def _update(self, p, g, v):
        v *= self.rho
        v += (1 - self.rho) * (g * g)                    # v <- rho v + (1 - rho) g^2
        p -= self.lr * g / (np.sqrt(v) + self.eps)


class Adam(_Adaptive):
    r"""Adam: bias-corrected moving averages of the gradient and of its square.

    .. math:: m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
              v \leftarrow \beta_2 v + (1 - \beta_2)\, g \odot g, \qquad
              p \leftarrow p - \eta\, \frac{m / (1 - \beta_1^t)}{\sqrt{v / (1 - \beta_2^t)} + \epsilon}

    at step :math:`t = 1, 2, \ldots`, with :math:`m = v = 0` initially.

    Weight decay :math:`\lambda` (``weight_decay``) comes in two kinds. Coupled
    (``decoupled=False``): :math:`g \leftarrow g + \lambda p` before the averages,
    the gradient of the L2 penalty :math:`\frac\lambda2\lVert p\rVert^2`, which the
    division then rescales coordinate by coordinate. Decoupled (``decoupled=True``,
    AdamW): :math:`p \leftarrow p - \eta\lambda p` before the Adam step, the same
    shrinkage for every coordinate.

    Shapes: ``params[i]`` and ``grads[i]`` have the same (any) shape.
    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    beta1, beta2 : float
        Decays of the two averages, each in [0, 1).
    eps : float
        :math:`\epsilon > 0`.
    weight_decay : float
        :math:`\lambda \ge 0`.
    decoupled : bool
        Decoupled (AdamW) rather than coupled (L2) weight decay.
    """
    n_state = 2

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False):
        super().__init__(lr, eps)
        self.beta1, self.beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
        self.weight_decay = _check_nonnegative(weight_decay, "weight_decay")
        if not isinstance(decoupled, (bool, np.bool_)):
            raise TypeError(f"decoupled must be a bool, got {type(decoupled).__name__}")
        self.decoupled = bool(decoupled)

    def _update(self, p, g, m, v):
        b1, b2, lam, t = self.beta1, self.beta2, self.weight_decay, self.t
        if lam and self.decoupled:
            p -= (self.lr * lam) * p                     # AdamW: p <- p - lr lambda p
        elif lam:
            g = g + lam * p                              # L2: g <- g + lambda p
        m *= b1
        m += (1 - b1) * g                                # m <- b1 m + (1 - b1) g
        v *= b2
        v += (1 - b2) * (g * g)                          # v <- b2 v + (1 - b2) g^2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)  # bias correction
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    r"""Adam with decoupled weight decay: ``Adam(..., decoupled=True)``, default :math:`\lambda = 0.01`.

    .. math:: p \leftarrow (1 - \eta\lambda)\, p, \quad \text{then the Adam step of } p

    Shapes: ``params[i]`` and ``grads[i]`` have the same (any) shape.
    Derived in chapter 10, *Generalisation, regularisation and adaptive optimisers*.

    Parameters
    ----------
    lr, beta1, beta2, eps : float
        As for :class:`Adam`.
    weight_decay : float
        :math:`\lambda \ge 0`.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        super().__init__(lr, beta1, beta2, eps, weight_decay, decoupled=True)
