"""Unit tests of nnlib.training: the mini-batch training loop.

Oracles: a reference loop written with the public, validating API (model.forward,
the loss gradient of nnlib.losses, model.backward, SGD.step) and the same
permutations must give the same parameters as train (there is one path, so they
agree to the last bit); training must be reproducible bit for bit; loss must fall
on easy problems; every example, including the last partial batch, is used;
clipping, the gradient hook and the per-epoch callback do what they say.
"""
import warnings

import numpy as np
import pytest

from nnlib.layers import Dense, Identity, LeakyReLU, ReLU, Sequential, Sigmoid, Tanh
from nnlib.optim import SGD
from nnlib._buffers import pack as _pack
from nnlib.optim import clip_grad_norm
from nnlib.regularization import l2_penalty_grad
from nnlib.training import LOSSES, History, train

DTYPES = [np.float32, np.float64]
FLAT_LOSSES = [name for name in LOSSES if name != "sequence_cross_entropy"]   # 2-D outputs


def problem(loss, seed=0, m=40, n_in=3, K=3, hidden=(ReLU,), width=8, dtype=np.float64):
    """A small network and a learnable data set for ``loss``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_in))
    score = X @ rng.normal(size=(n_in, K))                       # a linear teacher
    if loss == "softmax_cross_entropy":
        y = score.argmax(axis=1)
    elif loss == "binary_cross_entropy_with_logits":
        y = (score > 0).astype(float)
    else:
        y = np.tanh(score)
    layers, n = [], n_in
    for act in hidden:
        layers += [Dense(n, width, rng=rng, dtype=dtype), act()]
        n = width
    return Sequential(layers + [Dense(n, K, rng=rng, dtype=dtype)]), X, y


def reference_train(model, X, y, loss, lr, momentum, epochs, batch_size, seed):
    """The same training, written with the public API only (validates everything, allocates)."""
    rng, opt = np.random.default_rng(seed), SGD(lr=lr, momentum=momentum)
    loss_fn, loss_grad = LOSSES[loss]
    losses = []
    for _ in range(epochs):
        order, total = rng.permutation(len(X)), 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            out = model.forward(X[idx])
            total += float(loss_fn(out, y[idx])) * len(idx)
            model.backward(loss_grad(out, y[idx]))
            opt.step(model.parameters(), model.gradients())
        losses.append(total / len(X))
    return losses


@pytest.mark.parametrize("packed", [False, True], ids=["arrays", "packed"])
@pytest.mark.parametrize("batch_size", [1, 7, 40, 64])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss", FLAT_LOSSES)
def test_train_equals_the_public_api_loop(loss, dtype, momentum, batch_size, packed):
    hidden = (ReLU, Tanh) if loss == "mse" else (Sigmoid,)
    fast, X, y = problem(loss, seed=1, hidden=hidden, dtype=dtype)
    slow, _, _ = problem(loss, seed=1, hidden=hidden, dtype=dtype)
    if packed:
        _pack(fast)
    opt = SGD(lr=0.05, momentum=momentum)
    history = train(fast, X, y, loss=loss, optimizer=opt, epochs=3, batch_size=batch_size, rng=7)
    if momentum:                                                 # the optimizer's state is kept
        assert [v.shape for v in opt.velocities] == [p.shape for p in fast.parameters()]
    expected = reference_train(slow, X.astype(dtype), y, loss, 0.05, momentum, 3, batch_size, 7)
    np.testing.assert_allclose(history.loss, expected, rtol=1e-12 if dtype == np.float64 else 1e-6)
    for p, q in zip(fast.parameters(), slow.parameters()):
        assert p.dtype == q.dtype == dtype
        np.testing.assert_array_equal(p, q)                      # the same formulas: bit for bit


@pytest.mark.parametrize("dtype", DTYPES)
def test_pack_keeps_values_and_makes_views_of_one_buffer(dtype):
    model, X, _ = problem("mse", seed=0, hidden=(ReLU, Tanh), dtype=dtype)
    before, out = [p.copy() for p in model.parameters()], model.forward(X).copy()
    _pack(model)
    params, grads = model.parameters(), model.gradients()
    assert all(np.array_equal(p, q) and p.dtype == dtype for p, q in zip(params, before))
    assert len({p.base.ctypes.data for p in params}) == 1 and len({g.base.ctypes.data for g in grads}) == 1
    assert params[0].base.size == model.n_params
    np.testing.assert_array_equal(model.forward(X), out)


@pytest.mark.parametrize("m, batch_size, steps", [(10, 4, 3), (10, 5, 2), (10, 10, 1), (10, 32, 1), (1, 3, 1)])
def test_every_example_is_used_including_the_last_partial_batch(m, batch_size, steps):
    class Recorder:
        """A duck-typed optimizer: records the gradient of each step (train calls step())."""
        def __init__(self):
            self.grads = []

        def step(self, params, grads):
            self.grads.append([g.copy() for g in grads])

    model, X, y = problem("mse", m=m, hidden=())
    rec = Recorder()
    train(model, X, y, loss="mse", optimizer=rec, epochs=2, batch_size=batch_size, rng=3)
    assert len(rec.grads) == 2 * steps
    # no update happened, so the batch gradients, weighted by batch size, sum to the full gradient
    order = np.random.default_rng(3).permutation(m)
    sizes = [len(order[s:s + batch_size]) for s in range(0, m, batch_size)]
    model.backward(LOSSES["mse"][1](model.forward(X), y))
    for g_full, *g_batches in zip(model.gradients(), *rec.grads[:steps]):
        total = sum(size * g for size, g in zip(sizes, g_batches))
        np.testing.assert_allclose(total / m, g_full, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("loss", FLAT_LOSSES)
@pytest.mark.parametrize("seed", [0, 1])
def test_same_rng_gives_bit_identical_history_and_weights(loss, seed):
    runs = []
    for rng in (seed, np.random.default_rng(seed), seed + 1):
        model, X, y = problem(loss, seed=5)
        history = train(model, X, y, loss=loss, optimizer=SGD(0.1, 0.9), epochs=4, batch_size=8, rng=rng,
                        X_val=X[:10], y_val=y[:10])
        runs.append((history, [p.copy() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    assert all(np.array_equal(p, q) for p, q in zip(runs[0][1], runs[1][1]))
    assert runs[0][0].loss != runs[2][0].loss                        # another seed, another order


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss", FLAT_LOSSES)
def test_loss_decreases_on_an_easy_problem(loss, dtype):
    model, X, y = problem(loss, seed=2, m=200, dtype=dtype)
    h = train(model, X, y, loss=loss, optimizer=SGD(0.05, 0.9), epochs=30, batch_size=16, rng=0)
    assert len(h.loss) == 30 and all(isinstance(v, float) for v in h.loss)
    assert h.loss[-1] < 0.25 * h.loss[0]
    if loss in ("softmax_cross_entropy", "binary_cross_entropy_with_logits"):
        assert len(h.accuracy) == 30 and h.accuracy[-1] > 0.9 and h.accuracy[-1] > h.accuracy[0]
    else:
        assert h.accuracy == []
    assert all(p.dtype == dtype for p in model.parameters() + model.gradients())


@pytest.mark.parametrize("loss", FLAT_LOSSES)
def test_validation_history_is_a_forward_pass_after_each_epoch(loss):
    model, X, y = problem(loss, seed=3, m=60)
    Xv, yv = X[40:], y[40:]
    h = train(model, X[:40], y[:40], loss=loss, optimizer=SGD(0.05), epochs=5, batch_size=8, rng=1,
              X_val=Xv, y_val=yv)
    assert len(h.val_loss) == 5
    assert h.val_loss[-1] == pytest.approx(float(LOSSES[loss][0](model.forward(Xv), yv)), rel=1e-12)
    if loss == "softmax_cross_entropy":
        assert h.val_accuracy[-1] == np.mean(model.forward(Xv).argmax(axis=1) == yv)
    elif loss == "mse":
        assert h.val_accuracy == []
    no_val = train(model, X, y, loss=loss, optimizer=SGD(0.05), epochs=2, batch_size=8, rng=1)
    assert no_val.val_loss == [] and no_val.val_accuracy == []


def test_history_is_a_small_dataclass():
    h = History()
    assert h == History(loss=[], accuracy=[], val_loss=[], val_accuracy=[])


@pytest.mark.parametrize("hidden", [(Sigmoid,), (Tanh,), (LeakyReLU,), (Identity,), (ReLU, Tanh, Sigmoid)],
                         ids=lambda h: "-".join(c.__name__ for c in h))
def test_trains_every_activation_layer(hidden):
    model, X, y = problem("softmax_cross_entropy", seed=4, m=100, hidden=hidden)
    h = train(model, X, y, loss="softmax_cross_entropy", optimizer=SGD(0.1, 0.9), epochs=20, batch_size=10, rng=0)
    assert h.loss[-1] < 0.5 * h.loss[0]


def test_the_loop_runs_the_public_formulas():
    """One path: each loss train uses is the public function, run unchecked on checked data."""
    from nnlib import losses

    for name, (loss_fn, loss_grad) in LOSSES.items():
        assert getattr(losses, name) is loss_fn and getattr(losses, name + "_grad") is loss_grad
        assert callable(loss_fn.unchecked) and callable(loss_grad.unchecked)


@pytest.mark.parametrize("loss", list(LOSSES))
def test_the_loss_and_gradient_train_takes_are_the_public_pair(loss):
    """train's one call per step returns exactly the public value and gradient."""
    from nnlib import losses
    from nnlib.training import LOSS_AND_GRAD

    if loss in ("softmax_cross_entropy", "sequence_cross_entropy"):    # one log-softmax for both
        assert LOSS_AND_GRAD[loss] is getattr(losses, loss + "_and_grad").unchecked
    rng = np.random.default_rng(2)
    out = rng.normal(size=(6, 4, 3) if loss == "sequence_cross_entropy" else (6, 3))
    if loss in ("softmax_cross_entropy", "sequence_cross_entropy"):
        Y = np.eye(3)[rng.integers(0, 3, size=out.shape[:-1])]
    else:
        Y = rng.uniform(size=out.shape)
    value, grad = LOSS_AND_GRAD[loss](out, Y)
    assert value == LOSSES[loss][0](out, Y)
    np.testing.assert_array_equal(grad, LOSSES[loss][1](out, Y))


