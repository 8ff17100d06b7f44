"""The self-checking exercises of chapters 1 to 12: parts, kinds, tolerances, answer templates.

Keyed by the exercises' labels (which never change). Numbers, arrays, expressions and choices
are checked against the fingerprints in ``fingerprints.json`` (no plain answer here); functions
are checked by the checkers of ``_checks_networks``, ``_checks_derivatives`` and
``_checks_training``, against nnlib, finite differences or the property the exercise states.
Exercises that are proofs, derivations or open experiments have no entry: see ``_written``.
"""
import nnlib.exercises._checks_derivatives as der
import nnlib.exercises._checks_networks as net
import nnlib.exercises._checks_training as trn
from ._choices import Choice
from ._exercise import Exercise
from ._expressions import Expression
from ._functions import Function
from ._numbers import Array, Number


EXERCISES = {
    # --- chapter 1 ---------------------------------------------------------------------------
    "ex-ch1-by-hand": Exercise(1, "A neuron by hand", {
        "z": Number("the pre-activation z", tol=1e-9),
        "a_step": Number("the step unit's output H(z)", tol=1e-9),
        "a_relu": Number("the ReLU unit's output", tol=1e-9),
        "a_sigmoid": Number("the sigmoid unit's output", rtol=1e-6),
        "changes": Choice("which outputs would change further from the hyperplane",
                          ("step", "relu", "sigmoid"), several=True),
    }),
    "ex-ch1-count": Exercise(1, "Counting parameters", {
        "per_layer": Array("the parameters of each of the three layers, a list of 3 integers", integer=True),
        "first_share": Number("the first layer's share of the total, a fraction between 0 and 1", tol=1e-3),
        "h": Number("the smallest hidden width h", integer=True),
    }),
    "ex-ch1-convert": Exercise(1, "From column vectors to rows", {
        "to_rows": Function("the book's W1, b1, W2, b2 from U, c, v, d", net.check_to_rows,
                       net.T_TO_ROWS),
    }),
    "ex-ch1-linear": Exercise(1, "Why the activation must be nonlinear", {
        "collapse": Function("the single layer's W, b from two identity layers", net.check_collapse,
                        net.T_COLLAPSE),
    }, note="The rank argument is a proof: compare it with the solution on the website."),
    "ex-ch1-redundant": Exercise(1, "Two output units for two classes", {
        "to_sigmoid": Function("the equivalent one-unit sigmoid layer", net.check_to_sigmoid, net.T_TO_SIGMOID),
    }, note="Parts (a) and (c) are arguments in words: compare them with the solution on the website."),
    # --- chapter 2 ---------------------------------------------------------------------------
    "ex-ch2-hand": Exercise(2, "Two epochs by hand", {
        "w_epoch1": Array("w after the first epoch, 2 numbers", tol=1e-9),
        "b_epoch1": Number("b after the first epoch", tol=1e-9),
        "w_epoch2": Array("w after the second epoch, 2 numbers", tol=1e-9),
        "b_epoch2": Number("b after the second epoch", tol=1e-9),
        "mistakes": Array("the mistakes in epochs 1 and 2, 2 integers", integer=True),
    }),
    "ex-ch2-xor-net": Exercise(2, "XOR from three perceptrons", {
        "hidden": Array("the hidden layer's outputs (OR, NAND) at (0,0), (0,1), (1,0), (1,1): "
                        "a 4 x 2 array of 0s and 1s", integer=True),
        "n_layers": Number("the number of layers of weights of the network", integer=True),
    }),
    "ex-ch2-augment": Exercise(2, "Why the bias must be inside the bound", {
        "misread_bound": Number("the misread bound (R / gamma)^2", tol=1e-9),
        "updates": Number("the number of updates the perceptron makes", integer=True),
        "correct_bound": Expression("the correct bound with augmented vectors, a formula in eps",
                                    ["eps"], [(0.1,), (0.5,), (0.9,)]),
    }, note="Write correct_bound with a SymPy symbol eps = sp.Symbol('eps') or as a function lambda eps: ..."),
    "ex-ch2-pocket": Exercise(2, "The pocket algorithm", {
        "pocket": Function("the pocket algorithm", trn.check_pocket, trn.T_POCKET),
        "can_be_lower": Choice("can the pocket's training accuracy be lower than the last weights'?",
                               ("yes", "no")),
    }),
    # --- chapter 3 ---------------------------------------------------------------------------
    "ex-act-tanh-grad": Exercise(3, "tanh through the sigmoid, and accuracy in the tails", {
        "accurate": Choice("which form is accurate in relative terms for large z",
                           ("tanh_grad", "sigmoid_grad")),
    }, note="'tanh_grad' means 1 - tanh(z)**2, 'sigmoid_grad' means 4 * sigmoid_grad(2 * z)."),
    "ex-act-temperature": Exercise(3, "Softmax with a temperature", {
        "jacobian": Function("the Jacobian of softmax(z / tau)", der.check_temperature_jacobian, der.T_JACOBIAN),
    }),
    "ex-act-log-softmax": Exercise(3, "The log-softmax", {
        "log_softmax": Function("a stable log-softmax", der.check_log_softmax, der.T_LOG_SOFTMAX),
    }),
    "ex-act-window": Exercise(3, "The window in which a sigmoid passes gradient on", {
        "width": Expression("the width Delta(w) of the window, a formula in w",
                            ["w"], [(4.5,), (6.9,), (20.0,), (100.0,)]),
        "w_best": Number("the weight w with the widest window", tol=0.1),
        "width_max": Number("the largest width", tol=0.005),
    }),
    # --- chapter 4 ---------------------------------------------------------------------------
    "ex-mlp-count": Exercise(4, "Counting parameters", {
        "total": Number("the number of parameters", integer=True),
        "first_share": Number("the first layer's share, a fraction between 0 and 1", tol=1e-3),
    }),
    "ex-mlp-linear": Exercise(4, "Linear layers collapse", {
        "collapse3": Function("the single Dense(2, 1) layer's W, b", net.check_collapse3, net.T_COLLAPSE3),
    }),
    "ex-mlp-region": Exercise(4, "Design a network for a region", {
        "triangle": Function("a network for the triangle", net.check_triangle, net.T_TRIANGLE),
        "union": Function("a network for the triangle and the square", net.check_union, net.T_UNION),
    }),
    "ex-mlp-xor-skip": Exercise(4, "XOR with one hidden unit and a skip connection", {
        "weights": Function("the seven weights (w1, w2, b, v1, v2, u, c)", net.check_xor_skip, net.T_XOR_SKIP),
    }, note="Part (b) is a proof and (c) a question in words: see the solution on the website."),
    "ex-mlp-relu-interp": Exercise(4, "ReLU networks interpolate, with second-order accuracy", {
        "relu_coefficients": Function("c and v of the ReLU interpolant", net.check_relu_interp, net.T_RELU_INTERP),
        "slope": Number("the log-log slope of the largest error against N", tol=0.1),
    }),
    # --- chapter 5 ---------------------------------------------------------------------------
    "ex-ch5-laplace": Exercise(5, "The mean absolute error from Laplace noise", {
        "mse_constant": Choice("the constant that minimises the MSE", ("mean", "median", "mode", "midrange")),
        "mae_constant": Choice("the constant that minimises the MAE", ("mean", "median", "mode", "midrange")),
    }),
    "ex-ch5-mse-softmax": Exercise(5, "The squared error through a softmax", {
        "grad": Function("the gradient of ||softmax(z) - y||^2 with respect to z", der.check_mse_softmax_grad,
                    der.T_MSE_SOFTMAX),
        "norm_saturated": Number("the norm of that gradient at z = (10, 0, 0), y = e_2", rtol=1e-3),
    }),
    "ex-ch5-smoothing": Exercise(5, "Label smoothing keeps the logits finite", {
        "gap": Expression("the gap between the correct logit and the others, a formula in K and eps",
                          ["K", "eps"], [(5, 0.1), (10, 0.01), (2, 0.5)]),
    }),
    # --- chapter 6 ---------------------------------------------------------------------------
    "ex-ch6-1d": Exercise(6, "The best step in one dimension", {
        "best_lr": Expression("the best learning rate, a formula in a and b", ["a", "b"],
                              [(4.0, 3.0), (0.5, -2.0), (10.0, 1.0)]),
    }),
    "ex-ch6-abs": Exercise(6, "A kink: gradient descent on |w|", {
        "settles_at": Number("the value of f = |w| at which the iterates settle", tol=1e-9),
    }),
    "ex-ch6-rescale": Exercise(6, "Rescaling a feature, and why we standardise", {
        "kappa_scaled": Expression("kappa as a formula in s (for s > 1)", ["s"], [(2.0,), (10.0,), (1000.0,)]),
        "kappa_correlated": Expression("kappa of two standardised features, a formula in r (0 < r < 1)",
                                       ["r"], [(0.1,), (0.5,), (0.9,)]),
    }),
    "ex-ch6-nesterov": Exercise(6, "Nesterov's accelerated gradient", {
        "nesterov_matrix": Function("the 2 x 2 matrix T_N(lambda)", trn.check_nesterov, trn.T_NESTEROV),
    }),
    # --- chapter 7 ---------------------------------------------------------------------------
    "ex-bp-by-hand": Exercise(7, "Backpropagation by hand through a 1-1-1 network", {
        **{name: Number(what, rtol=1e-6) for name, what in [
            ("z1", "z1"), ("a1", "a1"), ("z2", "z2"), ("loss", "the loss"), ("delta2", "delta_2"),
            ("delta1", "delta_1"), ("dw1", "dL/dw1"), ("db1", "dL/db1"), ("dw2", "dL/dw2"),
            ("db2", "dL/db2")]},
    }),
    "ex-bp-tanh-mse": Exercise(7, "Tanh hidden layer, squared-error output", {
        "gradients": Function("the four gradients", der.check_tanh_mse, der.T_TANH_MSE),
    }),
    "ex-bp-weight-decay": Exercise(7, "Weight decay", {
        "decay_factor": Expression("the factor that multiplies W in one step, a formula in eta and lam",
                                   ["eta", "lam"], [(0.1, 0.01), (0.5, 0.3), (1.0, 1e-4)]),
    }),
    "ex-bp-symmetry": Exercise(7, "Symmetry: why the weights must start random", {
        "effective_units": Number("how many hidden units such a network is worth", integer=True),
    }, note="Part (a) is a proof by induction: compare it with the solution on the website."),
    "ex-bp-residual": Exercise(7, "The backward pass of a residual block", {
        "residual_backward": Function("dL/dW, dL/db and dL/dX", der.check_residual, der.T_RESIDUAL),
    }),
    "ex-bp-memory": Exercise(7, "The memory backpropagation needs", {
        "stored_numbers": Function("the count of stored numbers", der.check_stored_numbers, der.T_STORED),
        "first_m": Number("the smallest batch size m for which they outnumber the parameters", integer=True),
    }),
    # --- chapter 8 ---------------------------------------------------------------------------
    "ex-conv-sizes": Exercise(8, "Sizes and parameter counts", {
        "out_shape": Array("the output's shape, 4 integers", integer=True),
        "n_params": Number("the layer's parameters", integer=True),
        "mult_adds": Number("the multiply-adds of the forward pass", integer=True),
        "dense_params": Number("the parameters of the dense layer", integer=True),
    }),
    "ex-conv-1x1": Exercise(8, "A 1 x 1 convolution is a dense layer at every pixel", {
        "dense_from_conv": Function("the Dense layer's weights and bias", net.check_1x1, net.T_1X1),
    }),
    "ex-conv-overlap": Exercise(8, "Overlapping max pooling, by hand", {
        "pooled": Array("the output, 3 numbers", tol=1e-9),
        "grad_first": Array("dL/dX under the first-maximum rule, a 2 x 4 array", tol=1e-9),
        "grad_even": Array("dL/dX when ties are split evenly, a 2 x 4 array", tol=1e-9),
    }),
    # --- chapter 9 ---------------------------------------------------------------------------
    "ex-rnn-gru-count": Exercise(9, "Counting the parameters of a GRU", {
        "n_params": Expression("the GRU's parameters, a formula in n and H", ["n", "H"],
                               [(37, 64), (1, 1), (10, 3)]),
        "lm_params": Number("the language model's GRU (n = 37, H = 64)", integer=True),
        "torch_params": Number("what PyTorch's nn.GRU reports", integer=True),
    }),
    "ex-rnn-bound": Exercise(9, "The vanishing-gradient bound, its converse, and non-normal matrices", {
        "power": Function("W_h^k in closed form", trn.check_power, trn.T_POWER),
    }, note="Parts (a) and (b) are proofs: compare them with the solution on the website."),
    # --- chapter 10 --------------------------------------------------------------------------
    "ex-reg-adagrad": Exercise(10, "AdaGrad's step on a constant gradient", {
        "step_size": Expression("the size of the t-th step, a formula in eta and t", ["eta", "t"],
                                [(0.1, 1), (0.1, 100), (2.0, 7)]),
    }),
    "ex-reg-bias": Exercise(10, "Without bias correction", {
        "first_step_factor": Number("the uncorrected first step divided by eta", rtol=1e-6),
        "limit_factor": Number("its limit as t -> infinity (step / eta)", tol=1e-9),
    }),
    "ex-reg-early-stopping": Exercise(10, "Early stopping and ridge, coordinate by coordinate", {
        "alpha": Expression("alpha(h), a formula in h, k and eta", ["h", "k", "eta"],
                            [(0.1, 50, 1.0), (0.5, 10, 0.3), (0.01, 7, 0.5)]),
        "trend": Choice("how alpha(h) changes with h", ("increases", "decreases", "constant")),
    }, note="The limit and the bound are proofs: compare them with the solution on the website."),
    "ex-reg-ista": Exercise(10, "Soft thresholding by proximal gradient descent", {
        "ista": Function("ISTA for the lasso", trn.check_ista, trn.T_ISTA),
    }),
    # --- chapter 11 --------------------------------------------------------------------------
    "ex-deep-factor": Exercise(11, "The per-layer factor", {
        "factor": Expression("the per-layer factor, a formula in n and s2", ["n", "s2"],
                             [(100, 0.01), (256, 2 / 256), (7, 0.3)]),
        "ratio": Number("Var z[50] / Var z[1] with LeCun weights", rtol=1e-6),
        "s2_he": Expression("the variance that makes the factor 1, a formula in n", ["n"],
                            [(100,), (256,), (3,)]),
    }),
    "ex-deep-bn-bias": Exercise(11, "A bias before batch normalisation", {
        "grad_b": Number("dL/db for the bias before BatchNorm", tol=1e-9),
        "redundant": Number("the parameters that could be removed", integer=True),
    }),
    "ex-deep-fold": Exercise(11, "Folding batch normalisation into the layer before it", {
        "scale": Expression("s_j, a formula in gamma, v and eps", ["gamma", "v", "eps"],
                            [(1.5, 0.25, 1e-5), (-0.7, 4.0, 0.1), (2.0, 1e-3, 1e-3)]),
        "shift": Expression("b'_j, a formula in b, mu, gamma, v, eps and beta",
                            ["b", "mu", "gamma", "v", "eps", "beta"],
                            [(0.3, -1.2, 1.5, 0.25, 1e-5, 0.1), (-2.0, 0.5, -0.7, 4.0, 0.1, 1.0),
                             (1.0, 1.0, 2.0, 1e-3, 1e-3, -0.5)]),
    }),
    "ex-deep-paths": Exercise(11, "Counting the paths of a residual network", {
        "n_paths": Expression("the paths of length k, a formula in L and k", ["L", "k"],
                              [(54, 27), (10, 3), (5, 0)]),
        "mean_length": Expression("the mean path length, a formula in L", ["L"], [(54,), (7,), (1,)]),
        "fraction": Number("the fraction of paths of length 19 to 35", tol=1e-3),
    }),
    # --- chapter 12 --------------------------------------------------------------------------
    "ex-att-variance": Exercise(12, "The variance of a score", {
        "variance": Expression("Var(q . k), a formula in d and s2", ["d", "s2"],
                               [(64, 1.0), (16, 0.25), (3, 2.0)]),
        "scale": Expression("the factor that makes the variance 1, a formula in d and s2", ["d", "s2"],
                            [(64, 1.0), (16, 0.25), (3, 2.0)]),
        "std_64": Number("the standard deviation of an unscaled score for d_k = 64", rtol=1e-6),
    }),
    "ex-att-params": Exercise(12, "Counting a transformer's parameters", {
        "mha": Expression("MultiHeadAttention(d, h)'s parameters, a formula in d and h", ["d", "h"],
                          [(8, 2), (64, 4), (768, 12)]),
        "block": Expression("TransformerBlock(d, h, d_ff)'s parameters, a formula in d, h and dff",
                            ["d", "h", "dff"], [(8, 2, 16), (64, 4, 256), (768, 12, 3072)]),
        "gpt2_blocks": Number("the parameters of GPT-2 small's 12 blocks", integer=True),
    }),
    "ex-att-crossover": Exercise(12, "Where the quadratic term takes over", {
        "T_attention": Expression("the T where 4 T^2 d = 8 T d^2, a formula in d", ["d"], [(64,), (768,), (5,)]),
        "T_block": Expression("the T where the whole block's T^2 term equals the rest, a formula in d", ["d"],
                              [(64,), (768,), (5,)]),
        "fraction": Number("the T^2 term's share of a GPT-2 block at T = 1024", tol=1e-3),
    }),
}
