"""nnlib: the NumPy library that *The Mathematics Behind Neural Networks* builds.

Each module implements one concept and says which chapter derives it. Names are
re-exported here explicitly (no star imports), so ``import nnlib`` is enough in a
chapter: ``nnlib.sigmoid``, ``nnlib.draw_network``, ...
"""
from .activations import (
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    step,
    tanh,
    tanh_grad,
)
from .softmax_functions import log_softmax, softmax, softmax_jacobian, softmax_jvp, softmax_vjp
from .adaptive import AdaGrad, Adam, AdamW, RMSProp
from .base import BaseEstimator, ClassifierMixin, NotFittedError
from .backprop_check import gradcheck
from .conv import Conv2D
from .gradient_check import numerical_gradient, relative_error
from .windows import col2im, im2col, output_size
from .init import glorot_normal, glorot_uniform, he_normal, lecun_normal
from .activation_layers import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Step, Tanh
from .layers import Dense, Sequential
from .gru import GRU
from .lstm import LSTM
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    mse,
    mse_grad,
    one_hot,
    sequence_cross_entropy,
    sequence_cross_entropy_and_grad,
    sequence_cross_entropy_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_and_grad,
    softmax_cross_entropy_grad,
)
from .mlp import MLPClassifier, MLPRegressor
from .notebook import glue, show_source
from .optim import SGD, clip_grad_norm, gradient_descent
from .perceptron import Perceptron
from .plotting import draw_network, plot_decision_boundary
from .pooling import AvgPool2D, Flatten, MaxPool2D
from .recurrent import RNN, orthogonal
from .sequence import LastStep, TimeDistributed, book_text, softmax_with_temperature
from .dropout_layer import Dropout, dropout, dropout_mask
from .regularization import l1_penalty, l1_penalty_grad, l2_penalty, l2_penalty_grad
from .schedules import CosineLR, LinearWarmup, Scheduled, StepLR
from .training import History, train

# Chapter 11, deep networks: normalisation, residual connections, global pooling.
from .global_pool import GlobalAvgPool2D
from .normalization import BatchNorm, LayerNorm
from .residual import Residual

__version__ = "0.1.0"

__all__ = [
    "AvgPool2D",
    "BaseEstimator",
    "Conv2D",
    "Flatten",
    "MaxPool2D",
    "output_size",
    "ClassifierMixin",
    "Dense",
    "History",
    "Identity",
    "LeakyReLU",
    "MLPClassifier",
    "MLPRegressor",
    "NotFittedError",
    "Perceptron",
    "ReLU",
    "SGD",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Step",
    "Tanh",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "draw_network",
    "glorot_normal",
    "glorot_uniform",
    "glue",
    "show_source",
    "gradcheck",
    "gradient_descent",
    "he_normal",
    "leaky_relu",
    "leaky_relu_grad",
    "lecun_normal",
    "mse",
    "mse_grad",
    "numerical_gradient",
    "one_hot",
    "plot_decision_boundary",
    "relative_error",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_and_grad",
    "softmax_cross_entropy_grad",
    "softmax_jacobian",
    "softmax_jvp",
    "softmax_vjp",
    "step",
    "tanh",
    "tanh_grad",
    "train",
    "AdaGrad",
    "Adam",
    "AdamW",
    "CosineLR",
    "Dropout",
    "LinearWarmup",
    "RMSProp",
    "Scheduled",
    "StepLR",
    "dropout",
    "dropout_mask",
    "l1_penalty",
    "l1_penalty_grad",
    "l2_penalty",
    "l2_penalty_grad",
    "GRU",
    "LSTM",
    "LastStep",
    "RNN",
    "TimeDistributed",
    "clip_grad_norm",
    "orthogonal",
    "sequence_cross_entropy",
    "sequence_cross_entropy_and_grad",
    "sequence_cross_entropy_grad",
    "softmax_with_temperature",
    "book_text",
    "col2im",
    "im2col",
    "log_softmax",
    # chapter 11
    "BatchNorm",
    "GlobalAvgPool2D",
    "LayerNorm",
    "Residual",
]

# Chapter 12, attention and transformers (one block, so that merges stay simple).
from .attention import causal_mask, scaled_dot_product_attention, scaled_dot_product_attention_grad  # noqa: E402
from .embedding import Embedding, PositionalEncoding  # noqa: E402
from .multihead import MultiHeadAttention  # noqa: E402
from .positional import sinusoidal_positional_encoding  # noqa: E402
from .transformer import TransformerBlock  # noqa: E402

__all__ += [
    "Embedding",
    "MultiHeadAttention",
    "PositionalEncoding",
    "TransformerBlock",
    "causal_mask",
    "scaled_dot_product_attention",
    "scaled_dot_product_attention_grad",
    "sinusoidal_positional_encoding",
]
