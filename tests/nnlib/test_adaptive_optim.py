"""Unit tests of nnlib.adaptive (AdaGrad, RMSProp, Adam, AdamW) and nnlib.schedules.

Oracles: the update rules written out in SymPy with exact rationals and stepped
three times; the closed form of Adam's bias, E[m_t] = (1 - beta1^t) g for a
constant gradient; the invariance of the adaptive methods to rescaling the
gradient by a constant (up to eps); the schedules' formulas (chapter 10).
"""
import numpy as np
import pytest
import sympy as sp

import nnlib
from nnlib.adaptive import AdaGrad, Adam, AdamW, RMSProp
from nnlib.layers import Dense, ReLU, Sequential
from nnlib.optim import SGD
from nnlib.schedules import CosineLR, LinearWarmup, Scheduled, StepLR
from nnlib.training import train

GRADS = [[sp.Rational(3, 2), sp.Rational(-1, 4)], [sp.Rational(1, 2), sp.Rational(2, 1)],
         [sp.Rational(-3, 1), sp.Rational(1, 8)]]
P0 = [sp.Rational(1, 3), sp.Rational(-2, 5)]
LR, B1, B2, EPS, RHO, LAM = (sp.Rational(1, 10), sp.Rational(9, 10), sp.Rational(99, 100),
                             sp.Rational(1, 1000), sp.Rational(4, 5), sp.Rational(1, 20))


def sympy_trajectory(kind):
    """The iterates of ``kind``'s update rule, in exact arithmetic, one coordinate at a time."""
    out = []
    for i in range(2):
        p, s1, s2, traj = P0[i], 0, 0, []
        for t, g_all in enumerate(GRADS, start=1):
            g = g_all[i]
            if kind == "adagrad":
                s1 = s1 + g**2
                p = p - LR * g / (sp.sqrt(s1) + EPS)
            elif kind == "rmsprop":
                s1 = RHO * s1 + (1 - RHO) * g**2
                p = p - LR * g / (sp.sqrt(s1) + EPS)
            else:                                        # adam, adam_l2, adamw
                if kind == "adam_l2":
                    g = g + LAM * p
                if kind == "adamw":
                    p = p - LR * LAM * p
                s1 = B1 * s1 + (1 - B1) * g
                s2 = B2 * s2 + (1 - B2) * g**2
                p = p - LR * (s1 / (1 - B1**t)) / (sp.sqrt(s2 / (1 - B2**t)) + EPS)
            traj.append(float(p))
        out.append(traj)
    return np.array(out).T                               # (steps, 2)


def make(kind, dtype_kw=None):
    lr, eps = float(LR), float(EPS)
    return {"adagrad": lambda: AdaGrad(lr=lr, eps=eps),
            "rmsprop": lambda: RMSProp(lr=lr, rho=float(RHO), eps=eps),
            "adam": lambda: Adam(lr=lr, beta1=float(B1), beta2=float(B2), eps=eps),
            "adam_l2": lambda: Adam(lr=lr, beta1=float(B1), beta2=float(B2), eps=eps, weight_decay=float(LAM)),
            "adamw": lambda: AdamW(lr=lr, beta1=float(B1), beta2=float(B2), eps=eps, weight_decay=float(LAM)),
            }[kind]()


