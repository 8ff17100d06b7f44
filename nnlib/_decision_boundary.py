r"""The decision regions of a classifier in the plane: ``plot_decision_boundary``.

Introduced in chapter 4, *Multi-layer perceptrons and forward propagation*; exported by
:mod:`nnlib.plotting`.
"""
import numpy as np

from ._validation import as_float_array, check_positive_int


def _grid_outputs(predict, xx, yy):
    """Call ``predict`` once on every grid point; return labels or scores on the grid, and which."""
    grid = np.column_stack([xx.ravel(), yy.ravel()])           # (R * R, 2)
    out = as_float_array(predict(grid), "predict(grid)")
    if out.ndim == 2 and out.shape[0] == grid.shape[0] and out.shape[1] > 1:
        out = out.argmax(axis=1).astype(np.float64)           # class scores -> labels
    if out.size != grid.shape[0] or out.ndim > 2:
        raise ValueError(f"predict must return shape (n,), (n, 1) or (n, K) for n = {grid.shape[0]} "
                         f"points, got {out.shape}")
    out = out.reshape(xx.shape)
    return out, bool(np.all(out == np.round(out)))


def plot_decision_boundary(predict, X, y=None, *, ax=None, resolution=200, padding=0.5,
                           cmap="RdBu", threshold=None, alpha=0.4):
    r"""Colour the plane by what a classifier predicts, and draw the data on top.

    The rectangle around the points ``X`` (widened by ``padding`` on every side) is
    sampled on a ``resolution`` by ``resolution`` grid, and ``predict`` is called
    **once**, on all grid points as one ``(resolution**2, 2)`` batch. Its output is

    * labels (whole numbers, shape ``(n,)`` or ``(n, 1)``): each class region is
      filled and the boundaries between classes are drawn as black lines;
    * scores (shape ``(n,)`` or ``(n, 1)``): filled contours of the score, plus a
      black line where the score equals ``threshold`` if one is given, e.g. 0.5
      for a sigmoid output or 0 for a logit;
    * one score per class (shape ``(n, K)``, ``K >= 2``): the arg-max label.

    For a binary classifier with score :math:`s(\mathbf{x})` the decision boundary
    is the level set :math:`\{\mathbf{x} : s(\mathbf{x}) = \text{threshold}\}`.
    Introduced in chapter 4, *Multi-layer perceptrons and forward propagation*.

    Shapes: ``X (m, 2)``, ``y (m,)``; ``predict``: ``(n, 2) -> (n,)``, ``(n, 1)`` or ``(n, K)``.

    Parameters
    ----------
    predict : callable
        Maps an ``(n, 2)`` float64 array to labels or scores (see above).
    X : array_like
        Data points, shape ``(m, 2)``; they fix the plotted rectangle.
    y : array_like, optional
        Labels or values of the points, shape ``(m,)``, used to colour them.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    resolution : int
        Grid points per axis, at least 2.
    padding : float
        Margin added around the data on every side, >= 0.
    cmap : str or matplotlib.colors.Colormap
        Colours of the regions and of the points.
    threshold : float, optional
        Score level drawn as the decision boundary (scores only).
    alpha : float
        Opacity of the filled regions, in [0, 1].

    Returns
    -------
    matplotlib.axes.Axes
        The axes; the filled regions are a ``ContourSet`` with ``gid``
        ``"decision-regions"``, the boundary lines one with ``gid`` ``"decision-boundary"``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if not callable(predict):
        raise TypeError(f"predict must be callable, got {type(predict).__name__}")
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (m, 2) with m >= 1, got {X.shape}")
    if y is not None:
        y = as_float_array(y, "y", ndim=1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    resolution = check_positive_int(resolution, "resolution")
    if resolution < 2:
        raise ValueError(f"resolution must be >= 2, got {resolution}")
    padding = float(as_float_array(padding, "padding", ndim=0))
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    alpha = float(as_float_array(alpha, "alpha", ndim=0))
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    if threshold is not None:
        threshold = float(as_float_array(threshold, "threshold", ndim=0))
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")

    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    hi = np.where(hi > lo, hi, lo + 1.0)                        # a single point: unit box
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out, are_labels = _grid_outputs(predict, xx, yy)

    if are_labels:
        classes = np.unique(out if y is None else np.concatenate([out.ravel(), y]))
        edges = np.concatenate([[classes[0] - 0.5], (classes[:-1] + classes[1:]) / 2, [classes[-1] + 0.5]])
        lines, vmin, vmax = edges[1:-1], classes[0], classes[-1]
    else:
        vmin, vmax = out.min(), out.max()
        edges = np.linspace(vmin, vmax, 21) if vmax > vmin else np.array([vmin - 0.5, vmin + 0.5])
        lines = [] if threshold is None else [threshold]
    regions = ax.contourf(xx, yy, out, levels=edges, cmap=cmap, alpha=alpha, vmin=vmin, vmax=vmax)
    regions.set_gid("decision-regions")
    lines = [v for v in lines if out.min() < v < out.max()]     # levels that actually occur
    if lines:
        ax.contour(xx, yy, out, levels=lines, colors="k", linewidths=1.2).set_gid("decision-boundary")
    if y is not None:
        norm = {"vmin": vmin, "vmax": vmax} if are_labels else {}
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, edgecolors="k", linewidths=0.5, s=18, **norm)
    else:
        ax.scatter(X[:, 0], X[:, 1], color="k", s=8)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="$x_1$", ylabel="$x_2$")
    return ax
