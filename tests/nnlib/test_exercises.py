"""The self-checking exercises (nnlib.exercises): right answers pass, planted wrong ones fail as intended.

- every reference answer (tests/exercise_solutions.py, outside the package) passes its check;
- typical wrong answers fail with the message intended (which part, where, how), never the answer;
- the answer templates are valid Python, and left as they are they raise NotAnsweredError;
- the fingerprints are current, and the package holds none of the reference numbers in plain form;
"""
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import nnlib
from nnlib import exercises
from nnlib.exercises import EXERCISES, WRITTEN, Array, Expression, Number

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))
import exercise_fingerprints  # noqa: E402
import exercise_solutions as ref  # noqa: E402
from exercise_solutions import SOLUTIONS  # noqa: E402


def answers(label, **changed):
    return {**SOLUTIONS[label], **changed}


@pytest.mark.parametrize("label", list(EXERCISES))
def test_reference_answer_passes(label, capsys):
    exercises.check(label, **SOLUTIONS[label])
    assert capsys.readouterr().out.strip() == f"{label}: correct ({len(EXERCISES[label].parts)} part"\
        + ("s" if len(EXERCISES[label].parts) > 1 else "") + " checked)"


def _sigmoid_grad_expr():
    import sympy as sp
    w = sp.Symbol("w", positive=True)
    r = sp.sqrt(1 - 4 / w)
    return 2 / w * sp.log((1 + r) / (1 - r))