def test_clip_caps_every_step_and_equals_clipping_by_hand():
    model, X, y = problem("mse", seed=6)
    twin, _, _ = problem("mse", seed=6)
    norms = []

    def record(params, grads, m):                                # runs before clipping
        norms.append(clip_grad_norm([g.copy() for g in grads], np.inf))
    train(model, X, y, loss="mse", optimizer=SGD(0.1), epochs=2, batch_size=8, rng=1, clip=0.5,
          grad_hook=record)
    rng, opt = np.random.default_rng(1), SGD(0.1)
    for _ in range(2):
        order = rng.permutation(len(X))
        for s in range(0, len(X), 8):
            idx = order[s:s + 8]
            twin.backward(LOSSES["mse"][1](twin.forward(X[idx]), y[idx]))
            clip_grad_norm(twin.gradients(), 0.5)
            opt.step(twin.parameters(), twin.gradients())
    assert max(norms) > 0.5                                      # clipping was active
    for p, q in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(p, q)


def test_grad_hook_adds_an_l2_penalty_gradient():
    model, X, y = problem("softmax_cross_entropy", seed=7)
    twin, _, _ = problem("softmax_cross_entropy", seed=7)
    alpha, sizes = 0.3, []

    def l2(params, grads, m):
        sizes.append(m)
        for g, pg in zip(grads, l2_penalty_grad(params, alpha)):
            g += pg
    train(model, X, y, loss="softmax_cross_entropy", optimizer=SGD(0.1), epochs=1, batch_size=16, rng=2,
          grad_hook=l2)
    assert sizes == [16, 16, 8]
    rng = np.random.default_rng(2)
    order = rng.permutation(len(X))
    for s in range(0, len(X), 16):
        idx = order[s:s + 16]
        twin.backward(LOSSES["softmax_cross_entropy"][1](twin.forward(X[idx]), y[idx]))
        for p, g in zip(twin.parameters(), twin.gradients()):
            p -= 0.1 * (g + alpha * p)
    for p, q in zip(model.parameters(), twin.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)