KINDS = ["adagrad", "rmsprop", "adam", "adam_l2", "adamw"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", KINDS)
def test_steps_match_the_sympy_update_rule(kind, dtype):
    expected = sympy_trajectory(kind)
    p = np.array([float(v) for v in P0], dtype=dtype)
    opt = make(kind)
    for k, g in enumerate(GRADS):
        opt.step([p], [np.array([float(v) for v in g], dtype=dtype)])
        assert p.dtype == dtype
        np.testing.assert_allclose(p, expected[k], rtol=1e-12 if dtype == np.float64 else 2e-6)
    assert opt.t == len(GRADS)
    assert all(s.dtype == dtype for s in opt.state[0])


def test_bias_correction_closed_form_and_first_step():
    b, g, t = sp.symbols("beta g t", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    m_t = sp.summation((1 - b) * b ** (t - k) * g, (k, 1, t))     # unrolled m_t for a constant g
    assert sp.simplify(m_t - (1 - b**t) * g) == 0
    rng = np.random.default_rng(0)
    gvec = rng.normal(size=5)
    opt, p = Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8), np.zeros(5)
    for step in range(1, 8):
        before = p.copy()
        opt.step([p], [gvec])
        m, v = opt.state[0]
        np.testing.assert_allclose(m, (1 - 0.9**step) * gvec, rtol=1e-12)
        np.testing.assert_allclose(v, (1 - 0.999**step) * gvec**2, rtol=1e-12)
        # corrected averages equal g and g^2, so every step is lr g / (|g| + eps): lr in size
        np.testing.assert_allclose(before - p, 0.01 * gvec / (np.abs(gvec) + 1e-8), rtol=1e-10)


@pytest.mark.parametrize("kind", ["adagrad", "rmsprop", "adam"])
@pytest.mark.parametrize("scale", [1e-3, 1e3])
def test_invariant_to_rescaling_the_gradient(kind, scale):
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(10, 6))
    runs = []
    for c in (1.0, scale):
        opt = {"adagrad": AdaGrad(lr=0.1, eps=1e-12), "rmsprop": RMSProp(lr=0.1, eps=1e-12),
               "adam": Adam(lr=0.1, eps=1e-12)}[kind]
        p = np.ones(6)
        for g in grads:
            opt.step([p], [c * g])
        runs.append(p)
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-8)
    sgd = [np.ones(6), np.ones(6)]                     # plain SGD is not invariant
    for c, p in zip((1.0, scale), sgd):
        for g in grads:
            SGD(lr=0.1).step([p], [c * g])
    assert not np.allclose(sgd[0], sgd[1], rtol=1e-3)


def test_eps_breaks_the_invariance_for_tiny_gradients():
    p1, p2 = np.zeros(1), np.zeros(1)
    Adam(lr=1.0, eps=1e-8).step([p1], [np.array([1.0])])
    Adam(lr=1.0, eps=1e-8).step([p2], [np.array([1e-8])])
    np.testing.assert_allclose(p1, [-1.0], rtol=1e-7)
    np.testing.assert_allclose(p2, [-0.5], rtol=1e-7)      # g / (|g| + eps) with |g| = eps


def test_coupled_and_decoupled_weight_decay_differ():
    zero = [np.zeros(2)]
    p_l2, p_w = [np.array([2.0, 1e-3])], [np.array([2.0, 1e-3])]
    Adam(lr=0.1, weight_decay=0.5).step(p_l2, zero)
    AdamW(lr=0.1, weight_decay=0.5).step(p_w, zero)
    # decoupled: the same factor 1 - lr lambda for every coordinate
    np.testing.assert_allclose(p_w[0], [2.0 * 0.95, 1e-3 * 0.95], rtol=1e-12)
    # coupled: the decay gradient is normalised, each coordinate moves by about lr
    g = 0.5 * np.array([2.0, 1e-3])
    np.testing.assert_allclose(p_l2[0], [2.0, 1e-3] - 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-12)
    assert np.all(np.abs(p_l2[0] - [2.0, 1e-3]) > 0.09)
    assert AdamW().decoupled and AdamW().weight_decay == 0.01 and not Adam().decoupled


BAD = [(Adam, {"beta1": 1.0}, "beta1"), (Adam, {"beta2": -0.1}, "beta2"), (Adam, {"lr": -1e-3}, "lr"),
       (Adam, {"weight_decay": -1.0}, "weight_decay"), (Adam, {"eps": 0.0}, "eps"),
       (AdamW, {"weight_decay": -0.01}, "weight_decay"), (RMSProp, {"rho": 1.5}, "rho"),
       (RMSProp, {"lr": 0.0}, "lr"), (AdaGrad, {"lr": -0.1}, "lr"), (AdaGrad, {"eps": -1.0}, "eps"),
       (StepLR, {"lr": 0.1, "step_size": 0}, "step_size"), (StepLR, {"lr": 0.1, "step_size": 3, "gamma": 2.0}, "gamma"),
       (CosineLR, {"lr": 0.1, "total_steps": 10, "lr_min": 0.5}, "lr_min"), (CosineLR, {"lr": -0.1, "total_steps": 5}, "lr"),
       (LinearWarmup, {"schedule": 0.1, "warmup_steps": 0}, "warmup_steps")]


@pytest.mark.parametrize("cls, kwargs, name", BAD, ids=[f"{c.__name__}-{n}" for c, _, n in BAD])
def test_bad_hyper_parameters_raise(cls, kwargs, name):
    with pytest.raises(ValueError, match=name):
        cls(**kwargs)


def test_bad_types_and_state_errors():
    with pytest.raises(TypeError, match="decoupled"):
        Adam(decoupled="yes")
    with pytest.raises(TypeError, match="params"):
        Adam().step(np.zeros(2), [np.zeros(2)])
    opt = RMSProp()
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(3)], [np.ones(3)])
    opt.reset()
    opt.step([np.zeros(3)], [np.ones(3)])
    assert opt.t == 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", KINDS)
