"""The training loop's fast path (internal to nnlib; see ``nnlib.layers``' module docstring).

``nnlib.layers`` attaches ``_dense_forward``/``_dense_backward`` as ``Dense._forward`` and
``Dense._backward``, outside the class body that chapter 4 prints as the textbook
version: the same numbers as ``Dense.forward``/``backward`` (tests/test_training.py checks
it), but no input validation and outputs written into buffers reused from batch to batch.
``nnlib.training.train`` packs a network's arrays into flat buffers (``_pack``) and runs
nnlib's SGD inlined on them (``_optimizer_step``); they are re-exported by ``nnlib.training``.
"""
import numpy as np

from .optim import SGD


def _cached(owner, key, make):
    """``owner``'s buffer(s) for ``key`` (a batch size, a shape), made by ``make()`` at the first use."""
    try:
        return owner._buffers[key]
    except AttributeError:
        owner._buffers = {}
    except KeyError:
        pass
    owner._buffers[key] = value = make()
    return value


def _dense_forward(self, X):
    """Fast ``Dense.forward``: ``X`` must already be a 2-D array of the layer's dtype."""
    m = X.shape[0]
    self._X, self._batch = X, _cached(self, m, lambda: (   # Z, ones for db = 1^T dZ, dX
        np.empty((m, self.n_out), self.dtype), np.ones(m, self.dtype), np.empty((m, self.n_in), self.dtype)))
    Z = np.matmul(X, self.W, out=self._batch[0])
    Z += self.b
    return Z


def _dense_backward(self, dZ, need_input_grad=True):
    """Fast ``Dense.backward``; ``db`` as ``1^T dZ`` (one BLAS call, faster than ``sum(axis=0)``)."""
    _, ones, dX = self._batch
    np.matmul(self._X.T, dZ, out=self.dW)
    np.matmul(ones, dZ, out=self.db)
    return np.matmul(dZ, self.W.T, out=dX) if need_input_grad else None


def _pack(model):
    """Make the parameters and gradients of ``model``'s Dense layers views into two flat buffers.

    Then :func:`train` updates all of them with a few whole-buffer operations per
    step instead of a few per array. The layers get new arrays with the same
    values: only for a fresh model whose arrays nobody holds yet (``nnlib.mlp``).
    """
    from .layers import Dense                        # here: nnlib.layers imports this module
    params = model.parameters()
    if any(layer.parameters() and not isinstance(layer, Dense) for layer in model.layers) or \
            len({p.dtype for p in params}) != 1:
        return model                                 # only Dense layers of one dtype
    flat_params = np.empty(model.n_params, dtype=params[0].dtype)
    flat_grads, offset = np.zeros_like(flat_params), 0
    for layer in (layer for layer in model.layers if isinstance(layer, Dense)):
        for name in ("W", "b"):
            value = getattr(layer, name)
            view = flat_params[offset:offset + value.size].reshape(value.shape)
            view[...] = value
            setattr(layer, name, view)
            setattr(layer, "d" + name, flat_grads[offset:offset + value.size].reshape(value.shape))
            offset += value.size
    return model


def _tiled(arrays):
    """The 1-D buffer that ``arrays`` tile exactly, in order (as :func:`_pack` makes them), or None."""
    base = arrays[0].base if arrays else None
    if base is None or base.ndim != 1 or sum(a.size for a in arrays) != base.size:
        return None
    address = base.ctypes.data
    for a in arrays:
        if a.base is not base or not a.flags.c_contiguous or a.ctypes.data != address:
            return None
        address += a.nbytes
    return base


def _optimizer_step(optimizer, model):
    """The update to call after every backward pass; nnlib's SGD inlined (same arithmetic)."""
    params, grads = model.parameters(), model.gradients()
    if type(optimizer) is not SGD:
        return lambda: optimizer.step(params, grads)
    lr, mu, flat = optimizer.lr, optimizer.momentum, _tiled(params) is not None and _tiled(grads) is not None
    if mu > 0 and optimizer.velocities is None:
        if flat:
            buffer, offsets = np.zeros_like(_tiled(params)), np.cumsum([0] + [p.size for p in params])
            optimizer.velocities = [buffer[a:b].reshape(p.shape) for a, b, p in zip(offsets, offsets[1:], params)]
        else:
            optimizer.velocities = [np.zeros_like(p) for p in params]
    if mu > 0 and [v.shape for v in optimizer.velocities] != [p.shape for p in params]:
        raise ValueError("optimizer has velocities for other parameters; call optimizer.reset() first")
    velocities = optimizer.velocities if mu > 0 else [None] * len(params)
    if flat and (mu == 0 or _tiled(velocities) is not None):
        params, grads, velocities = [_tiled(params)], [_tiled(grads)], [_tiled(velocities) if mu > 0 else None]
    work = [(p, g, v, np.empty_like(g)) for p, g, v in zip(params, grads, velocities)]

    def sgd_step():                                    # lr_g: no temporary array per step
        for p, g, v, lr_g in work:
            np.multiply(g, lr, out=lr_g)
            if v is None:
                p -= lr_g                              # plain: p <- p - lr g
            else:
                v *= mu
                v -= lr_g                              # v <- mu v - lr g
                p += v                                 # p <- p + v
    return sgd_step
