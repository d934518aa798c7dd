"""Short Question 7 as Markdown, one unit (md.unit): what a layer's forward and backward take,
keep and return, with an affine layer and ReLU computed and checked by finite differences."""

from __future__ import annotations

import numpy as np

from snippets.layer_cache import (
    affine_relu_backward,
    affine_relu_forward,
    example_inputs,
    gradient_check,
    unmasked_backward_error,
)
from snippets.render import markdown as md
from snippets.render.latex import display
from snippets.render.numbers import matrix, num, rounded, significant

PART = 2


def forward_and_backward_answer() -> list[str]:
    """What earns question 7's three points, one line per item of the exam's breakdown."""
    return [
        "**forward** takes the output of the layer before (and the layer's parameters), "
        "applies the layer's operation and returns the result.",
        "**forward** also keeps a **cache** of the values backward will need: typically its "
        "input, the weights and intermediate results such as the pre-activation.",
        "**backward** takes the upstream gradient $\\partial L / \\partial \\text{out}$ (and "
        "the cache) and returns the partial derivatives of the loss with respect to every "
        "input of forward: $\\partial L / \\partial x$ for the layer before, and the "
        "gradients of the parameters for the optimiser.",
    ]


def forward_and_backward() -> str:
    """Question 7: what forward and backward take, keep and return, with numbers."""
    x, w, b, grad_out = example_inputs()
    out, cache = affine_relu_forward(x, w, b)
    grads = affine_relu_backward(grad_out, cache)
    check = gradient_check(x, w, b, grad_out)
    bound = 10.0 ** np.ceil(np.log10(max(check.errors.values())))  # the next power of ten
    wrong = unmasked_backward_error(x, w, b, grad_out)
    worked = md.join(
        [
            "**An example: an affine layer followed by ReLU**, $z = xW + b$, "
            "$\\text{out} = \\max(0, z)$, on a batch of two samples:",
            display(rf"x = {matrix(x)},\quad W = {matrix(w)},\quad b = {matrix(b)}"),
            "forward returns the output and caches $x$, $W$ and $z$:",
            display(rf"z = xW + b = {matrix(cache.z, 6)},\quad \text{{out}} = {matrix(out, 6)}"),
            "backward receives the upstream gradient and returns three gradients. ReLU lets "
            "the gradient through only where $z > 0$, so $\\partial L / \\partial z = "
            "\\partial L / \\partial \\text{out} \\odot [z > 0]$:",
            display(
                rf"\frac{{\partial L}}{{\partial \text{{out}}}} = {matrix(grad_out)},\quad "
                rf"\frac{{\partial L}}{{\partial z}} = {matrix(grad_out * (cache.z > 0))}"
            ),
            display(
                rf"\frac{{\partial L}}{{\partial x}} = \frac{{\partial L}}{{\partial z}} W^\top = "
                rf"{matrix(grads.x, 6)},\quad "
                rf"\frac{{\partial L}}{{\partial W}} = x^\top \frac{{\partial L}}{{\partial z}} = "
                rf"{matrix(grads.w, 6)},\quad "
                rf"\frac{{\partial L}}{{\partial b}} = \sum_{{\text{{rows}}}} "
                rf"\frac{{\partial L}}{{\partial z}} = {matrix(grads.b, 6)}"
            ),
            "**The gradient check.** Central differences "
            "$(L(\\theta + h) - L(\\theta - h)) / 2h$ with "
            "$L = \\sum \\frac{\\partial L}{\\partial \\text{out}} \\odot \\text{out}$ give the "
            "same numbers; the largest relative error "
            "$|a - n| / (|a| + |n|)$ of each gradient:",
            md.table(
                ("gradient", "largest relative error"),
                [
                    (f"∂L/∂{name}", f"${significant(error, 2)}$")
                    for name, error in check.errors.items()
                ],
                align="lr",
            ),
            f"All three lie below ${num(bound)}$. A backward that forgot the ReLU mask would "
            f"show a relative error of ${rounded(wrong, 6)}$ in $\\partial L / \\partial x$. "
            f"(No pre-activation lies closer than {check.min_distance_to_kink:.2f} to the kink "
            "at zero, far more than a difference step moves it, so the differences never "
            "straddle the kink.)",
        ]
    )
    return md.unit(
        PART,
        "7",
        answer=forward_and_backward_answer(),
        worked=worked,
        evidence=(affine_relu_forward, affine_relu_backward, gradient_check),
    )
