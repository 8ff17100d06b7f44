"""Parameters in one contiguous buffer: fewer, larger updates (internal).

An optimiser updates each parameter array with a few NumPy calls. A network of
``L`` layers has ``2L`` arrays, so at small batch sizes those calls, not the
arithmetic, dominate a step. :func:`pack` moves a model's parameters (and its
gradients) into one buffer each, as views, without changing a value; an
optimiser that sees arrays tiling one buffer (:func:`grouped`) then runs its one
update formula on the whole buffer at once. Same formula, same numbers.
:class:`SameArrays` lets an optimiser check and group its arrays once, not every step.
"""
import functools
import operator
from itertools import chain

import numpy as np


def tiled(arrays):
    """The 1-D buffer that ``arrays`` tile exactly, in order and contiguously, or None."""
    base = arrays[0].base if len(arrays) > 0 else None
    if not isinstance(base, np.ndarray) or base.ndim != 1 or \
            sum(a.size for a in arrays) != base.size:
        return None
    address = base.ctypes.data
    for a in arrays:
        if a.base is not base or not a.flags.c_contiguous or a.ctypes.data != address:
            return None
        address += a.nbytes
    return base


def grouped(*lists):
    """The lists, each as ``[buffer]`` if every one of them tiles a buffer (:func:`tiled`).

    Otherwise the lists unchanged: an update written for a list of arrays then
    runs on one array per list, or on all of them, with the same numbers.
    """
    bases = [tiled(arrays) if len(arrays) > 1 else None for arrays in lists]
    if all(base is not None for base in bases):
        return tuple([base] for base in bases)
    return tuple(list(arrays) for arrays in lists)


@functools.lru_cache(maxsize=64)
def ones(n, dtype):
    """A read-only vector of ``n`` ones of ``dtype``, made once: sums as products, ``1^T A``."""
    vector = np.ones(n, dtype)
    vector.flags.writeable = False
    return vector


class SameArrays:
    """Remembers a call's arrays by identity: are this step's arrays last step's?

    An optimiser checks its ``params`` and ``grads`` and works out their grouping
    (:func:`grouped`) when it meets arrays it has not seen; a training loop passes the
    very same arrays every step, and for those both results stand (an array's shape,
    dtype and place in its buffer do not change). The arrays are held, so that no
    other array can take the identity of one of them.
    """

    def __init__(self):
        self.arrays = ()

    def holds(self, *lists):
        """True if ``lists``, joined, are exactly the arrays last :meth:`remember`-ed."""
        arrays = tuple(chain(*lists))
        return len(arrays) == len(self.arrays) and not any(map(operator.is_not, arrays, self.arrays))

    def remember(self, *lists):
        """Hold these arrays (after they passed the checks); :meth:`forget` drops them."""
        self.arrays = tuple(chain(*lists))

    def forget(self):
        """Hold nothing: the next call's arrays are new."""
        self.arrays = ()


def zeros_like_all(arrays):
    """Zero arrays shaped like ``arrays``; views of one buffer if ``arrays`` tile one."""
    base = tiled(arrays) if len(arrays) > 1 else None
    if base is None:
        return [np.zeros_like(a) for a in arrays]
    buffer, views, offset = np.zeros_like(base), [], 0
    for a in arrays:
        views.append(buffer[offset:offset + a.size].reshape(a.shape))
        offset += a.size
    return views


def layers_within(obj, seen=None):
    """``obj`` and every layer inside it (attributes that are layers, or lists of them)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    yield obj
    for value in vars(obj).values():
        for item in (value if isinstance(value, (list, tuple)) else [value]):
            if isinstance(item, np.ndarray):             # the common case: a layer's array
                continue
            if callable(getattr(item, "parameters", None)) and hasattr(item, "__dict__"):
                yield from layers_within(item, seen)


def pack(model):
    """Make ``model``'s parameters and gradients views into two flat buffers; return ``model``.

    Each parameter array must be an attribute of some layer inside ``model`` (so
    that the view can replace it), all of one dtype; otherwise ``model`` is left
    as it is. Only for a fresh model whose arrays nobody else holds yet (the
    estimators' networks): a reference kept from before would be detached.
    """
    params, grads = model.parameters(), model.gradients()
    if not params or len({p.dtype for p in params + grads}) != 1:
        return model
    slots = {}                                   # id(array) -> (owner, attribute)
    for owner in layers_within(model):
        for name, value in vars(owner).items():
            if isinstance(value, np.ndarray):
                slots.setdefault(id(value), (owner, name))
    if not all(id(a) in slots for a in params + grads):
        return model
    for arrays in (params, grads):
        buffer, offset = np.empty(sum(a.size for a in arrays), params[0].dtype), 0
        for a in arrays:
            view = buffer[offset:offset + a.size].reshape(a.shape)
            view[...] = a
            owner, name = slots[id(a)]
            setattr(owner, name, view)
            offset += a.size
    return model
