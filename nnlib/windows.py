r"""im2col and col2im: every window of an image as a view, and its adjoint.

Derived in chapter 8, *Convolutional networks*. Images are batch first,
``X`` of shape ``(m, C, H, W)``. :func:`im2col` lists every ``k x k`` window of
``X`` at stride ``s`` without copying (``sliding_window_view``); a reshape of it
copies the windows into the matrix with one row per output position that a
convolution multiplies by its filters. :func:`col2im` is its adjoint: it adds
window-shaped gradients back into an image, which is the backward pass of any
layer that reads windows (convolution and pooling).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validation import as_float_array, check_batch, check_nonnegative_int, check_positive_int, validated


def _check_images(X, name, channels=None):
    """``X`` of shape (m, C, H, W) with ``C == channels`` (if given): O(1) checks, or raise."""
    X = check_batch(X, name)
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


def _window_inputs(X, kernel_size, stride=1):
    X = as_float_array(X, "X", ndim=4)
    k, s = check_positive_int(kernel_size, "kernel_size"), check_positive_int(stride, "stride")
    for n in X.shape[2:]:
        output_size(n, k, s)                           # raises if the kernel is too large
    return X, k, s


@validated(_window_inputs)
def im2col(X, kernel_size, stride=1):
    r"""Every ``k x k`` window of ``X`` at stride ``s``, as a view (no copy).

    .. math:: \text{cols}_{i,q,r,c,u,v} = X_{i,q,\,s r + u,\,s c + v}

    Shapes: ``X (m, C, H, W) -> (m, C, H_out, W_out, k, k)``.
    Derived in chapter 8, *Convolutional networks*.

    Parameters
    ----------
    X : array_like
        Images ``(m, C, H, W)`` (padded already, if padding is wanted).
    kernel_size, stride : int
        :math:`k \ge 1` and :math:`s \ge 1`.

    Returns
    -------
    numpy.ndarray
        A read-only view of ``X``.
    """
    k, s = kernel_size, stride
    return sliding_window_view(X, (k, k), axis=(2, 3))[:, :, ::s, ::s]


def _cols_inputs(cols, shape, kernel_size, stride=1):
    cols = as_float_array(cols, "cols", ndim=6)
    k, s = check_positive_int(kernel_size, "kernel_size"), check_positive_int(stride, "stride")
    shape = tuple(check_positive_int(n, "shape") for n in shape)
    if len(shape) != 4 or cols.shape[4:] != (k, k) or cols.shape[:2] != shape[:2] or \
            cols.shape[2:4] != tuple(output_size(n, k, s) for n in shape[2:]):
        raise ValueError(f"cols of shape {cols.shape} are not the {k} x {k} windows of an image of shape {shape}")
    return cols, shape, k, s


@validated(_cols_inputs)
def col2im(cols, shape, kernel_size, stride=1):
    r"""The adjoint of :func:`im2col`: add every window back into an image of ``shape``.

    .. math:: X_{i,q,h,w} = \sum_{(r,u):\, s r + u = h}\ \sum_{(c,v):\, s c + v = w}
              \text{cols}_{i,q,r,c,u,v}

    Overlapping windows add up; positions no window covers get 0. It runs
    :math:`k^2` vectorised slice-additions, one per kernel offset (one copy when the
    windows tile the image exactly).
    Shapes: ``cols (m, C, H_out, W_out, k, k) -> (m, C, H, W)``.
    Derived in chapter 8, *Convolutional networks*.

    Parameters
    ----------
    cols : array_like
        Window-shaped values ``(m, C, H_out, W_out, k, k)``, e.g. gradients.
    shape : tuple of int
        ``(m, C, H, W)`` of the image.
    kernel_size, stride : int
        :math:`k` and :math:`s`, as for :func:`im2col`.

    Returns
    -------
    numpy.ndarray
        The image, of ``cols``' dtype.
    """
    k, s = kernel_size, stride
    (m, C, h_out, w_out), dtype = cols.shape[:4], cols.dtype
    if s == k and shape[2:] == (k * h_out, k * w_out):                # the windows tile the image exactly
        return cols.transpose(0, 1, 2, 4, 3, 5).reshape(shape)        # one copy, nothing to add
    out = np.zeros(shape, dtype=dtype)
    for u in range(k):                                 # k^2 vectorised slice-adds, no loop over pixels
        for v in range(k):
            out[:, :, u:u + s * h_out:s, v:v + s * w_out:s] += cols[:, :, :, :, u, v]
    return out
