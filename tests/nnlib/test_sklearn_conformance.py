"""nnlib's estimators pass scikit-learn's own conformance suite (issue 13, item 4).

``sklearn.utils.estimator_checks.check_estimator`` runs every check the installed
scikit-learn defines (about 55 in 1.6 and 1.9) on ``Perceptron``, ``MLPClassifier``
and ``MLPRegressor``: cloning, parameters, fitted attributes, not-fitted errors,
error messages, sparse, complex and object input, one-class and multi-class data,
y of shape (m, 1), ``n_features_in_``, idempotent and order-invariant fits, ...
No check is skipped or marked as an expected failure here. What does not apply by
design is declared by the estimators themselves, through scikit-learn's tags
(``__sklearn_tags__``): the perceptron is binary (``multi_class=False``, so the
suite checks that it refuses three classes with scikit-learn's message instead of
training on them), and only the regressor supports several outputs. The only
checks that may report "skipped" are those scikit-learn itself skips for a missing
optional package of the environment (pandas, the array API), never for an estimator.

scikit-learn is an optional dependency of nnlib (``nnlib[book]``), installed in
both test environments, so this file always runs in CI; ``import nnlib`` itself
must not import it.
"""
import subprocess
import sys

import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

from nnlib.mlp import MLPClassifier, MLPRegressor  # noqa: E402
from nnlib.perceptron import Perceptron  # noqa: E402

# Skips scikit-learn makes for the environment (the reason names what is missing).
ENVIRONMENT_SKIPS = ("pandas is not installed", "SCIPY_ARRAY_API is not set")

ESTIMATORS = {
    "Perceptron": Perceptron(),
    "MLPClassifier": MLPClassifier(),
    # scikit-learn's own MLP defaults (Adam, learning rate 1e-3): the checks train on
    # make_regression's raw targets (standard deviation 42), on which nnlib's default,
    # momentum SGD with lr = 0.01 (tuned for the book's standardised data), diverges.
    "MLPRegressor": MLPRegressor(solver="adam", lr=1e-3),
}


# nnlib copies scikit-learn's conventions without depending on it, so its estimators cannot
# inherit from sklearn.base.BaseEstimator, which check_estimator notes with a warning.
@pytest.mark.filterwarnings("ignore:Estimator .* does not inherit from `sklearn.base.BaseEstimator`:UserWarning")
@pytest.mark.parametrize("name", ESTIMATORS)
def test_check_estimator_passes(name):
    results = check_estimator(ESTIMATORS[name], on_skip=None, on_fail=None)   # report, then assert
    failed = [f"{r['check_name']}: {type(r['exception']).__name__}: {r['exception']}"
              for r in results if r["status"] == "failed"]
    assert not failed, f"{len(failed)} of {len(results)} checks fail for {name}:\n" + "\n".join(failed)
    skipped = [f"{r['check_name']}: {r['exception']}" for r in results if r["status"] == "skipped"]
    assert all(any(s in text for s in ENVIRONMENT_SKIPS) for text in skipped), skipped
    assert all(r["status"] != "xfail" for r in results)        # nothing declared as an expected failure
    passed = sum(r["status"] == "passed" for r in results)
    assert passed >= 45 and passed + len(skipped) == len(results), (passed, len(results))


def test_perceptron_is_declared_binary_and_refuses_three_classes():
    """The one design limit, declared through scikit-learn's tags and enforced with its message."""
    from sklearn.datasets import make_classification
    from sklearn.utils import get_tags

    assert get_tags(Perceptron()).classifier_tags.multi_class is False
    X, y = make_classification(n_samples=60, n_classes=3, n_informative=3, n_clusters_per_class=1, random_state=0)
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        Perceptron().fit(X, y)


def test_import_nnlib_does_not_import_sklearn():
    code = "import nnlib, sys; assert 'sklearn' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
