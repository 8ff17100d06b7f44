"""Unit tests of nnlib.base: the scikit-learn conventions every nnlib estimator inherits.

Checked against scikit-learn itself: ``clone``, ``cross_val_score``, ``is_classifier``
and ``GridSearchCV`` must accept nnlib's estimators, and nnlib must not import
scikit-learn on its own.
"""
import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV, cross_val_score

from nnlib.base import BaseEstimator, ClassifierMixin, NotFittedError, check_is_fitted, check_X, check_X_y
from nnlib.perceptron import Perceptron


class Toy(ClassifierMixin, BaseEstimator):
    """Predicts the sign of the first feature; just enough to exercise the base."""

    def __init__(self, alpha=1.0, name="toy", inner=None):
        self.alpha = alpha
        self.name = name
        self.inner = inner

    def fit(self, X, y):
        X, y = check_X_y(X, y)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        check_is_fitted(self, "classes_")
        return self.classes_[(check_X(X)[:, 0] >= 0).astype(int)]


def blobs(seed=0, m=60):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(-2, 1, size=(m // 2, 2)), rng.normal(2, 1, size=(m // 2, 2))])
    return X, np.repeat([0, 1], m // 2)


# ------------------------------------------------------------ parameters
def test_get_params_reads_the_init_signature():
    assert Toy().get_params() == {"alpha": 1.0, "inner": None, "name": "toy"}
    assert Perceptron().get_params() == {"lr": 1.0, "max_epochs": 100, "random_state": None, "shuffle": True}


def test_get_params_deep_includes_nested_estimators():
    toy = Toy(inner=Perceptron(lr=0.5))
    deep, shallow = toy.get_params(deep=True), toy.get_params(deep=False)
    assert deep["inner__lr"] == 0.5 and "inner__lr" not in shallow
    toy.set_params(inner__lr=2.0)
    assert toy.inner.lr == 2.0


@pytest.mark.parametrize("params", [{"alpha": 3.0}, {"name": "x", "alpha": 0.1}, {}])
def test_set_params_sets_and_returns_self(params):
    toy = Toy()
    assert toy.set_params(**params) is toy
    for k, v in params.items():
        assert toy.get_params()[k] == v


@pytest.mark.parametrize("bad", ["beta", "alpha_", "inner_x"])
def test_set_params_rejects_unknown_names(bad):
    with pytest.raises(ValueError, match=bad):
        Toy().set_params(**{bad: 1})


@pytest.mark.parametrize(
    "est, expected",
    [
        (Toy(), "Toy()"),
        (Toy(alpha=2.0), "Toy(alpha=2.0)"),
        (Toy(name="a", alpha=1.0), "Toy(name='a')"),
        (Toy(inner=np.zeros(2)), "Toy(inner=array([0., 0.]))"),
        (Perceptron(shuffle=False, lr=0.1), "Perceptron(lr=0.1, shuffle=False)"),
    ],
)
def test_repr_shows_only_non_default_params(est, expected):
    assert repr(est) == expected


# ------------------------------------------------------------ fitting
def test_not_fitted_error_is_value_and_attribute_error():
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    with pytest.raises(NotFittedError, match="not fitted"):
        Toy().predict(np.zeros((2, 2)))


def test_not_fitted_error_is_also_sklearns_once_sklearn_is_imported():
    from sklearn.exceptions import NotFittedError as SkNotFittedError

    with pytest.raises(NotFittedError) as info:
        Toy().predict(np.zeros((2, 2)))
    assert isinstance(info.value, SkNotFittedError) and type(info.value).__name__ == "NotFittedError"
    with pytest.raises(SkNotFittedError):                                   # the same class every time
        Perceptron().predict(np.zeros((2, 2)))
    copy = pickle.loads(pickle.dumps(info.value))                            # e.g. back from a joblib worker
    assert type(copy) is NotFittedError and copy.args == info.value.args


def test_without_sklearn_errors_are_nnlibs_own_and_sklearn_stays_unimported():
    code = ("import sys, warnings, numpy as np, nnlib\n"
            "from nnlib.base import check_X_y\n"
            "try:\n    nnlib.Perceptron().predict(np.zeros((1, 2)))\n"
            "except nnlib.NotFittedError as e:\n    assert type(e) is nnlib.NotFittedError\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n    check_X_y(np.zeros((2, 1)), [[0], [1]])\n"
            "assert w[0].category is UserWarning\n"
            "assert 'sklearn' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_score_is_accuracy(seed):
    X, y = blobs(seed)
    toy = Toy().fit(X, y)
    assert toy.score(X, y) == pytest.approx(np.mean(toy.predict(X) == y))


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros(3), "X must be 2-dimensional"),
        (np.zeros((0, 2)), "X must have at least one row"),
        (np.array([[0.0, np.nan]]), "X must contain only finite"),
        (np.array([[0.0, np.inf]]), "X must contain only finite"),
    ],
)
def test_check_X_rejects_bad_input(X, match):
    with pytest.raises(ValueError, match=match):
        check_X(X)


def test_check_X_rejects_strings_and_wrong_width():
    with pytest.raises(TypeError, match="X"):
        check_X([["a", "b"]])
    with pytest.raises(ValueError, match="X has 3 features"):
        check_X(np.zeros((2, 3)), n_features=2)


@pytest.mark.parametrize(
    "y, match",
    [(np.zeros((4, 2)), "y must be 1-dimensional"), (np.zeros(3), "same number of rows"),
     (np.array([0, 1, np.nan, 1]), "y must contain only finite"),
     (np.array([0.0, 1.0, 0.5, 1.0]), "Unknown label type: continuous"),
     (np.array([0, 1j, 0, 1]), "Complex data not supported: y"),
     (None, "Toy requires y to be passed, but the target y is None")],
)
def test_check_X_y_rejects_bad_y(y, match):
    with pytest.raises(ValueError, match=match):
        check_X_y(np.zeros((4, 2)), y, estimator=Toy())


@pytest.mark.parametrize("labels", [[0.0, 1.0, 2.0], [-3.0, 7.0, 7.0], ["a", "b", "a"], [True, False, True]])
def test_check_X_y_accepts_whole_floats_and_any_labels(labels):
    X, y = check_X_y(np.zeros((3, 2)), labels)
    np.testing.assert_array_equal(y, labels)


def test_column_vector_y_is_flattened_with_sklearns_warning():
    from sklearn.exceptions import DataConversionWarning

    with pytest.warns(DataConversionWarning, match="A column-vector y was passed when a 1d array was expected"):
        X, y = check_X_y(np.zeros((3, 2)), [[0], [1], [1]])
    assert y.shape == (3,) and list(y) == [0, 1, 1]


def test_check_X_scikit_learn_rules():
    from scipy import sparse

    with pytest.raises(TypeError, match="X is a sparse csr_matrix, but sparse input is not supported"):
        check_X(sparse.csr_matrix(np.eye(3)))
    with pytest.raises(ValueError, match="Complex data not supported: X has dtype complex128"):
        check_X(np.ones((2, 2)) + 1j)
    with pytest.raises(ValueError, match=r"X has 0 feature\(s\) \(shape=\(4, 0\)\) while a minimum of 1"):
        check_X(np.zeros((4, 0)))
    with pytest.raises(ValueError, match="Reshape your data"):
        check_X(np.zeros(4))
    with pytest.raises(ValueError, match="X has 1 features, but Toy is expecting 2 features as input"):
        check_X(np.zeros((3, 1)), n_features=2, estimator=Toy())
    X = check_X(np.array([[1, 2.5], [3, 4]], dtype=object))         # object array of numbers: converted
    assert X.dtype == np.float64 and X.tolist() == [[1.0, 2.5], [3.0, 4.0]]
    with pytest.raises(TypeError, match="X must be a real numeric array: float.. argument must be a string"):
        check_X(np.array([[1, {"a": 1}]], dtype=object))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_check_X_keeps_float_dtypes(dtype):
    X = check_X(np.ones((3, 2), dtype=dtype))
    assert X.dtype == (np.float32 if dtype == np.float32 else np.float64)


# ------------------------------------------------------------ scikit-learn interoperability
@pytest.mark.parametrize("est", [Toy(alpha=3.0), Perceptron(lr=0.5, shuffle=False, random_state=3)])
def test_sklearn_clone(est):
    copy = clone(est)
    assert copy is not est and copy.get_params() == est.get_params()
    assert type(copy) is type(est)


def test_clone_drops_fitted_state():
    X, y = blobs()
    fitted = Perceptron(random_state=0).fit(X, y)
    assert not hasattr(clone(fitted), "coef_")


def test_is_classifier():
    assert is_classifier(Perceptron()) and is_classifier(Toy())


@pytest.mark.parametrize("seed", [0, 1])
def test_cross_val_score_on_perceptron(seed):
    X, y = blobs(seed, m=80)
    scores = cross_val_score(Perceptron(random_state=seed), X, y, cv=4)
    assert scores.shape == (4,) and np.all(scores >= 0.9)


def test_grid_search_sets_params():
    X, y = blobs(0, m=80)
    search = GridSearchCV(Perceptron(random_state=0), {"lr": [0.1, 1.0], "max_epochs": [1, 20]}, cv=3).fit(X, y)
    assert set(search.best_params_) == {"lr", "max_epochs"}
    assert search.best_estimator_.score(X, y) >= 0.9


def test_tags_come_from_sklearn():
    from sklearn.utils import get_tags

    tags = get_tags(Toy())
    assert tags.estimator_type == "classifier" and tags.target_tags.required
    assert tags.classifier_tags.multi_class and not tags.input_tags.sparse


def test_nnlib_does_not_import_sklearn():
    code = "import sys, nnlib, nnlib.base, nnlib.perceptron; assert 'sklearn' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
