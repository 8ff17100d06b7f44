"""Tests of nnlib.plotting.draw_network: what is drawn is what the sizes imply."""
import matplotlib

matplotlib.use("Agg")  # no display; must precede the pyplot import

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from nnlib.plotting import NEGATIVE, POSITIVE, draw_network  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def circles(ax, gid):
    return [p for p in ax.patches if isinstance(p, Circle) and p.get_gid() == gid]


def edges(ax, gid="edges"):
    found = [c for c in ax.collections if isinstance(c, LineCollection) and c.get_gid() == gid]
    assert len(found) == 1, f"expected one LineCollection with gid {gid!r}, got {len(found)}"
    return found[0]


def texts(ax, gid):
    return [t for t in ax.texts if t.get_gid() == gid]


def shown(n, max_nodes=12):
    """Nodes drawn for a layer of n nodes: all, or max_nodes - 3 head + 2 tail."""
    return n if n <= max_nodes else max_nodes - 1


SIZES = [[1, 1], [2, 1], [3, 4, 4, 2], [5, 3, 5], [12, 12], [13, 2], [64, 64, 10], [784, 100, 10]]


@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_node_and_edge_counts(sizes):
    ax = draw_network(sizes)
    visible = [shown(n) for n in sizes]
    assert len(circles(ax, "node")) == sum(visible)
    assert len(edges(ax).get_segments()) == sum(a * b for a, b in zip(visible[:-1], visible[1:]))
    assert circles(ax, "bias-node") == []
    assert not [c for c in ax.collections if c.get_gid() == "bias-edges"]


@pytest.mark.parametrize("sizes", SIZES, ids=str)
def test_elision_marks_only_large_layers(sizes):
    ax = draw_network(sizes)
    assert len(texts(ax, "ellipsis")) == sum(n > 12 for n in sizes)
    assert all(t.get_text() == "\u22ee" for t in texts(ax, "ellipsis"))


@pytest.mark.parametrize("max_nodes", [4, 6, 12, 20])
def test_max_nodes_bounds_the_height(max_nodes):
    ax = draw_network([30, max_nodes, 3], max_nodes=max_nodes)
    ys = sorted({round(c.center[1], 6) for c in circles(ax, "node") if c.center[0] == 0.0})
    assert len(ys) == max_nodes - 1  # one slot of the 30-node layer is the "⋮"
    assert len(circles(ax, "node")) == (max_nodes - 1) + max_nodes + 3


@pytest.mark.parametrize("sizes", [[3, 4, 4, 2], [2, 3, 1], [64, 10]], ids=str)
def test_captions_state_the_true_sizes(sizes):
    ax = draw_network(sizes)
    captions = [t.get_text() for t in texts(ax, "layer-label")]
    assert len(captions) == len(sizes)
    assert captions[0].startswith("input") and captions[-1].startswith("output")
    for caption, n in zip(captions, sizes):
        assert f"(n={n})" in caption


def test_custom_layer_and_node_labels():
    ax = draw_network([2, 1], layer_labels=["x", "y"], node_labels=[["$x_1$", "$x_2$"], None])
    captions = [t.get_text() for t in texts(ax, "layer-label")]
    assert captions == ["x\n(n=2)", "y\n(n=1)"]
    assert {"$x_1$", "$x_2$"} <= {t.get_text() for t in ax.texts}


@pytest.mark.parametrize("sizes", [[3, 4, 2], [2, 2], [1, 5, 5, 1]], ids=str)
def test_bias_nodes_and_edges(sizes):
    ax = draw_network(sizes, show_bias=True)
    assert len(circles(ax, "bias-node")) == len(sizes) - 1
    assert len(edges(ax, "bias-edges").get_segments()) == sum(sizes[1:])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sizes", [[3, 4, 2], [2, 3, 3, 1]], ids=str)