def test_stable_for_large_and_zero_gradients(kind, dtype):
    p = np.array([1.0, -1.0, 0.5], dtype=dtype)
    opt = make(kind)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # g^2 may underflow to 0: harmless
        for g in ([1e4, -1e4, 0.0], [0.0, 0.0, 0.0], [-1e4, 1e-30, 0.0]):
            opt.step([p], [np.array(g, dtype=dtype)])
    assert p.dtype == dtype and np.all(np.isfinite(p))


def test_importable_from_the_package():
    assert nnlib.Adam is Adam and nnlib.AdamW is AdamW and nnlib.RMSProp is RMSProp


# ------------------------------------------------------------------ schedules
def test_schedules_match_their_formulas():
    t = sp.Symbol("t", nonnegative=True)
    cosine = sp.Rational(1, 100) + (sp.Rational(1, 2) - sp.Rational(1, 100)) * (1 + sp.cos(sp.pi * t / 40)) / 2
    assert sp.simplify(cosine.subs(t, 0) - sp.Rational(1, 2)) == 0 and cosine.subs(t, 40) == sp.Rational(1, 100)
    sched = CosineLR(0.5, total_steps=40, lr_min=0.01)
    for k in range(0, 50, 3):
        assert np.isclose(sched(k), float(cosine.subs(t, min(k, 40))), rtol=1e-14)
    step = StepLR(0.2, step_size=5, gamma=0.5)
    assert [step(k) for k in (0, 4, 5, 9, 10)] == [0.2, 0.2, 0.1, 0.1, 0.05]
    warm = LinearWarmup(step, warmup_steps=4)
    np.testing.assert_allclose([warm(k) for k in range(6)], [0.05, 0.1, 0.15, 0.2, 0.2, 0.1])
    assert LinearWarmup(0.3, 3)(0) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="t"):
        sched(-1)
    with pytest.raises(TypeError, match="t"):
        sched(1.5)


def test_scheduled_sets_lr_before_each_step_and_trains():
    opt = Scheduled(SGD(lr=1.0), StepLR(1.0, step_size=1, gamma=0.5))
    p = [np.zeros(1)]
    for _ in range(3):
        opt.step(p, [np.ones(1)])
    np.testing.assert_allclose(p[0], [-(1 + 0.5 + 0.25)])
    assert opt.t == 3 and opt.lr == 0.125
    with pytest.raises(TypeError, match="schedule"):
        Scheduled(SGD(), 0.1)
    with pytest.raises(TypeError, match="optimizer"):
        Scheduled(object(), StepLR(0.1, 1))


@pytest.mark.parametrize("make_opt", [lambda: Adam(lr=0.01), lambda: AdamW(lr=0.01), lambda: RMSProp(lr=0.01),
                                      lambda: AdaGrad(lr=0.1),
                                      lambda: Scheduled(Adam(lr=0.01), LinearWarmup(CosineLR(0.01, 200), 20))])
def test_optimisers_work_with_train(make_opt):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.intp)
    model = Sequential([Dense(4, 16, init="he_normal", rng=1), ReLU(), Dense(16, 2, rng=2)])
    history = train(model, X, y, loss="softmax_cross_entropy", optimizer=make_opt(), epochs=20, batch_size=12,
                    rng=3)
    assert history.loss[-1] < 0.6 * history.loss[0]


def test_packed_parameters_give_the_same_numbers():
    """On a network whose arrays tile one buffer (nnlib._buffers.pack), the update runs on the buffer."""
    from nnlib._buffers import pack as _pack
    from nnlib._buffers import tiled

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 5)), rng.integers(0, 3, size=50)
    results = []
    for pack in (True, False):
        model = Sequential([Dense(5, 7, rng=0), ReLU(), Dense(7, 3, rng=1)])
        model = _pack(model) if pack else model
        opt = Adam(lr=0.01, weight_decay=0.1)
        train(model, X, y, loss="softmax_cross_entropy", optimizer=opt, epochs=3, batch_size=8, rng=2)
        results.append((model.parameters(), [s[0] for s in opt.state]))
    assert all(np.array_equal(a, b) for a, b in zip(results[0][0], results[1][0]))
    assert len(results[0][1]) == len(results[1][1]) == 4                  # one state per parameter
    assert tiled(results[0][1]) is not None and tiled(results[1][1]) is None   # packed: one buffer
