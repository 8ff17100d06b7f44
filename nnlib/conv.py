r"""The convolutional layer ``Conv2D`` (pooling and ``Flatten``: :mod:`nnlib.pooling`).

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

Vectorised by :func:`~nnlib.windows.im2col`: every :math:`k\times k` window of the
padded input as a view; one reshape copies them into a matrix with one row per
output position, and one matrix product applies every filter to every window.
``backward`` runs the same products transposed and adds the columns back into the
image with :func:`~nnlib.windows.col2im`.
"""
import numpy as np

from ._validation import check_batch, check_nonnegative_int, check_positive_int
from .windows import _check_images, col2im, im2col, output_size  # noqa: F401 (output_size: chapter 8)
from .init import _check_dtype, _initial_weights, as_generator
from .pooling import AvgPool2D, Flatten, MaxPool2D  # noqa: F401 (importable from here, as in chapter 8)


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
        :math:`s \ge 1` and :math:`p \ge 0`, as in :func:`~nnlib.windows.output_size`.
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
        cols = im2col.unchecked(X, k, s).transpose(0, 1, 4, 5, 2, 3)                   # (m, C, k, k, H_out, W_out)
        self._cols = cols.reshape(m, C * k * k, h_out * w_out)                 # im2col: the one copy
        Y = np.matmul(self.W.reshape(self.out_channels, -1), self._cols)       # (m, F, H_out W_out)
        Y += self.b[:, None]
        return Y.reshape(m, self.out_channels, h_out, w_out)

    def backward(self, dY, need_input_grad=True):
        """Store ``dW``, ``db`` from ``dY`` (``Y``'s shape); return ``dX`` ``(m, C, H, W)`` (or None)."""
        if self._cols is None:
            raise RuntimeError("call forward before backward")
        (m, _, n_out), F, k = self._cols.shape, self.out_channels, self.kernel_size
        dY = check_batch(dY, "dY", ndim=4, dtype=self.dtype)
        if dY.shape != (m, F, *self._out_hw):
            raise ValueError(f"dY must have the shape of the last output, {(m, F, *self._out_hw)}, got {dY.shape}")
        dY_mat = dY.reshape(m, F, n_out)                                        # (m, F, H_out W_out)
        self.dW[...] = np.matmul(dY_mat, self._cols.transpose(0, 2, 1)).sum(axis=0).reshape(self.W.shape)
        self.db[...] = dY_mat.sum(axis=(0, 2))                                  # (F,)
        if not need_input_grad:
            return None
        dcols = np.matmul(self.W.reshape(F, -1).T, dY_mat)                      # (m, C k k, H_out W_out)
        dcols = dcols.reshape(m, self.in_channels, k, k, *dY.shape[2:]).transpose(0, 1, 4, 5, 2, 3)
        dX = col2im.unchecked(dcols, self._padded_shape, k, self.stride)                 # (m, C, H+2p, W+2p)
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
