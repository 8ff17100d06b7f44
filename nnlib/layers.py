r"""Layers of a feed-forward network: ``Dense``, activation layers and ``Sequential``.

Derived in chapter 4, *Multi-layer perceptrons and forward propagation*; the
backpropagation chapter derives the ``backward`` methods.

Every layer maps a batch to a batch (batch first: ``X`` has shape ``(m, n_in)``)
and has the same small interface:

* ``forward(X)`` returns the layer's output and caches what ``backward`` needs;
* ``backward(dA, need_input_grad=True)`` takes :math:`\partial \mathcal L / \partial A`, the
  gradient of the loss with respect to the layer's last output, stores the
  gradients of the layer's parameters and returns :math:`\partial \mathcal L / \partial X`
  (or ``None`` when ``need_input_grad`` is False: the first layer of a network
  has no use for the gradient with respect to the data, so it skips that work);
* ``parameters()`` and ``gradients()`` return lists of arrays in the same order.
  They are the layer's own arrays: an optimiser updates ``parameters()`` in place,
  and ``backward`` overwrites ``gradients()`` in place, so the lists can be fetched
  once and reused.

Convention: the gradient passed to ``backward`` is that of the **mean** loss over
the batch, so it already contains the factor :math:`1/m`; layers sum over the
batch and never divide by :math:`m`.

Fast path (internal, for ``nnlib.training``; ``Dense``'s is in ``nnlib/_fastpath.py``):
every layer also has ``_forward`` and ``_backward``, the same numbers with **no input
validation** (``train`` checks its data once), outputs in buffers reused from batch to
batch (overwritten by the next call), and ``_backward`` free to overwrite its ``dA``.
"""
import numpy as np

from . import activations as act
from ._fastpath import _cached, _dense_backward, _dense_forward
from ._validation import as_float_array, check_positive_int
from .init import _check_dtype, _initial_weights, as_generator


class Dense:
    r"""Fully connected (affine) layer.

    .. math:: Z = X W + \mathbf{b}, \qquad
              \frac{\partial \mathcal L}{\partial W} = X^\top \frac{\partial \mathcal L}{\partial Z}, \quad
              \frac{\partial \mathcal L}{\partial \mathbf{b}} = \mathbf{1}_m^\top \frac{\partial \mathcal L}{\partial Z}, \quad
              \frac{\partial \mathcal L}{\partial X} = \frac{\partial \mathcal L}{\partial Z} W^\top

    Shapes: ``X (m, n_in) -> Z (m, n_out)``; ``W (n_in, n_out)``, ``b (n_out,)``.
    Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    n_in, n_out : int
        Numbers of inputs and of units, each >= 1.
    init : str or callable
        Initialiser of ``W``: a name from ``nnlib.init.INITIALISERS`` or a callable
        ``init(n_in, n_out, rng)``. ``b`` starts at zero.
    rng : numpy.random.Generator or int
        Source of the initial weights (required).
    dtype : numpy.float32 or numpy.float64
        Dtype of ``W`` and ``b``; input is cast to it.
    """

    def __init__(self, n_in, n_out, *, init="glorot_uniform", rng=None, dtype=np.float64):
        self.n_in, self.n_out = check_positive_int(n_in, "n_in"), check_positive_int(n_out, "n_out")
        self.dtype = _check_dtype(dtype)
        rng = as_generator(rng)
        self.W = _initial_weights(init, self.n_in, self.n_out, rng).astype(self.dtype)
        self.b = np.zeros(self.n_out, dtype=self.dtype)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
        self._X = None

    @classmethod
    def from_weights(cls, W, b):
        """A layer with the given ``W`` (n_in, n_out) and ``b`` (n_out,), e.g. designed by hand."""
        W, b = as_float_array(W, "W", ndim=2), as_float_array(b, "b", ndim=1)
        if b.shape != (W.shape[1],):
            raise ValueError(f"b must have shape ({W.shape[1]},) to match W of shape {W.shape}, got {b.shape}")
        layer = cls(*W.shape, init=lambda n_in, n_out, rng: W, rng=0, dtype=W.dtype)  # no random draw
        layer.b[...] = b
        return layer

    def forward(self, X):
        """``Z = X @ W + b``, ``(m, n_in) -> (m, n_out)``; keeps ``X`` for ``backward``."""
        X = as_float_array(X, "X", ndim=2).astype(self.dtype, copy=False)
        if X.shape[1] != self.n_in:
            raise ValueError(f"X must have shape (m, {self.n_in}), got {X.shape}")
        self._X = X                                 # (m, n_in), needed for dW
        return X @ self.W + self.b                  # (m, n_out); b broadcast over rows

    def backward(self, dZ, need_input_grad=True):
        """Store ``dW``, ``db`` from ``dZ`` ``(m, n_out)``; return ``dX`` ``(m, n_in)`` (or None)."""
        if self._X is None:
            raise RuntimeError("call forward before backward")
        dZ = as_float_array(dZ, "dZ", ndim=2).astype(self.dtype, copy=False)
        if dZ.shape != (self._X.shape[0], self.n_out):
            raise ValueError(f"dZ must have shape {(self._X.shape[0], self.n_out)}, got {dZ.shape}")
        self.dW[...] = self._X.T @ dZ               # (n_in, n_out): sums over the batch
        self.db[...] = dZ.sum(axis=0)               # (n_out,)
        return dZ @ self.W.T if need_input_grad else None  # (m, n_in)

    def parameters(self):
        """``[W, b]``: the layer's own arrays, which an optimiser updates in place."""
        return [self.W, self.b]

    def gradients(self):
        """``[dW, db]``, of the shapes of ``[W, b]``; ``backward`` overwrites them in place."""
        return [self.dW, self.db]

    @property
    def n_params(self):
        """Number of parameters, :math:`n_\text{in} n_\text{out} + n_\text{out}`."""
        return self.W.size + self.b.size

    def __repr__(self):
        return f"Dense({self.n_in} -> {self.n_out}, W {self.W.shape}, b {self.b.shape})"


