r"""Pooling layers, ``MaxPool2D`` and ``AvgPool2D``, and ``Flatten``.

Derived in chapter 8, *Convolutional networks*. Images are batch first,
``(m, C, H, W)``; each pooling layer reads the ``k x k`` windows of
:func:`~nnlib.windows.im2col` and its backward adds the gradients back with
:func:`~nnlib.windows.col2im`. The layers have the interface of :mod:`nnlib.layers`.
"""
import numpy as np

from ._validation import check_batch, check_positive_int
from .windows import _check_images, col2im, im2col, output_size


class _NoParameters:
    """A layer without parameters: empty ``parameters()`` and ``gradients()``."""
    n_params = 0

    def parameters(self):
        """``[]``: no parameters."""
        return []

    def gradients(self):
        """``[]``, matching ``parameters()``."""
        return []


class _Pool2D(_NoParameters):
    """Shared parts of the pooling layers: ``k x k`` windows at stride ``s`` (default ``k``), no parameters."""

    def __init__(self, kernel_size, *, stride=None):
        self.kernel_size = check_positive_int(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else check_positive_int(stride, "stride")
        self._shape = None

    def _windows(self, X):
        X = _check_images(X, "X")
        for n in X.shape[2:]:
            output_size(n, self.kernel_size, self.stride)                     # raises if k > n
        self._shape = X.shape
        return im2col.unchecked(X, self.kernel_size, self.stride)                      # (m, C, H_out, W_out, k, k)

    def _check_dY(self, dY):
        if self._shape is None:
            raise RuntimeError("call forward before backward")
        expected = self._shape[:2] + tuple(output_size(n, self.kernel_size, self.stride) for n in self._shape[2:])
        dY = check_batch(dY, "dY", ndim=4)
        if dY.shape != expected:
            raise ValueError(f"dY must have shape {expected}, got {dY.shape}")
        return dY

    def __repr__(self):
        return f"{type(self).__name__}(kernel {self.kernel_size}, stride {self.stride})"


class MaxPool2D(_Pool2D):
    r"""Max pooling over ``k x k`` windows: :math:`Y_{i,q,r,c} = \max_{u,v} X_{i,q,\,sr+u,\,sc+v}`.

    Backward routes each :math:`\partial \mathcal L/\partial Y` entry to the position of its
    window's maximum (a subgradient); on a tie, to the *first* maximum in row-major
    order, as ``numpy.argmax`` picks it. Overlapping windows add their contributions.
    Both passes loop over the :math:`k^2` offsets, each a whole-array operation.

    Shapes: ``X (m, C, H, W) -> Y (m, C, H_out, W_out)``, ``H_out = (H - k) // s + 1``.
    Derived in chapter 8, *Convolutional networks*.

    Parameters
    ----------
    kernel_size : int
        Window width :math:`k \ge 1`.
    stride : int, optional
        Step :math:`s` between windows; default :math:`k` (windows that do not overlap).
    """

    def forward(self, X):
        """``Y`` ``(m, C, H_out, W_out)``: the maximum of every window of ``X`` ``(m, C, H, W)``."""
        win, k = self._windows(X), self.kernel_size                            # (m, C, H_out, W_out, k, k)
        offsets = np.ascontiguousarray(win.transpose(4, 5, 0, 1, 2, 3)).reshape(k * k, *win.shape[:4])
        Y = offsets[0].copy()                                                   # (m, C, H_out, W_out)
        self._argmax = np.zeros(Y.shape, dtype=np.intp)                        # offset u k + v of the maximum
        for j in range(1, k * k):
            better = offsets[j] > Y                                             # strictly: ties keep the first
            self._argmax = np.where(better, j, self._argmax)
            Y = np.maximum(Y, offsets[j])
        return Y

    def backward(self, dY, need_input_grad=True):
        """``dX`` ``(m, C, H, W)`` from ``dY`` ``(m, C, H_out, W_out)`` (or None)."""
        dY = self._check_dY(dY)
        if not need_input_grad:
            return None
        k = self.kernel_size
        hits = self._argmax == np.arange(k * k).reshape(-1, 1, 1, 1, 1)       # (k k, m, C, H_out, W_out)
        cols = (hits * dY).reshape(k, k, *dY.shape).transpose(2, 3, 4, 5, 0, 1)  # (m, C, H_out, W_out, k, k)
        return col2im.unchecked(cols, self._shape, k, self.stride)


class AvgPool2D(_Pool2D):
    r"""Average pooling: :math:`Y_{i,q,r,c} = \frac{1}{k^2}\sum_{u,v} X_{i,q,\,sr+u,\,sc+v}`.

    Backward spreads :math:`\partial \mathcal L/\partial Y / k^2` evenly over each window.

    Shapes: ``X (m, C, H, W) -> Y (m, C, H_out, W_out)``, ``H_out = (H - k) // s + 1``.
    Derived in chapter 8, *Convolutional networks*.

    Parameters
    ----------
    kernel_size : int
        Window width :math:`k \ge 1`.
    stride : int, optional
        Step :math:`s` between windows; default :math:`k` (windows that do not overlap).
    """

    def forward(self, X):
        """``Y`` ``(m, C, H_out, W_out)``: the mean of every window of ``X`` ``(m, C, H, W)``."""
        win, k = self._windows(X), self.kernel_size
        Y = win[..., 0, 0].copy()
        for j in range(1, k * k):                                              # k^2 whole-array additions
            Y += win[..., j // k, j % k]
        return Y / (k * k)

    def backward(self, dY, need_input_grad=True):
        """``dX`` ``(m, C, H, W)`` from ``dY`` ``(m, C, H_out, W_out)`` (or None)."""
        dY = self._check_dY(dY)
        if not need_input_grad:
            return None
        k = self.kernel_size
        cols = np.broadcast_to((dY / (k * k))[..., None, None], (*dY.shape, k, k))
        return col2im.unchecked(cols, self._shape, k, self.stride)


class Flatten(_NoParameters):
    r"""Flatten every example to a row, :math:`A_{i,:} = \operatorname{vec}(X_i)` in C order; backward reshapes back.

    Shapes: ``X (m, C, H, W) -> (m, C H W)``, in general ``(m, ...) -> (m, prod(...))``.
    Derived in chapter 8, *Convolutional networks*.
    """

    def forward(self, X):
        """Rows ``(m, prod(...))`` from ``X`` ``(m, ...)``."""
        X = check_batch(X, "X", min_ndim=2)
        self._shape = X.shape
        return X.reshape(X.shape[0], -1)

    def backward(self, dA, need_input_grad=True):
        """``dA`` ``(m, prod(...))`` reshaped to the last input's shape (or None)."""
        shape = getattr(self, "_shape", None)
        if shape is None:
            raise RuntimeError("call forward before backward")
        dA = check_batch(dA, "dA", ndim=2)
        if dA.shape != (shape[0], int(np.prod(shape[1:]))):
            raise ValueError(f"dA must have shape {(shape[0], int(np.prod(shape[1:])))}, got {dA.shape}")
        return dA.reshape(shape) if need_input_grad else None

    def __repr__(self):
        return "Flatten()"
