"""Tests of nnlib.plotting.plot_decision_boundary: one batched call, the right grid, clear errors."""
import matplotlib

matplotlib.use("Agg")  # no display; must precede the pyplot import

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from nnlib.plotting import plot_decision_boundary  # noqa: E402

X = np.random.default_rng(0).normal(size=(40, 2))
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class Recorder:
    """A predict function that records the batches it is given."""

    def __init__(self, fn):
        self.fn, self.calls = fn, []

    def __call__(self, grid):
        self.calls.append(grid.copy())
        return self.fn(grid)


def labels(grid):
    return (grid[:, 0] + grid[:, 1] > 0).astype(int)


def scores(grid):
    return 1 / (1 + np.exp(-(grid[:, 0] + grid[:, 1])))


def by_gid(ax, gid):
    return [c for c in ax.collections if c.get_gid() == gid]


@pytest.mark.parametrize("resolution", [2, 17, 200])
def test_predict_is_called_once_on_the_whole_grid(resolution):
    predict = Recorder(labels)
    ax = plot_decision_boundary(predict, X, Y, resolution=resolution)
    assert isinstance(ax, Axes)
    assert len(predict.calls) == 1
    grid = predict.calls[0]
    assert grid.shape == (resolution**2, 2) and grid.dtype == np.float64
    assert len(np.unique(grid[:, 0])) == resolution and len(np.unique(grid[:, 1])) == resolution


@pytest.mark.parametrize("padding", [0.0, 0.5, 2.0])
def test_grid_covers_the_data_plus_padding(padding):
    predict = Recorder(labels)
    ax = plot_decision_boundary(predict, X, padding=padding, resolution=11)
    grid = predict.calls[0]
    np.testing.assert_allclose(grid.min(axis=0), X.min(axis=0) - padding)
    np.testing.assert_allclose(grid.max(axis=0), X.max(axis=0) + padding)
    np.testing.assert_allclose(ax.get_xlim(), (X[:, 0].min() - padding, X[:, 0].max() + padding))


@pytest.mark.parametrize(
    "predict, threshold",
    [(labels, None), (scores, 0.5), (lambda g: scores(g)[:, None], 0.5),
     (lambda g: np.column_stack([1 - scores(g), scores(g)]), None), (lambda g: labels(g)[:, None], None)],
    ids=["labels", "scores", "scores-column", "class-scores", "labels-column"],
)
def test_regions_and_boundary_are_drawn(predict, threshold):
    ax = plot_decision_boundary(predict, X, Y, threshold=threshold, resolution=50)
    assert len(by_gid(ax, "decision-regions")) == 1
    assert len(by_gid(ax, "decision-boundary")) == 1
    assert len(ax.collections[-1].get_offsets()) == len(X)      # the scattered points


def test_scores_without_threshold_draw_no_boundary():
    ax = plot_decision_boundary(scores, X, Y, resolution=30)
    assert by_gid(ax, "decision-regions") and not by_gid(ax, "decision-boundary")


def test_constant_prediction_draws_no_boundary_and_no_warning():
    ax = plot_decision_boundary(lambda g: np.zeros(len(g)), X, Y, resolution=30)
    assert by_gid(ax, "decision-regions") and not by_gid(ax, "decision-boundary")


def test_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_decision_boundary(labels, X, ax=ax, resolution=10) is ax


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((None, X), {}, TypeError, "predict"),
        ((labels, X[:, :1]), {}, ValueError, r"\bX\b"),
        ((labels, X[0]), {}, ValueError, r"\bX\b"),
        ((labels, np.array([[0.0, np.nan]])), {}, ValueError, r"\bX\b"),
        ((labels, X, Y[:-1]), {}, ValueError, r"\by\b"),
        ((labels, X, np.full(len(X), np.inf)), {}, ValueError, r"\by\b"),
        ((labels, X), {"resolution": 1}, ValueError, "resolution"),
        ((labels, X), {"resolution": 10.5}, TypeError, "resolution"),
        ((labels, X), {"padding": -1.0}, ValueError, "padding"),
        ((labels, X), {"alpha": 2.0}, ValueError, "alpha"),
        ((labels, X), {"ax": "axes"}, TypeError, r"\bax\b"),
        ((lambda g: np.zeros(3), X), {}, ValueError, "predict"),
        ((lambda g: np.full(len(g), np.nan), X), {}, ValueError, "predict"),
        ((lambda g: np.zeros((len(g), 2, 2)), X), {}, ValueError, "predict"),
    ],
    ids=["predict", "X-width", "X-1d", "X-nan", "y-length", "y-inf", "res-1", "res-float", "padding",
         "alpha", "ax", "out-size", "out-nan", "out-3d"],
)
def test_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_decision_boundary(*args, **kwargs)