# Attached outside the class body, which chapter 4 prints as the textbook version.
Dense._forward, Dense._backward = _dense_forward, _dense_backward


class _Activation:
    """An elementwise activation layer: no parameters; ``forward`` caches ``Z``."""

    def forward(self, Z):
        r"""The activation :math:`A = \phi(Z)`, of ``Z``'s shape; keeps ``Z`` for ``backward``."""
        self._Z = as_float_array(Z, "Z", min_ndim=1)
        return self._phi(self._Z)

    def backward(self, dA, need_input_grad=True):
        r""":math:`\partial \mathcal L/\partial Z` from ``dA`` :math:`= \partial \mathcal L/\partial A` (``Z``'s shape), or None."""
        Z = getattr(self, "_Z", None)
        if Z is None:
            raise RuntimeError("call forward before backward")
        dA = as_float_array(dA, "dA").astype(Z.dtype, copy=False)
        if dA.shape != Z.shape:
            raise ValueError(f"dA must have the shape of the last input, {Z.shape}, got {dA.shape}")
        return self._vjp(Z, dA) if need_input_grad else None

    def _vjp(self, Z, dA):                          # elementwise: dZ = dA * phi'(Z)
        return dA * self._grad(Z)

    def _forward(self, Z):                          # fast path: no checks
        self._Z = Z
        return self._phi(Z)

    def _backward(self, dA, need_input_grad=True):
        return self._vjp(self._Z, dA) if need_input_grad else None

    def parameters(self):
        """``[]``: an activation layer has no parameters."""
        return []

    def gradients(self):
        """``[]``, matching ``parameters()``."""
        return []

    n_params = 0

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(_Activation):
    r"""Identity activation :math:`A = Z` (regression outputs); :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A`.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""

    @staticmethod
    def _phi(Z):
        return Z.copy()

    @staticmethod
    def _vjp(Z, dA):
        return dA

    def _forward(self, Z):                          # fast path: no copy
        self._Z = Z
        return Z


class Sigmoid(_Activation):
    r"""Sigmoid layer, :math:`A = \sigma(Z)`, :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A \odot \sigma(Z)\sigma(-Z)`.

    Caches ``Z`` rather than ``A``: :math:`\sigma(Z)\sigma(-Z)` stays accurate where
    :math:`A(1 - A)` would cancel (``nnlib.sigmoid_grad``).
    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""
    _phi, _grad = staticmethod(act.sigmoid), staticmethod(act.sigmoid_grad)


class Tanh(_Activation):
    r"""Tanh layer, :math:`A = \tanh Z`, :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A \odot (1 - \tanh^2 Z)`.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""
    _phi, _grad = staticmethod(act.tanh), staticmethod(act.tanh_grad)