def test_weight_sign_sets_edge_colour(sizes, seed):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    ax = draw_network(sizes, weights=weights)
    colours = edges(ax).get_colors()
    expected = np.concatenate([w.ravel() for w in weights])  # row-major: edge j -> k
    assert len(colours) == expected.size
    rgba = {s: matplotlib.colors.to_rgba(c) for s, c in [(1, POSITIVE), (-1, NEGATIVE)]}
    for colour, w in zip(colours, expected):
        assert tuple(colour) == pytest.approx(rgba[int(np.sign(w))])
    widths = edges(ax).get_linewidths()
    assert widths[np.argmax(np.abs(expected))] == pytest.approx(max(widths))


def test_weights_of_elided_layer_follow_the_drawn_nodes():
    weights = [np.where(np.arange(20)[:, None] < 10, 1.0, -1.0) * np.ones((20, 2))]
    ax = draw_network([20, 2], weights=weights)  # draws input nodes 0..8 and 18, 19
    colours = [tuple(c) for c in edges(ax).get_colors()]
    pos, neg = matplotlib.colors.to_rgba(POSITIVE), matplotlib.colors.to_rgba(NEGATIVE)
    assert colours == [pos] * 18 + [neg] * 4


def test_biases_coloured_by_sign():
    biases = [np.array([1.0, -2.0, 0.5]), np.array([-1.0])]
    ax = draw_network([2, 3, 1], biases=biases)  # biases imply show_bias
    colours = [tuple(c) for c in edges(ax, "bias-edges").get_colors()]
    pos, neg = matplotlib.colors.to_rgba(POSITIVE), matplotlib.colors.to_rgba(NEGATIVE)
    assert colours == [pos, neg, pos, neg]


def test_draws_on_given_axes_and_returns_it():
    fig, ax = plt.subplots()
    assert draw_network([2, 2], ax=ax) is ax
    assert len(fig.axes) == 1
    assert not ax.axison


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"layer_sizes": 3}, TypeError, "layer_sizes"),
        ({"layer_sizes": "34"}, TypeError, "layer_sizes"),
        ({"layer_sizes": [3]}, ValueError, "layer_sizes"),
        ({"layer_sizes": []}, ValueError, "layer_sizes"),
        ({"layer_sizes": [3, 0]}, ValueError, r"layer_sizes\[1\]"),
        ({"layer_sizes": [3, -2, 1]}, ValueError, r"layer_sizes\[1\]"),
        ({"layer_sizes": [3, 2.0]}, TypeError, r"layer_sizes\[1\]"),
        ({"layer_sizes": [True, 2]}, TypeError, r"layer_sizes\[0\]"),
        ({"weights": [np.ones((3, 2))]}, ValueError, "weights"),
        ({"weights": np.ones((3, 2))}, TypeError, "weights"),
        ({"weights": [np.ones((3, 2)), np.ones((3, 2))]}, ValueError, r"weights\[1\].*\(2, 1\)"),
        ({"weights": [np.ones((2, 3)), np.ones((2, 1))]}, ValueError, r"weights\[0\].*\(3, 2\)"),
        ({"weights": [np.ones(6), np.ones((2, 1))]}, ValueError, r"weights\[0\]"),
        ({"weights": [np.full((3, 2), np.nan), np.ones((2, 1))]}, ValueError, r"weights\[0\]"),
        ({"weights": [np.full((3, 2), "a"), np.ones((2, 1))]}, TypeError, r"weights\[0\]"),
        ({"biases": [np.ones(3), np.ones(1)]}, ValueError, r"biases\[0\].*\(2,\)"),
        ({"layer_labels": ["a", "b"]}, ValueError, "layer_labels"),
        ({"node_labels": [None, None]}, ValueError, "node_labels"),
        ({"node_labels": [["a"], None, None]}, ValueError, r"node_labels\[0\]"),
        ({"max_nodes": 3}, ValueError, "max_nodes"),
        ({"max_nodes": 5.0}, TypeError, "max_nodes"),
        ({"ax": "axes"}, TypeError, "ax"),
    ],
)
def test_bad_input_raises_naming_the_argument(kwargs, error, match):
    kwargs = {"layer_sizes": [3, 2, 1], **kwargs}
    with pytest.raises(error, match=match):
        draw_network(**kwargs)
