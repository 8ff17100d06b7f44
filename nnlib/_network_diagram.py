r"""The diagram of a fully connected feed-forward network: ``draw_network``.

Introduced in chapter 1, *What is a neural network?*, and reused by the chapter on
multi-layer perceptrons; exported by :mod:`nnlib.plotting`.

The diagram follows the book's batch-first convention: the weights between
layer :math:`l-1` and layer :math:`l` form a matrix :math:`W^{[l]}` of shape
``(n_{l-1}, n_l)``, so ``W[j, k]`` is the weight on the edge from node ``j`` of
one layer to node ``k`` of the next.
"""
import numpy as np

from ._validation import as_float_array, check_positive_int

#: Colours of the nodes of the diagram, per kind of layer (edges are coloured by the sign of their weight).
NODE_COLOURS = {"input": "#d9d9d9", "hidden": "#c6dbef", "output": "#c7e9c0", "bias": "#ffffff"}
POSITIVE, NEGATIVE, NEUTRAL = "tab:blue", "tab:red", "0.55"


def _check_layer_sizes(layer_sizes):
    """Return ``layer_sizes`` as a list of at least two positive ints, or raise."""
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(
            f"layer_sizes must be a sequence of positive ints, got {type(layer_sizes).__name__}"
        )
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes must have at least 2 entries (input and output), got {len(layer_sizes)}"
        )
    return [check_positive_int(n, f"layer_sizes[{i}]") for i, n in enumerate(layer_sizes)]


def _check_per_layer(values, name, count, shapes, ndim):
    """Validate a list of ``count`` arrays (weights or biases) against ``shapes``."""
    if values is None:
        return None
    if isinstance(values, np.ndarray) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a list of {count} arrays, got {type(values).__name__}")
    if len(values) != count:
        raise ValueError(f"{name} must have {count} entries (one per pair of layers), got {len(values)}")
    arrays = []
    for i, (v, shape) in enumerate(zip(values, shapes)):
        arr = as_float_array(v, f"{name}[{i}]", ndim=ndim)
        if arr.shape != shape:
            raise ValueError(f"{name}[{i}] must have shape {shape}, got {arr.shape}")
        arrays.append(arr)
    return arrays


def _visible(n, max_nodes):
    """Indices of the nodes drawn for a layer of ``n`` nodes, and whether it is elided."""
    if n <= max_nodes:
        return list(range(n)), False
    head = max_nodes - 3  # head nodes, the "⋮" and two tail nodes fill max_nodes slots
    return list(range(head)) + [n - 2, n - 1], True


def _edge_style(values, scale):
    """Colours and line widths coding the sign and the magnitude of ``values``."""
    colours = [POSITIVE if v > 0 else NEGATIVE if v < 0 else NEUTRAL for v in values]
    widths = [0.4 + 3.0 * abs(v) / scale if scale > 0 else 1.0 for v in values]
    return colours, widths