# (label, changed parts, message the check must give)
WRONG = [
    ("ex-ch1-by-hand", dict(z=2.5), r"z is wrong: its sign is wrong"),
    ("ex-ch1-by-hand", dict(a_sigmoid=1 / (1 + np.exp(-2.5))), r"a_sigmoid is wrong: .*10\^1 times too large"),
    ("ex-ch1-by-hand", dict(changes={"sigmoid", "relu"}), r"changes is not the right choice"),
    ("ex-ch1-by-hand", dict(changes="tanh"), r"changes should be one of 'step', 'relu', 'sigmoid'"),
    ("ex-ch1-by-hand", dict(z="-2.5"), r"z should be a number, got str"),
    ("ex-ch1-count", dict(per_layer=[784 * 128, 128 * 64, 64 * 10]), r"per_layer: 3 of 3 entries are wrong"),
    ("ex-ch1-count", dict(first_share=100 * 785 * 128 / 109_386), r"first_share .*10\^2 times too large"),
    ("ex-ch1-count", dict(h=125), r"h is wrong: sign and order of magnitude are right, but it is not exact"),
    ("ex-ch1-count", dict(per_layer=[100_480, 8_256]), r"per_layer has shape \(2,\), which is not the answer's"),
    ("ex-ch1-convert", dict(to_rows=lambda U, c, v, d: (U, c, v, d)), r"to_rows: the shapes do not fit"),
    ("ex-ch1-convert", dict(to_rows=lambda U, c, v, d: (U.T, c, v, d)), r"one output unit gives \(m, 1\)"),
    ("ex-ch1-linear", dict(collapse=lambda W1, b1, W2, b2: (W1 @ W2, b2)), r"collapse: X W \+ b: \d+ of \d+ entries"),
    ("ex-ch1-redundant", dict(to_sigmoid=lambda W, b: (W[:, 1] - W[:, 0], b[1] - b[0])), r"the sigmoid output"),
    ("ex-ch2-hand", dict(w_epoch2=[1, 2]), r"w_epoch2: 2 of 2 entries are wrong"),
    ("ex-ch2-hand", dict(mistakes=[2, 2]), r"mistakes: 1 of 2 entries are wrong \(\[1\]\)"),
    ("ex-ch2-xor-net", dict(hidden=np.array(SOLUTIONS["ex-ch2-xor-net"]["hidden"]).T), r"hidden is the transpose"),
    ("ex-ch2-xor-net", dict(n_layers=3), r"n_layers is wrong"),
    ("ex-ch2-augment", dict(correct_bound=lambda eps: 1 / eps**2), r"correct_bound differs from the answer at eps = 0.1"),
    ("ex-ch2-augment", dict(updates=1.5), r"updates is wrong: it should be an integer"),
    ("ex-ch2-pocket", dict(pocket=lambda X, t, epochs: (np.zeros(2), 0.0)), r"below the perceptron's weights"),
    ("ex-ch2-pocket", dict(can_be_lower="yes"), r"can_be_lower is not the right choice"),
    ("ex-act-tanh-grad", dict(accurate="tanh_grad"), r"accurate is not the right choice"),
    ("ex-act-temperature", dict(jacobian=lambda z, tau: ref.jacobian(z, tau) * tau), r"times the right value everywhere"),
    ("ex-act-log-softmax", dict(log_softmax=lambda z: np.log(nnlib.softmax(z))), r"is not finite at entry"),
    ("ex-act-log-softmax", dict(log_softmax=lambda z: z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))),
     r"log_softmax\(float64 z of shape \(6, 3\), \|z\| up to 1e\+04\) is not finite"),
    ("ex-act-log-softmax", dict(log_softmax=lambda z: z - z.max(axis=-1, keepdims=True)), r"entries are wrong"),
    ("ex-act-window", dict(width=lambda w: ref._window(w) / 2), r"width differs from the answer at w = 4.5"),
    ("ex-act-window", dict(w_best=4.0), r"w_best is wrong: sign and order of magnitude are right, but it is not within 0.1"),
    ("ex-mlp-count", dict(total=3072 * 512 + 512 * 256 + 256 * 10), r"total is wrong"),
    ("ex-mlp-count", dict(first_share=90.0), r"first_share is wrong: .*10\^2 times too large"),
    ("ex-mlp-linear", dict(collapse3=lambda W1, b1, W2, b2, W3, b3: (W1 @ W2 @ W3, b2 @ W3 + b3)), r"collapse3: X W \+ b"),
    ("ex-mlp-region", dict(triangle=nnlib.Sequential([nnlib.Dense.from_weights([[1, 0], [0, 1]], [0, 0]), nnlib.Step(),
                                                      nnlib.Dense.from_weights([[1], [1]], [-1.5]), nnlib.Step()])),
     r"triangle misclassifies \d+\.\d% of random points"),
    ("ex-mlp-region", dict(union=ref.triangle), r"union misclassifies"),
    ("ex-mlp-xor-skip", dict(weights=(1, 1, -1.5, 1, 1, 0, -0.5)), r"give \[0, 1, 1, 1\] at .* XOR is \[0, 1, 1, 0\]"),
    ("ex-mlp-xor-skip", dict(weights=(1, 1, -1.5)), r"weights should be seven numbers"),
    ("ex-mlp-relu-interp", dict(relu_coefficients=lambda f, N: (f(0.0), N * np.diff(f(np.linspace(0, 1, N + 1))))),
     r"the network at the knots and midpoints"),
    ("ex-mlp-relu-interp", dict(slope=-1.0), r"slope is wrong"),
    ("ex-ch5-laplace", dict(mse_constant="median", mae_constant="mean"), r"2 of 2 parts wrong"),
    ("ex-ch5-mse-softmax", dict(grad=lambda z, y: nnlib.softmax(z) - y), r"grad: \d+ of \d+ entries are wrong"),
    ("ex-ch5-mse-softmax", dict(norm_saturated=np.sqrt(2)), r"norm_saturated is wrong: .*too large"),
    ("ex-ch5-smoothing", dict(gap=lambda K, eps: np.log(K * (1 - eps) / eps)), r"gap differs from the answer at K = 5, eps = 0.1"),
    ("ex-ch6-1d", dict(best_lr=lambda a, b: 2 / a), r"best_lr differs"),
    ("ex-ch6-abs", dict(settles_at=0.0), r"settles_at is wrong: it is 0, but the answer is not"),
    ("ex-ch6-abs", dict(settles_at=0.15), r"settles_at is wrong"),
    ("ex-ch6-rescale", dict(kappa_scaled=lambda s: s), r"kappa_scaled differs from the answer at s = 2"),
    ("ex-ch6-rescale", dict(kappa_correlated=lambda r: (1 + r) / (1 - r) ** 2), r"kappa_correlated differs"),
    ("ex-ch6-nesterov", dict(nesterov_matrix=lambda lam, eta, mu: np.array([[1 + mu - eta * lam, -mu], [1, 0]])),
     r"nesterov_matrix \(lam = 1, eta = 0.01, mu = 0.8\) applied to"),
    ("ex-ch6-nesterov", dict(nesterov_matrix=lambda lam, eta, mu: np.eye(3)), r"should be a 2 x 2 array"),
    ("ex-bp-by-hand", dict(delta1=SOLUTIONS["ex-bp-by-hand"]["delta1"] / 2), r"delta1 is wrong"),
    ("ex-bp-by-hand", dict(loss=SOLUTIONS["ex-bp-by-hand"]["loss"] * 2, dw2=-1.0), r"2 of 10 parts wrong"),
    ("ex-bp-tanh-mse", dict(gradients=lambda X, Y, *p: tuple(g * len(X) / 2 for g in ref.gradients(X, Y, *p))),
     r"gradients: dW1 is 3 times the right value everywhere"),
    ("ex-bp-tanh-mse", dict(gradients=lambda X, Y, *p: ref.gradients(X, Y, *p)[:3]), r"should return 4 values"),
    ("ex-bp-weight-decay", dict(decay_factor=lambda eta, lam: 1 + eta * lam), r"decay_factor differs"),
    ("ex-bp-symmetry", dict(effective_units=16), r"10\^1 times too large"),
    ("ex-bp-residual", dict(residual_backward=lambda X, W, b, G: ref.residual_backward(X, W, b, G)[:2]
                            + (ref.residual_backward(X, W, b, G)[2] - G,)), r"residual_backward: dX"),
    ("ex-bp-memory", dict(stored_numbers=lambda sizes, m: m * sum(sizes[:-1])), r"does not match the arrays"),
    ("ex-bp-memory", dict(first_m=25), r"first_m is wrong"),
    ("ex-conv-sizes", dict(out_shape=(10, 8, 17, 17)), r"out_shape: 2 of 4 entries are wrong"),
    ("ex-conv-sizes", dict(n_params=600), r"n_params is wrong"),
    ("ex-conv-1x1", dict(dense_from_conv=lambda W, b: (W[:, :, 0, 0], b)), r"dense_from_conv: the shapes do not fit"),
    ("ex-conv-overlap", dict(grad_first=SOLUTIONS["ex-conv-overlap"]["grad_even"]), r"grad_first: 2 of 8 entries"),
    ("ex-conv-overlap", dict(pooled=[[3, 3, 3]]), r"pooled has shape \(1, 3\)"),
    ("ex-rnn-gru-count", dict(n_params=lambda n, H: 4 * (n * H + H**2 + H)), r"n_params differs"),
    ("ex-rnn-gru-count", dict(torch_params=19584), r"torch_params is wrong"),
    ("ex-rnn-bound", dict(power=lambda k: 0.5**k * np.eye(2)), r"power\(1\): 1 of 4 entries are wrong"),
    ("ex-reg-adagrad", dict(step_size=lambda eta, t: eta / t), r"step_size differs from the answer at eta = 0.1, t = 100"),
    ("ex-reg-bias", dict(first_step_factor=1 / np.sqrt(0.001)), r"first_step_factor is wrong: .*10\^1 times too large"),
    ("ex-reg-bias", dict(limit_factor=0), r"limit_factor is wrong: it is 0"),
    ("ex-reg-early-stopping", dict(alpha=lambda h, k, eta: 1 / (k * eta)), r"alpha differs"),
    ("ex-reg-early-stopping", dict(trend="increases"), r"trend is not the right choice"),
    ("ex-reg-ista", dict(ista=lambda X, y, lam, eta, n: np.linalg.lstsq(X, y, rcond=None)[0]), r"not the lasso's minimiser"),
    ("ex-deep-factor", dict(factor=lambda n, s2: n * s2), r"factor differs"),
    ("ex-deep-factor", dict(ratio=0.5**50), r"ratio is wrong"),
    ("ex-deep-bn-bias", dict(redundant=128), r"redundant is wrong"),
    ("ex-deep-fold", dict(scale=lambda gamma, v, eps: gamma / (v + eps)), r"scale differs"),
    ("ex-deep-paths", dict(fraction=0.95), r"fraction is wrong"),
    ("ex-att-variance", dict(variance=lambda d, s2: d * s2), r"variance differs"),
    ("ex-att-params", dict(mha=lambda d, h: 4 * d**2 + 4 * d * h), r"mha differs"),
    ("ex-att-params", dict(gpt2_blocks=85_054_464 * 2), r"gpt2_blocks is wrong"),
    ("ex-att-crossover", dict(T_block=lambda d: 2 * d), r"T_block differs"),
]


