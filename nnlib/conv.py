r"""Convolutional layers: ``Conv2D``, ``MaxPool2D``, ``AvgPool2D`` and ``Flatten``.

Derived in chapter 8, *Convolutional networks*. Images are batch first,
``X`` of shape ``(m, C, H, W)`` (examples, channels, rows, columns), as in PyTorch.
Like every deep-learning library, ``Conv2D`` computes a cross-correlation,

.. math:: Y_{i,f,r,c} = b_f + \sum_{q=0}^{C-1}\sum_{u=0}^{k-1}\sum_{v=0}^{k-1}
          W_{f,q,u,v}\, \tilde X_{i,q,\,s r + u,\,s c + v},

with :math:`\tilde X` the input padded with ``padding`` zeros on every side and
``s`` the stride. The output has :math:`\lfloor (n + 2p - k)/s \rfloor + 1` rows
(and columns). The layers have the interface of :mod:`nnlib.layers`
(``forward``, ``backward(dA, need_input_grad=True)``, ``parameters``,
``gradients``), so they work inside ``Sequential`` and ``nnlib.training.train``.

Vectorised by *im2col*: ``sliding_window_view`` lists every :math:`k\times k`
window of the padded input without copying; one reshape copies them into a
matrix with one row per output position, and one matrix product applies every
filter to every window. ``backward`` runs the same products transposed and adds
the columns back into the image (*col2im*), one slice per kernel offset.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validation import as_float_array, check_nonnegative_int, check_positive_int
from .init import as_generator
from .layers import _check_dtype, _initial_weights


def _check_images(X, name, channels=None):
    """``X`` as a float array of shape (m, C, H, W) with ``C == channels`` (if given), or raise."""
    X = as_float_array(X, name)
    if X.ndim != 4:
        raise ValueError(f"{name} must be 4-dimensional (m, C, H, W), got shape {X.shape}")
    if channels is not None and X.shape[1] != channels:
        raise ValueError(f"{name} must have {channels} channel(s) (shape (m, {channels}, H, W)), got shape {X.shape}")
    return X


def output_size(n, k, stride=1, padding=0):
    r"""Number of positions of a ``k``-wide window on ``n`` inputs padded by ``padding`` on each side.

    .. math:: n_\text{out} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1

    Derived in chapter 8, *Convolutional networks*.

    Parameters
    ----------
    n, k : int
        Input length and window (kernel) width, each >= 1.
    stride, padding : int
        Step :math:`s \ge 1` between windows, zeros :math:`p \ge 0` added on each side.

    Returns
    -------
    int
        :math:`n_\text{out}`.

    Raises
    ------
    ValueError
        When the kernel is larger than the padded input.
    """
    n, k, s = check_positive_int(n, "n"), check_positive_int(k, "kernel_size"), check_positive_int(stride, "stride")
    p = check_nonnegative_int(padding, "padding")
    if k > n + 2 * p:
        raise ValueError(f"kernel_size={k} is larger than the padded input ({n} + 2*{p} = {n + 2 * p})")
    return (n + 2 * p - k) // s + 1


def _windows(X, k, s):
    """View of every k x k window of X (m, C, H, W) at stride s: (m, C, H_out, W_out, k, k), no copy."""
    return sliding_window_view(X, (k, k), axis=(2, 3))[:, :, ::s, ::s]


def _col2im(cols, shape, k, s):
    """Adjoint of :func:`_windows`: add cols (m, C, H_out, W_out, k, k) back into an array of ``shape``."""
    (m, C, h_out, w_out), dtype = cols.shape[:4], cols.dtype
    if s == k and shape[2:] == (k * h_out, k * w_out):                # the windows tile the image exactly
        return cols.transpose(0, 1, 2, 4, 3, 5).reshape(shape)        # one copy, nothing to add
    out = np.zeros(shape, dtype=dtype)
    for u in range(k):                                 # k^2 vectorised slice-adds, no loop over pixels
        for v in range(k):
            out[:, :, u:u + s * h_out:s, v:v + s * w_out:s] += cols[:, :, :, :, u, v]
    return out


class Conv2D:
    r"""2-D convolution (cross-correlation) with ``out_channels`` filters of size ``k x k``.

    .. math:: \frac{\partial \mathcal L}{\partial W_{f,q,u,v}} = \sum_{i,r,c}
              \frac{\partial \mathcal L}{\partial Y_{i,f,r,c}}\,\tilde X_{i,q,\,sr+u,\,sc+v}, \quad
              \frac{\partial \mathcal L}{\partial b_f} = \sum_{i,r,c} \frac{\partial \mathcal L}{\partial Y_{i,f,r,c}}, \quad
              \frac{\partial \mathcal L}{\partial \tilde X_{i,q,\,sr+u,\,sc+v}} \mathrel{+}=
              \sum_f \frac{\partial \mathcal L}{\partial Y_{i,f,r,c}}\, W_{f,q,u,v}

    Shapes: ``X (m, C, H, W) -> Y (m, F, H_out, W_out)``; ``W (F, C, k, k)``, ``b (F,)``.
    Derived in chapter 8, *Convolutional networks*.

    Parameters
    ----------
    in_channels, out_channels, kernel_size : int
        :math:`C`, the number of filters :math:`F`, and :math:`k`; each >= 1.
    stride, padding : int
        :math:`s \ge 1` and :math:`p \ge 0`, as in :func:`output_size`.
    init : str or callable
        Initialiser of ``W`` (as for ``Dense``), applied with fan-in :math:`C k^2`; ``b`` starts at 0.
    rng : numpy.random.Generator or int
        Source of the initial weights (required).
    dtype : numpy.float32 or numpy.float64
        Dtype of ``W`` and ``b``; input is cast to it.
    """

    def __init__(self, in_channels, out_channels, kernel_size, *, stride=1, padding=0,
                 init="he_normal", rng=None, dtype=np.float64):
        self.in_channels = check_positive_int(in_channels, "in_channels")
        self.out_channels = check_positive_int(out_channels, "out_channels")
        self.kernel_size = check_positive_int(kernel_size, "kernel_size")
        self.stride = check_positive_int(stride, "stride")
        self.padding = check_nonnegative_int(padding, "padding")
        self.dtype = _check_dtype(dtype)
        fan_in = self.in_channels * self.kernel_size ** 2
        W = _initial_weights(init, fan_in, self.out_channels, as_generator(rng))   # (C k k, F)
        self.W = np.ascontiguousarray(W.T.reshape(self.out_channels, self.in_channels, self.kernel_size,
                                                  self.kernel_size), dtype=self.dtype)
        self.b = np.zeros(self.out_channels, dtype=self.dtype)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
        self._cols = None

    def forward(self, X):
        """``Y`` ``(m, F, H_out, W_out)`` from ``X`` ``(m, C, H, W)``; keeps the windows for ``backward``."""
        X = _check_images(X, "X", self.in_channels).astype(self.dtype, copy=False)
        k, s, p = self.kernel_size, self.stride, self.padding
        m, C, H, W_in = X.shape
        h_out, w_out = output_size(H, k, s, p), output_size(W_in, k, s, p)
        if p:                                                                   # zero padding
            X_pad = np.zeros((m, C, H + 2 * p, W_in + 2 * p), dtype=self.dtype)
            X_pad[:, :, p:p + H, p:p + W_in] = X
            X = X_pad                                                           # (m, C, H+2p, W+2p)
        self._padded_shape, self._out_hw = X.shape, (h_out, w_out)
        cols = _windows(X, k, s).transpose(0, 1, 4, 5, 2, 3)                   # (m, C, k, k, H_out, W_out)
        self._cols = cols.reshape(m, C * k * k, h_out * w_out)                 # im2col: the one copy
        Y = np.matmul(self.W.reshape(self.out_channels, -1), self._cols)       # (m, F, H_out W_out)
        Y += self.b[:, None]
        return Y.reshape(m, self.out_channels, h_out, w_out)

    def backward(self, dY, need_input_grad=True):
        """Store ``dW``, ``db`` from ``dY`` (``Y``'s shape); return ``dX`` ``(m, C, H, W)`` (or None)."""
        if self._cols is None:
            raise RuntimeError("call forward before backward")
        (m, _, n_out), F, k = self._cols.shape, self.out_channels, self.kernel_size
        dY = as_float_array(dY, "dY", ndim=4).astype(self.dtype, copy=False)
        if dY.shape != (m, F, *self._out_hw):
            raise ValueError(f"dY must have the shape of the last output, {(m, F, *self._out_hw)}, got {dY.shape}")
        dY_mat = dY.reshape(m, F, n_out)                                        # (m, F, H_out W_out)
        self.dW[...] = np.matmul(dY_mat, self._cols.transpose(0, 2, 1)).sum(axis=0).reshape(self.W.shape)
        self.db[...] = dY_mat.sum(axis=(0, 2))                                  # (F,)
        if not need_input_grad:
            return None
        dcols = np.matmul(self.W.reshape(F, -1).T, dY_mat)                      # (m, C k k, H_out W_out)
        dcols = dcols.reshape(m, self.in_channels, k, k, *dY.shape[2:]).transpose(0, 1, 4, 5, 2, 3)
        dX = _col2im(dcols, self._padded_shape, k, self.stride)                 # (m, C, H+2p, W+2p)
        p = self.padding
        return dX[:, :, p:dX.shape[2] - p, p:dX.shape[3] - p] if p else dX    # (m, C, H, W)

    def parameters(self):
        """``[W, b]``, updated in place by an optimiser."""
        return [self.W, self.b]

    def gradients(self):
        """``[dW, db]``, overwritten in place by ``backward``."""
        return [self.dW, self.db]

    @property
    def n_params(self):
        """Number of parameters, :math:`F C k^2 + F`."""
        return self.W.size + self.b.size

    def __repr__(self):
        return (f"Conv2D({self.in_channels} -> {self.out_channels}, kernel {self.kernel_size}, "
                f"stride {self.stride}, padding {self.padding})")


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
        return _windows(X, self.kernel_size, self.stride)                      # (m, C, H_out, W_out, k, k)

    def _check_dY(self, dY):
        if self._shape is None:
            raise RuntimeError("call forward before backward")
        expected = self._shape[:2] + tuple(output_size(n, self.kernel_size, self.stride) for n in self._shape[2:])
        dY = as_float_array(dY, "dY", ndim=4)
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
        return _col2im(cols, self._shape, k, self.stride)


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
        return _col2im(cols, self._shape, k, self.stride)


class Flatten(_NoParameters):
    r"""Flatten every example to a row, :math:`A_{i,:} = \operatorname{vec}(X_i)` in C order; backward reshapes back.

    Shapes: ``X (m, C, H, W) -> (m, C H W)``, in general ``(m, ...) -> (m, prod(...))``.
    Derived in chapter 8, *Convolutional networks*.
    """

    def forward(self, X):
        """Rows ``(m, prod(...))`` from ``X`` ``(m, ...)``."""
        X = as_float_array(X, "X", min_ndim=2)
        self._shape = X.shape
        return X.reshape(X.shape[0], -1)

    def backward(self, dA, need_input_grad=True):
        """``dA`` ``(m, prod(...))`` reshaped to the last input's shape (or None)."""
        shape = getattr(self, "_shape", None)
        if shape is None:
            raise RuntimeError("call forward before backward")
        dA = as_float_array(dA, "dA", ndim=2)
        if dA.shape != (shape[0], int(np.prod(shape[1:]))):
            raise ValueError(f"dA must have shape {(shape[0], int(np.prod(shape[1:])))}, got {dA.shape}")
        return dA.reshape(shape) if need_input_grad else None

    def __repr__(self):
        return "Flatten()"
