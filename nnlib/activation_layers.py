r"""Activation layers: an activation function of chapter 3 as a layer, with its derivative.

Derived in chapter 4, *Multi-layer perceptrons and forward propagation*; the
``backward`` methods in chapter 7, *Backpropagation*. Each layer computes
:math:`A = \phi(Z)` entry by entry (softmax along the last axis), keeps ``Z``, and
its ``backward`` returns :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A
\odot \phi'(Z)`. The formulas are those of :mod:`nnlib.activations`, called through
``.unchecked``: the layer has checked the shapes, and the data was checked for NaN
and inf where it entered the library (see :mod:`nnlib.layers`).
"""
from ._validation import as_float_array, check_batch
from .activations import leaky_relu, leaky_relu_grad, relu, relu_grad, sigmoid, sigmoid_grad, step
from .activations import tanh, tanh_grad
from .softmax_functions import softmax, softmax_vjp


class _Elementwise:
    """What every activation layer shares: no parameters, ``Z`` kept for ``backward``."""
    _Z = None

    def _keep(self, Z):
        self._Z = check_batch(Z, "Z")
        return self._Z

    def _upstream(self, dA):
        if self._Z is None:
            raise RuntimeError("call forward before backward")
        dA = check_batch(dA, "dA", dtype=self._Z.dtype)
        if dA.shape != self._Z.shape:
            raise ValueError(f"dA must have the shape of the last input, {self._Z.shape}, got {dA.shape}")
        return dA

    def parameters(self):
        """``[]``: an activation layer has no parameters."""
        return []

    def gradients(self):
        """``[]``, matching ``parameters()``."""
        return []

    n_params = 0

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(_Elementwise):
    r"""Identity activation :math:`A = Z` (regression outputs); :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A`.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""

    def forward(self, Z):
        """``A = Z`` (a copy)."""
        return self._keep(Z).copy()

    def backward(self, dA, need_input_grad=True):
        """``dZ = dA``."""
        dA = self._upstream(dA)
        return dA if need_input_grad else None


class Sigmoid(_Elementwise):
    r"""Sigmoid layer, :math:`A = \sigma(Z)`, :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A \odot \sigma(Z)\sigma(-Z)`.

    Keeps ``Z`` rather than ``A``: :math:`\sigma(Z)\sigma(-Z)` stays accurate where
    :math:`A(1 - A)` would cancel (``nnlib.sigmoid_grad``).
    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""

    def forward(self, Z):
        """``A = sigmoid(Z)``."""
        return sigmoid.unchecked(self._keep(Z))

    def backward(self, dA, need_input_grad=True):
        """``dZ = dA * sigmoid(Z) * sigmoid(-Z)``."""
        dA = self._upstream(dA)
        return dA * sigmoid_grad.unchecked(self._Z) if need_input_grad else None


class Tanh(_Elementwise):
    r"""Tanh layer, :math:`A = \tanh Z`, :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A \odot (1 - \tanh^2 Z)`.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""

    def forward(self, Z):
        """``A = tanh(Z)``."""
        return tanh.unchecked(self._keep(Z))

    def backward(self, dA, need_input_grad=True):
        """``dZ = dA * (1 - tanh(Z)**2)``."""
        dA = self._upstream(dA)
        return dA * tanh_grad.unchecked(self._Z) if need_input_grad else None


class ReLU(_Elementwise):
    r"""ReLU layer, :math:`A = \max(0, Z)`, :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A \odot [Z > 0]`.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""

    def forward(self, Z):
        """``A = max(Z, 0)``."""
        return relu.unchecked(self._keep(Z))

    def backward(self, dA, need_input_grad=True):
        """``dZ = dA * [Z > 0]``."""
        dA = self._upstream(dA)
        return dA * relu_grad.unchecked(self._Z) if need_input_grad else None


class LeakyReLU(_Elementwise):
    r"""Leaky ReLU layer, :math:`A = \operatorname{LReLU}_\alpha(Z)`, derivative 1 or :math:`\alpha`.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    alpha : float
        Slope for :math:`Z \le 0`.
    """

    def __init__(self, alpha=0.01):
        self.alpha = float(as_float_array(alpha, "alpha", ndim=0))

    def forward(self, Z):
        """``A = where(Z > 0, Z, alpha Z)``."""
        return leaky_relu.unchecked(self._keep(Z), self.alpha)

    def backward(self, dA, need_input_grad=True):
        """``dZ = dA * where(Z > 0, 1, alpha)``."""
        dA = self._upstream(dA)
        return dA * leaky_relu_grad.unchecked(self._Z, self.alpha) if need_input_grad else None

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Step(_Elementwise):
    r"""Heaviside step layer, :math:`A = H(Z)` with :math:`H(0) = 1`. Forward only.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""

    def forward(self, Z):
        """``A = [Z >= 0]``."""
        return step.unchecked(self._keep(Z))

    def backward(self, dA, need_input_grad=True):
        """Raise: no gradient flows through a step."""
        raise RuntimeError(
            "Step has no useful backward: its derivative is 0 wherever it exists (and undefined "
            "at 0), so no gradient can flow through it. Use Sigmoid for a trainable network."
        )


class Softmax(_Elementwise):
    r"""Softmax over the last axis, :math:`A = \operatorname{softmax}(Z)`; backward is ``nnlib.softmax_vjp``.

    Shapes: ``(..., K) -> (..., K)``. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""

    def forward(self, Z):
        """``A = softmax(Z)`` along the last axis."""
        return softmax.unchecked(self._keep(Z), -1)

    def backward(self, dA, need_input_grad=True):
        """``dZ = A * (dA - <A, dA>)``, the vector-Jacobian product."""
        dA = self._upstream(dA)
        return softmax_vjp.unchecked(self._Z, dA, -1) if need_input_grad else None
