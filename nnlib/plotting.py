r"""Figures the book draws again and again.

* :func:`draw_network` draws the diagram of a fully connected feed-forward network;
  introduced in chapter 1, *What is a neural network?*, and reused by the chapter on
  multi-layer perceptrons.
* :func:`plot_decision_boundary` colours the plane by what a classifier predicts;
  introduced in chapter 4, *Multi-layer perceptrons and forward propagation*.

The diagram follows the book's batch-first convention: the weights between
layer :math:`l-1` and layer :math:`l` form a matrix :math:`W^{[l]}` of shape
``(n_{l-1}, n_l)``, so ``W[j, k]`` is the weight on the edge from node ``j`` of
one layer to node ``k`` of the next.

Each figure is written in a private module of its own (``nnlib._network_diagram``,
``nnlib._decision_boundary``); this module is where the book and the chapters import
them from.
"""
from . import _network_diagram
from ._decision_boundary import plot_decision_boundary
from ._network_diagram import NEGATIVE, NEUTRAL, POSITIVE, draw_network

__all__ = ["draw_network", "plot_decision_boundary", "NODE_COLOURS", "POSITIVE", "NEGATIVE", "NEUTRAL"]

#: Colours of the nodes of the diagram, per kind of layer (edges are coloured by the sign of their weight).
NODE_COLOURS = _network_diagram.NODE_COLOURS