def test_callback_sees_each_epoch_and_can_stop():
    model, X, y = problem("mse", seed=8)
    seen = []

    def stop_after_three(epoch, history):
        seen.append((epoch, len(history.loss)))
        return epoch == 2
    h = train(model, X, y, loss="mse", optimizer=SGD(0.05), epochs=10, batch_size=8, rng=0,
              callback=stop_after_three)
    assert seen == [(0, 1), (1, 2), (2, 3)] and len(h.loss) == 3


def test_training_mode_is_on_during_the_epoch_and_off_after():
    class Probe:
        """A parameterless layer that records the mode it was in at each forward pass."""
        def __init__(self):
            self.training, self.modes = True, []

        def forward(self, X):
            self.modes.append(self.training)
            return X

        def backward(self, dA, need_input_grad=True):
            return dA

        def parameters(self):
            return []

        def gradients(self):
            return []
    probe = Probe()
    model, X, y = problem("mse", seed=9, m=16)
    model = Sequential([probe] + model.layers)
    train(model, X, y, loss="mse", optimizer=SGD(0.05), epochs=2, batch_size=8, rng=0, X_val=X, y_val=y)
    assert probe.modes == [False, False, True, True, False, True, True, False]   # check, epochs, validation
    assert probe.training is False


def test_sgd_velocities_are_kept_in_the_optimizer():
    model, X, y = problem("mse", seed=0)
    opt = SGD(0.05, 0.9)
    train(model, X, y, loss="mse", optimizer=opt, epochs=1, batch_size=8, rng=0)
    assert [v.shape for v in opt.velocities] == [p.shape for p in model.parameters()]
    other = Sequential([Dense(3, 2, rng=0)])
    with pytest.raises(ValueError, match="optimizer"):
        train(other, X, y[:, :2], loss="mse", optimizer=opt, epochs=1, batch_size=8, rng=0)