@pytest.mark.parametrize("label, changed, message", WRONG, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_planted_wrong_answer_fails_with_the_intended_message(label, changed, message, capsys):
    with pytest.raises(AssertionError, match=message) as error:
        exercises.check(label, **answers(label, **changed))
    assert "correct" not in capsys.readouterr().out
    assert str(error.value).startswith(f"{label}: ")


def test_every_check_has_a_planted_wrong_answer():
    assert {w[0] for w in WRONG} == set(EXERCISES)


def test_a_subgradient_ista_is_caught_by_its_missing_zeros():
    def subgradient(X, y, lam, eta, n_steps):
        w = np.zeros(X.shape[1])
        for _ in range(n_steps):
            w -= eta * (X.T @ (X @ w - y) + nnlib.l1_penalty_grad([w], lam)[0])
        return w
    with pytest.raises(AssertionError, match=r"ista: coefficient \d+ is small but not exactly 0"):
        exercises.check("ex-reg-ista", ista=subgradient)


def test_an_expression_may_be_sympy_and_must_use_the_exercise_s_symbols():
    import sympy as sp
    exercises.check("ex-act-window", **answers("ex-act-window", width=_sigmoid_grad_expr()))
    eps, q = sp.symbols("eps q")
    exercises.check("ex-ch2-augment", **answers("ex-ch2-augment", correct_bound=(1 + eps**2) / eps**2))
    with pytest.raises(AssertionError, match="correct_bound uses q; write it in eps only"):
        exercises.check("ex-ch2-augment", **answers("ex-ch2-augment", correct_bound=q / eps))


@pytest.mark.parametrize("label", list(EXERCISES))
def test_template_is_python_and_unanswered_it_raises_not_answered(label):
    namespace = {"np": np, "nnlib": nnlib}
    exec(compile(exercises.answer_template(label), "<answer cell>", "exec"), namespace)
    with pytest.raises(exercises.NotAnsweredError, match=rf"{label}: not answered yet: replace the \.\.\. in"):
        exec(compile(exercises.check_call(label), "<check cell>", "exec"), namespace)
    assert not issubclass(exercises.NotAnsweredError, AssertionError)  # "not answered" is not "wrong"


def test_partly_answered_names_the_missing_parts():
    with pytest.raises(exercises.NotAnsweredError, match="replace the ... in h in the answer cell"):
        exercises.check("ex-ch1-count", **answers("ex-ch1-count", h=...))
    with pytest.raises(AssertionError, match=r"1 of 3 parts wrong[\s\S]*not answered yet: first_share"):
        exercises.check("ex-ch1-count", **answers("ex-ch1-count", h=1, first_share=...))


def test_unknown_label_names_the_chapter_s_labels():
    with pytest.raises(ValueError, match="chapter 1's self-checking exercises are ex-ch1-by-hand, ex-ch1-count"):
        exercises.check("ex-ch1-nonsense", z=1)
    with pytest.raises(ValueError, match="labels look like chapter 1: ex-ch1-...; chapter 2: ex-ch2-..."):
        exercises.check("exercise-3", z=1)
    with pytest.raises(ValueError, match="ex-ch2-eta"):  # a proof: no check
        exercises.check("ex-ch2-eta")
    with pytest.raises(TypeError, match="label must be an exercise label"):
        exercises.check(3)


def test_wrong_names_raise_type_error_naming_the_expected_ones():
    with pytest.raises(TypeError, match=r"takes the answers z, a_step, a_relu, a_sigmoid, changes; missing: changes; "
                                        r"unexpected: change"):
        exercises.check("ex-ch1-by-hand", z=-2.5, a_step=0, a_relu=0, a_sigmoid=0.1, change="relu")


def test_tolerance_accepts_values_near_a_bin_edge():
    part, key = Number("x", tol=1e-3), ("ex-test", "x")
    for value in (0.0105, 0.01049999, 0.0115, -3.2e-4):
        fp = part.fingerprint(key, value)
        for delta in (-0.9e-3, -4e-4, 0.0, 4e-4, 0.9e-3):
            assert part.matches(key, value + delta, fp)
        assert not part.matches(key, value + 2.6e-3, fp)
    rel = Number("x", rtol=1e-6)
    fp = rel.fingerprint(key, 1234.5678)
    assert rel.matches(key, 1234.5678 * (1 + 9e-7), fp) and not rel.matches(key, 1234.5678 * (1 + 3e-6), fp)


def test_fingerprints_are_current():
    current = (ROOT / "nnlib" / "exercises" / "fingerprints.json").read_text(encoding="utf-8")
    assert current == exercise_fingerprints.data_text(), "run: python tools/exercise_fingerprints.py"


def _numbers(value):
    if callable(value) or isinstance(value, (str, set)):
        return []
    return [float(v) for v in np.asarray(value, dtype=float).ravel()]


def _reference_numbers():
    """Every number a fingerprint hides: the numbers, array entries and expression values."""
    found = set()
    for label, exercise in EXERCISES.items():
        for name, part in exercise.parts.items():
            value = SOLUTIONS[label][name]
            if isinstance(part, (Number, Array)):
                found.update(_numbers(value))
            elif isinstance(part, Expression):
                found.update(part.evaluate(value, p) for p in part.points)
    return found


def test_the_package_holds_no_reference_value_in_plain_form():
    kit = sorted((ROOT / "nnlib" / "exercises").iterdir())
    assert {p.name for p in kit} >= {"__init__.py", "_registry.py", "fingerprints.json"}
    package = "\n".join(p.read_text(encoding="utf-8") for p in kit if p.suffix in (".py", ".json"))
    shown = set()
    for x in _reference_numbers():
        forms = {repr(x), f"{x:g}", f"{x:.4f}", f"{x:.3f}"}
        if x == int(x):
            forms |= {str(int(x)), f"{int(x):_}", f"{int(x):,}"}
        # values with fewer than 3 significant digits (2, 0.5, 10, 100) are everywhere in code and in
        # the exercises' own statements; the test looks for the others
        shown |= {f for f in forms if len(f.lstrip("-").replace(".", "").strip("0")) >= 3}
    leaked = sorted(f for f in shown if re.search(rf"(?<![\w.]){re.escape(f)}(?![\w])", package))
    assert not leaked, f"reference values in nnlib's exercise modules: {leaked}"
    assert len(shown) > 60  # the test looks at many values, not a handful


def test_check_imports_without_sympy_or_the_chapters():
    code = ("import sys, nnlib.exercises as e; e.check('ex-ch1-count', per_layer=[100480, 8256, 650], "
            "first_share=0.9186, h=126); print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["ex-ch1-count: correct (3 parts checked)", "False"]