class ReLU(_Activation):
    r"""ReLU layer, :math:`A = \max(0, Z)`, :math:`\partial \mathcal L/\partial Z = \partial \mathcal L/\partial A \odot [Z > 0]`.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""
    _phi, _grad = staticmethod(act.relu), staticmethod(act.relu_grad)

    def _forward(self, Z):                          # fast path: A = max(Z, 0), mask [Z > 0]
        self._A, self._mask = _cached(self, (Z.shape, Z.dtype.char),
                                      lambda: (np.empty_like(Z), np.empty(Z.shape, dtype=bool)))
        np.greater(Z, 0, out=self._mask)
        return np.maximum(Z, 0, out=self._A)

    def _backward(self, dA, need_input_grad=True):  # dZ = dA [Z > 0], in place in dA
        if need_input_grad:
            return np.multiply(dA, self._mask, out=dA)


class LeakyReLU(_Activation):
    r"""Leaky ReLU layer, :math:`A = \operatorname{LReLU}_\alpha(Z)` (``nnlib.leaky_relu``).

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    alpha : float
        Slope for :math:`Z \le 0`.
    """

    def __init__(self, alpha=0.01):
        self.alpha = float(as_float_array(alpha, "alpha", ndim=0))

    def _phi(self, Z):
        return act.leaky_relu(Z, self.alpha)

    def _grad(self, Z):
        return act.leaky_relu_grad(Z, self.alpha)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Step(_Activation):
    r"""Heaviside step layer, :math:`A = H(Z)` with :math:`H(0) = 1`. Forward only.

    Shapes: any -> same. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""
    _phi = staticmethod(act.step)

    def backward(self, dA, need_input_grad=True):
        raise RuntimeError(
            "Step has no useful backward: its derivative is 0 wherever it exists (and undefined "
            "at 0), so no gradient can flow through it. Use Sigmoid for a trainable network."
        )

    _backward = backward


class Softmax(_Activation):
    r"""Softmax over the last axis, :math:`A = \operatorname{softmax}(Z)`; backward is ``nnlib.softmax_vjp``.

    Shapes: ``(..., K) -> (..., K)``. Derived in chapter 4, *Multi-layer perceptrons and forward propagation*."""
    _phi = staticmethod(act.softmax)
    _vjp = staticmethod(act.softmax_vjp)


class Sequential:
    r"""A network: layers applied one after the other.

    .. math:: A^{[l]} = f^{[l]}\bigl(A^{[l-1]}\bigr), \quad l = 1, \ldots, L, \qquad A^{[0]} = X

    ``backward`` visits the layers in reverse and, by default, tells the first
    layer that nobody needs the gradient with respect to ``X``.

    Shapes: ``X (m, n_0) -> (m, n_L)``.
    Derived in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Parameters
    ----------
    layers : list
        The layers, first to last (each with ``forward``, ``backward``, ``parameters``).
    """

    def __init__(self, layers):
        if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__"):
            raise TypeError(f"layers must be a list of layers, got {type(layers).__name__}")
        if len(layers) == 0:
            raise ValueError("layers must contain at least one layer")
        width = None
        for i, layer in enumerate(layers):
            if not all(callable(getattr(layer, a, None)) for a in ("forward", "backward", "parameters")):
                raise TypeError(f"layers[{i}] must be a layer (forward/backward/parameters), got {layer!r}")
            if isinstance(layer, Dense):
                if width is not None and layer.n_in != width:
                    raise ValueError(f"layers[{i}] expects {layer.n_in} inputs, the layer before gives {width}")
                width = layer.n_out
        self.layers = list(layers)

    def forward(self, X):
        """Apply every layer in order: ``(m, n_0) -> (m, n_L)``."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dA, need_input_grad=False):
        """Backpropagate ``dA`` ``(m, n_L)`` through every layer in reverse; ``(m, n_0)`` or None."""
        for i, layer in reversed(list(enumerate(self.layers))):
            dA = layer.backward(dA, need_input_grad=need_input_grad if i == 0 else True)
        return dA

    def _forward(self, X):                          # fast path (module docstring)
        for layer in self.layers:
            X = layer._forward(X) if hasattr(layer, "_forward") else layer.forward(X)
        return X

    def _backward(self, dA):                        # no gradient for the input X
        layers = self.layers
        for i in range(len(layers) - 1, -1, -1):
            back = getattr(layers[i], "_backward", layers[i].backward)
            dA = back(dA, need_input_grad=i > 0)
        return dA

    def parameters(self):
        """All layers' parameter arrays, first layer first."""
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self):
        """All layers' gradient arrays, in the order of ``parameters()``."""
        return [g for layer in self.layers for g in layer.gradients()]

    @property
    def n_params(self):
        """Total number of parameters."""
        return sum(p.size for p in self.parameters())

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        return Sequential(self.layers[index]) if isinstance(index, slice) else self.layers[index]

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + f"\n)  # {self.n_params} parameters"
