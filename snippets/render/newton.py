"""Short Question 3 as Markdown, one unit (md.unit): Newton's method needs fewer iterations
than gradient descent, computed on a quadratic, but its Hessian is far too large for a
network."""

from __future__ import annotations

import numpy as np

from snippets import exam
from snippets.architectures import exam_network, total_params
from snippets.newton import (
    condition_number,
    example_problem,
    gradient_descent,
    hessian_cost,
    newton,
    newton_step,
    predicted_gd_iterations,
)
from snippets.render import markdown as md
from snippets.render.numbers import byte_size, num, rounded, significant, thousands_tex
from snippets.render.short_figures import newton_figure
from snippets.render.svg import figure_svg

PART = 2
NEWTON_START = (-1.5, 2.5)
NEWTON_TOLERANCE = 1e-6
SADDLE = np.diag([1.0, -1.0])  # f(x) = ½ (x₁² - x₂²): a saddle at the origin
SADDLE_START = (1.0, 1.0)


def _saddle_landing() -> np.ndarray:
    """Where Newton's step from SADDLE_START lands on ½ xᵀ SADDLE x: the saddle point."""
    return newton_step(SADDLE, np.zeros(2), SADDLE_START) + 0.0  # + 0.0: no -0.0


def newtons_method_answer() -> list[str]:
    """What earns question 3's two points: true in iterations; the Hessian is far too costly."""
    a, b = example_problem()
    descent = gradient_descent(a, b, NEWTON_START, NEWTON_TOLERANCE)
    one_step = newton(a, b, NEWTON_START, NEWTON_TOLERANCE)
    cost = hessian_cost(total_params(exam_network(), exam.IMAGE_SHAPE))
    return [
        "**True, counted in iterations.** Newton's method $x \\leftarrow x - H^{-1} \\nabla "
        "f(x)$ uses the curvature (the Hessian $H$) and needs fewer iterations than gradient "
        f"descent: {one_step.iterations} against {descent.iterations} on the quadratic below.",
        "**But each iteration is far too expensive.** With $n$ parameters the Hessian has "
        "$n^2$ entries, and each step solves a linear system with it, about $n^3/3$ "
        f"operations: for the network of Part VI, {byte_size(cost.hessian_bytes)} for the "
        "Hessian alone. It is not feasible for a large network.",
    ]


def newtons_method() -> str:
    """Question 3: fewer iterations, but the Hessian is far too large."""
    a, b = example_problem()
    descent = gradient_descent(a, b, NEWTON_START, NEWTON_TOLERANCE)
    one_step = newton(a, b, NEWTON_START, NEWTON_TOLERANCE)
    kappa = condition_number(a)
    n = total_params(exam_network(), exam.IMAGE_SHAPE)
    cost = hessian_cost(n)
    alt = (
        "Elliptic level sets of a two-dimensional quadratic. Gradient descent zigzags across "
        f"the valley in {descent.iterations} steps; Newton's method goes from the start "
        f"to the minimum in {one_step.iterations} step."
    )
    worked = md.join(
        [
            "**Fewer iterations.** Newton's method rescales the gradient by the inverse of "
            "the Hessian, the matrix of second derivatives: "
            "$x \\leftarrow x - H^{-1} \\nabla f(x)$. On a quadratic "
            "$f(x) = \\tfrac12 x^\\top A x - b^\\top x$ the gradient is $Ax - b$ and the "
            "Hessian is $A$, so from any start one step lands exactly on the minimum, "
            "$x^* = A^{-1} b$.",
            f"Computed on a quadratic whose curvatures differ by a factor "
            f"$\\kappa = {rounded(kappa, 6)}$, from the start "
            f"$({num(NEWTON_START[0])}, {num(NEWTON_START[1])})$ until the distance to the "
            f"minimum has shrunk by a factor ${num(NEWTON_TOLERANCE)}$: gradient descent with "
            f"its best fixed step needs {descent.iterations} steps, as "
            f"$\\lceil \\log(\\text{{tol}}) / \\log\\frac{{\\kappa - 1}}{{\\kappa + 1}} \\rceil = "
            f"{predicted_gd_iterations(a, NEWTON_TOLERANCE)}$ predicts; Newton's method "
            f"needs {one_step.iterations}.",
            figure_svg(newton_figure(a, b, descent, one_step), name="newton-descent", alt=alt),
            "**But each iteration is far too expensive.** With $n$ parameters the Hessian has "
            "$n^2$ entries, and a step solves a linear system with it: a Cholesky "
            "factorisation, about $n^3/3$ floating-point operations. For the AlexNet-like "
            "network of [Part VI](part-6-cnn-architectures.html):",
            md.table(
                ("", "size"),
                [
                    ("parameters $n$", f"${thousands_tex(n, thin=True)}$"),
                    ("gradient, $n$ floats of 4 bytes", byte_size(cost.gradient_bytes)),
                    ("Hessian entries $n^2$", f"${significant(cost.hessian_entries)}$"),
                    ("Hessian, $n^2$ floats of 4 bytes", byte_size(cost.hessian_bytes)),
                    (
                        "solving for one Newton step, $n^3/3$",
                        f"${significant(cost.cholesky_flops)}$ operations",
                    ),
                ],
                align="lr",
            ),
            "The Hessian alone needs more than ten petabytes, the gradient less than a "
            "gigabyte. A further downside: on "
            "a loss that is not convex, Newton's step heads for a point with zero gradient, "
            "whatever kind of point it is. On $f(x) = \\tfrac12 (x_1^2 - x_2^2)$ one step "
            "from any start lands on the saddle point; from "
            f"$({', '.join(num(v) for v in SADDLE_START)})$ it lands on "
            f"$({', '.join(num(v) for v in _saddle_landing())})$.",
        ]
    )
    return md.unit(
        PART,
        "3",
        answer=newtons_method_answer(),
        worked=worked,
        evidence=(newton, gradient_descent, hessian_cost, total_params),
    )
