"""The exercises of chapters 1 to 12 that have a written solution only, and why they have no check.

Proofs, derivations and open experiments: the reader compares their work with the solution
on the website. ``tests/test_exercises.py`` checks that every exercise of the book is either
checked (``_registry``) or listed here.
"""

#: Exercises with a written solution only, and why they have no automatic check.
WRITTEN = {
    "ex-ch1-polynomial": "a proof (a degree bound and a dimension argument)",
    "ex-ch2-eta": "a proof by induction (with a numerical illustration)",
    "ex-ch2-dual": "a proof (the dual form) and a kernel experiment",
    "ex-act-symmetry": "a derivation by hand; the identities are stated in the exercise",
    "ex-mlp-he": "a simulation whose numbers depend on the random network, and its interpretation",
    "ex-ch5-kl": "a proof; the identity is stated in the exercise",
    "ex-ch5-convexity": "a proof (convexity, the Hessian's null space)",
    "ex-ch5-lse-bound": "a proof of stated bounds",
    "ex-ch6-decay": "a derivation of stated results, checked by simulation",
    "ex-conv-dilated": "a derivation; the identity is stated in the exercise",
    "ex-conv-characterise": "a proof (if and only if)",
    "ex-rnn-temperature": "two proofs of stated facts",
    "ex-rnn-input-grad": "a measurement and its explanation; the numbers depend on the network",
    "ex-rnn-tbptt": "an open implementation of a training loop",
    "ex-reg-dropout-l2": "a proof; the identity is stated in the exercise",
    "ex-deep-scale": "a proof (scale invariance, the weight-norm equilibrium)",
    "ex-deep-ln-grad": "a derivation; the identities are stated in the exercise",
    "ex-att-backward": "a derivation; the result is stated in the text (the backward pass of attention)",
    "ex-att-rotation": "a proof (the rotation property and its consequence for dot products)",
    "ex-att-permutation": "a proof about permutations and masks, and an open training experiment",
}