def draw_network(layer_sizes, *, ax=None, layer_labels=None, node_labels=None,
                 weights=None, biases=None, show_bias=False, max_nodes=12, node_radius=0.3):
    r"""Draw a fully connected feed-forward network as nodes and edges.

    Each layer is a column of circles (input on the left, output on the right);
    every node is joined to every node of the next layer. Given ``weights``,
    an edge's colour shows the sign of its weight (blue positive, red negative)
    and its width the magnitude, relative to the largest :math:`|w|` drawn.
    The layer :math:`l` computes, for a batch :math:`A^{[l-1]}` of shape
    ``(m, n_{l-1})``,

    .. math::

        Z^{[l]} = A^{[l-1]} W^{[l]} + b^{[l]}, \qquad A^{[l]} = \phi(Z^{[l]}).

    Shapes: ``weights[l]`` ``(n_l, n_{l+1})``, ``biases[l]`` ``(n_{l+1},)``.
    Introduced in chapter 1, *What is a neural network?*.

    Parameters
    ----------
    layer_sizes : sequence of int
        Number of nodes per layer, input first, at least two layers.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made if omitted.
    layer_labels : sequence of str, optional
        One caption per layer; the default is ``"input"``, ``"hidden 1"``, ...,
        ``"output"``. The size ``n = ...`` is always added below the caption.
    node_labels : sequence, optional
        Per layer, ``None`` or one label per node (e.g. ``"$x_1$"``), written
        inside the circles. Labels of elided nodes are not drawn.
    weights : sequence of array_like, optional
        ``weights[l]`` has shape ``(layer_sizes[l], layer_sizes[l+1])``.
    biases : sequence of array_like, optional
        ``biases[l]`` has shape ``(layer_sizes[l+1],)``; implies ``show_bias``.
    show_bias : bool
        Draw a constant ``+1`` node above every layer but the last, joined by
        dashed edges to the next layer (the bias as the weight of a constant input).
    max_nodes : int
        Layers with more nodes are elided: the first ``max_nodes - 3`` and the
        last two nodes are drawn, with a "⋮" between them (the caption keeps the
        true size), so no layer is taller than ``max_nodes`` slots.
    node_radius : float
        Radius of the circles, in units of the spacing between nodes.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. Nodes are ``Circle`` patches with ``gid`` ``"node"``
        (bias nodes ``"bias-node"``); the edges are one ``LineCollection`` with
        ``gid`` ``"edges"`` (bias edges ``"bias-edges"``), so they can be counted.
    """
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    sizes = _check_layer_sizes(layer_sizes)
    n_layers = len(sizes)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = _check_per_layer(weights, "weights", n_layers - 1, pairs, 2)
    biases = _check_per_layer(biases, "biases", n_layers - 1, [(b,) for _, b in pairs], 1)
    show_bias = bool(show_bias) or biases is not None
    max_nodes = check_positive_int(max_nodes, "max_nodes")
    if max_nodes < 4:
        raise ValueError(f"max_nodes must be >= 4, got {max_nodes}")
    if layer_labels is None:
        layer_labels = ["input"] + [f"hidden {i}" for i in range(1, n_layers - 1)] + ["output"]
    elif isinstance(layer_labels, str) or len(layer_labels) != n_layers:
        raise ValueError(f"layer_labels must be a sequence of {n_layers} strings (one per layer)")
    if node_labels is not None:
        if isinstance(node_labels, str) or len(node_labels) != n_layers:
            raise ValueError(f"node_labels must have {n_layers} entries (one per layer, each None or a list)")
        for i, (labels, n) in enumerate(zip(node_labels, sizes)):
            if labels is not None and (isinstance(labels, str) or len(labels) != n):
                raise ValueError(f"node_labels[{i}] must be None or a sequence of {n} labels")
    # Node positions: layer l at x = l dx, nodes one unit apart, centred on y = 0;
    # tall layers are spread further apart so that their many edges stay legible.
    tallest = max(min(n, max_nodes) for n in sizes)
    dx = max(2.0, 0.3 * tallest)
    if ax is None:
        width, height = dx * (n_layers - 1) + 2.0, tallest + 1.2 * show_bias + 2.4
        inches = min(0.8, 8.0 / height)  # per unit of the drawing; at most 8 inches tall
        _, ax = plt.subplots(figsize=(round(inches * width, 1), round(inches * height, 1)))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")

    layers = []  # per layer: (original indices drawn, their (x, y), elided?)
    for l, n in enumerate(sizes):
        idx, elided = _visible(n, max_nodes)
        slots = len(idx) + elided  # an elided layer keeps one slot for the "⋮"
        ys = (slots - 1) / 2 - np.arange(slots, dtype=float)
        if elided:
            ax.text(l * dx, ys[-3], "\u22ee", ha="center", va="center", fontsize=16, gid="ellipsis")
            ys = np.delete(ys, -3)
        layers.append((idx, [(l * dx, y) for y in ys], elided))
    top = max(pos[0][1] for _, pos, _ in layers)
    bias_y = top + 1.2

    segments, values, bias_segments, bias_values = [], [], [], []
    for l in range(n_layers - 1):
        (src_idx, src_pos, _), (dst_idx, dst_pos, _) = layers[l], layers[l + 1]
        for j, p in zip(src_idx, src_pos):
            for k, q in zip(dst_idx, dst_pos):
                segments.append([p, q])
                values.append(weights[l][j, k] if weights is not None else np.nan)
        if show_bias:
            for k, q in zip(dst_idx, dst_pos):
                bias_segments.append([(l * dx, bias_y), q])
                bias_values.append(biases[l][k] if biases is not None else np.nan)

    def add_edges(segs, vals, gid, linestyle):
        if weights is None and biases is None or np.isnan(vals).all():
            width = 0.8 if len(segments) <= 100 else 0.5  # thinner when there are many
            colours, widths = ["0.6"] * len(segs), [width] * len(segs)
        else:
            scale = np.nanmax(np.abs(values + bias_values))
            colours, widths = _edge_style(vals, scale)
        ax.add_collection(LineCollection(segs, colors=colours, linewidths=widths,
                                         linestyles=linestyle, zorder=1, gid=gid))

    add_edges(segments, values, "edges", "solid")
    if show_bias:
        add_edges(bias_segments, bias_values, "bias-edges", "dashed")

    for l, (idx, pos, _) in enumerate(layers):
        kind = "input" if l == 0 else "output" if l == n_layers - 1 else "hidden"
        labels = node_labels[l] if node_labels is not None else None
        for j, (x, y) in zip(idx, pos):
            ax.add_patch(Circle((x, y), node_radius, facecolor=NODE_COLOURS[kind],
                                edgecolor="0.2", linewidth=1.0, zorder=2, gid="node"))
            if labels is not None:
                ax.text(x, y, labels[j], ha="center", va="center", fontsize=9, zorder=3)
        if show_bias and l < n_layers - 1:
            ax.add_patch(Circle((l * dx, bias_y), node_radius, facecolor=NODE_COLOURS["bias"],
                                edgecolor="0.2", linewidth=1.0, linestyle="--", zorder=2,
                                gid="bias-node"))
            ax.text(l * dx, bias_y, "+1", ha="center", va="center", fontsize=8, zorder=3)
    bottom = min(min(y for _, y in pos) for _, pos, _ in layers) - 0.8
    for l, (label, n) in enumerate(zip(layer_labels, sizes)):
        ax.text(l * dx, bottom, f"{label}\n(n={n})", ha="center", va="top", fontsize=9,
                gid="layer-label")

    if weights is not None or biases is not None:
        handles = [Line2D([], [], color=POSITIVE, lw=2, label="positive weight"),
                   Line2D([], [], color=NEGATIVE, lw=2, label="negative weight")]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  ncol=2, frameon=False, fontsize=8)
    ax.set_xlim(-1.0, dx * (n_layers - 1) + 1.0)
    ax.set_ylim(bottom - 1.0, (bias_y if show_bias else top) + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