def good_args():
    model, X, y = problem("softmax_cross_entropy", m=12)
    return {"model": model, "X": X, "y": y, "loss": "softmax_cross_entropy", "optimizer": SGD(0.1),
            "epochs": 2, "batch_size": 4, "rng": 0}


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"model": Dense(3, 3, rng=0)}, TypeError, "model"),
        ({"model": Sequential([ReLU()])}, ValueError, "model"),
        ({"loss": "hinge"}, ValueError, "loss"),
        ({"X": np.ones((12, 4))}, ValueError, r"\bX\b"),
        ({"X": np.full((12, 3), np.inf)}, ValueError, r"\bX\b"),
        ({"X": np.ones(12)}, ValueError, r"\bX\b"),
        ({"y": np.full(12, 3)}, ValueError, r"\by\b"),
        ({"y": np.full(12, -1)}, ValueError, r"\by\b"),
        ({"y": np.zeros(12)}, ValueError, r"\by\b"),
        ({"y": np.zeros(11, dtype=int)}, ValueError, r"\by\b"),
        ({"y": np.zeros((12, 3), dtype=int)}, ValueError, r"\by\b"),
        ({"X_val": np.ones((3, 3))}, ValueError, "y_val"),
        ({"X_val": np.ones((3, 2)), "y_val": np.zeros(3, dtype=int)}, ValueError, "X_val"),
        ({"X_val": np.ones((3, 3)), "y_val": np.full(3, 9)}, ValueError, "y_val"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 1.5}, TypeError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"rng": None}, TypeError, "rng"),
        ({"optimizer": "sgd"}, TypeError, "optimizer"),
    ],
    ids=lambda v: None if isinstance(v, dict) else str(v),
)
def test_bad_input_is_rejected_before_training(change, error, match):
    args = good_args()
    before = [p.copy() for p in args["model"].parameters()]
    with pytest.raises(error, match=match):
        train(**{**args, **change})
    assert all(np.array_equal(p, q) for p, q in zip(args["model"].parameters(), before))


@pytest.mark.parametrize(
    "loss, y, match",
    [("mse", np.ones((12, 2)), r"\by\b"), ("mse", np.full((12, 3), np.nan), r"\by\b"), ("mse", np.ones(12), r"\by\b"),
     ("mse", np.ones((12, 3, 1)), r"\by\b"), ("binary_cross_entropy_with_logits", np.ones(12), r"\by\b"),
     ("binary_cross_entropy_with_logits", np.full((12, 3), 2.0), r"\by\b")],
)
def test_bad_targets_for_the_other_losses(loss, y, match):
    args = good_args()
    with pytest.raises(ValueError, match=match):
        train(**{**args, "loss": loss, "y": y})
