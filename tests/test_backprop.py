"""Backpropagation through the 2-2-2 ReLU network of Part IV, against independent witnesses.

Witnesses: central finite differences of the forward pass, sympy's derivative of the symbolic
loss (with Max for ReLU), and a vectorised matrix implementation written separately below.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, example, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from snippets import backprop, exam
from snippets.backprop import PARAMETER_NAMES
from snippets.render import backprop as backprop_render
from snippets.render import backprop_figures
from snippets.render.svg import figure_svg
from tests.strategies import backprop_problems, reals, small_integers

# --- tolerances and steps ---

# Step of the central differences. The loss is quadratic in each single parameter (away from
# the ReLU kink), so central differences have no truncation error: only rounding, about
# eps * loss / FD_STEP. With every value in [-5, 5] the loss stays below ~2e5, so ~2e-7.
FD_STEP = 1e-4
FD_RTOL = 1e-6
FD_ATOL = 1e-5
# Hypothesis keeps |h1| and |h2| farther than this from the kink of ReLU at 0. A step of
# FD_STEP in a first-layer weight moves h1 or h2 by at most FD_STEP * max|i| = 5e-4, so with
# this margin (20 times larger) the central difference never straddles the kink, where the
# derivative jumps and finite differences would measure neither side.
KINK_MARGIN = 1e-2
# Two exact algorithms in floating point (different summation order only).
EXACT_RTOL = 1e-12
EXACT_ATOL = 1e-9


def _args(problem: exam.BackpropProblem) -> tuple:
    return problem.inputs, problem.weights, problem.biases, problem.targets


def _away_from_kink(problem: exam.BackpropProblem) -> None:
    f = backprop.forward(*_args(problem))
    assume(abs(f.h1) > KINK_MARGIN and abs(f.h2) > KINK_MARGIN)


def _with(problem: exam.BackpropProblem, name: str, value: float) -> exam.BackpropProblem:
    """The problem with the weight or bias `name` set to `value`."""
    if name in problem.weights:
        return replace(problem, weights={**problem.weights, name: value})
    return replace(problem, biases={**problem.biases, name: value})


def _parameter(problem: exam.BackpropProblem, name: str) -> float:
    return problem.weights[name] if name in problem.weights else problem.biases[name]


# --- the answer key ---


def test_forward_matches_published_hidden_units():
    f = backprop.solve(exam.BACKPROP).forward
    assert_allclose((f.h1, f.h2, f.h3, f.h4), exam.PUBLISHED_BACKPROP.hidden, rtol=EXACT_RTOL)


def test_forward_matches_published_outputs():
    f = backprop.solve(exam.BACKPROP).forward
    assert_allclose((f.o1, f.o2), exam.PUBLISHED_BACKPROP.outputs, atol=EXACT_ATOL)


def test_loss_matches_published_mse():
    loss = backprop.solve(exam.BACKPROP).forward.loss
    assert_allclose(loss, exam.PUBLISHED_BACKPROP.loss, rtol=EXACT_RTOL)


def test_gradient_of_asked_weight_matches_published():
    solution = backprop.solve(exam.BACKPROP)
    assert solution.asked == exam.BACKPROP.asked
    got = solution.backward.grad(exam.BACKPROP.asked)
    assert_allclose(got, exam.PUBLISHED_BACKPROP.grad_asked, rtol=EXACT_RTOL)


def test_chain_of_asked_weight_matches_published_gradient():
    chain = backprop.solve(exam.BACKPROP).chain
    assert_allclose(chain.value, exam.PUBLISHED_BACKPROP.grad_asked, rtol=EXACT_RTOL)


def test_updated_asked_weight_matches_published():
    updated = backprop.solve(exam.BACKPROP).updated.value(exam.BACKPROP.asked)
    assert_allclose(updated, exam.PUBLISHED_BACKPROP.updated_asked, rtol=EXACT_RTOL)


# --- witness 1: central finite differences ---


@given(backprop_problems())
@example(exam.BACKPROP)  # the exam's network: h1 = 2.0 and h2 = -0.5, both away from 0
def test_gradients_match_central_differences(problem):
    _away_from_kink(problem)
    grads = backprop.backward(*_args(problem))
    for name in PARAMETER_NAMES:
        p = _parameter(problem, name)
        up = backprop.forward(*_args(_with(problem, name, p + FD_STEP))).loss
        down = backprop.forward(*_args(_with(problem, name, p - FD_STEP))).loss
        assert_allclose(
            grads.grad(name), (up - down) / (2 * FD_STEP), rtol=FD_RTOL, atol=FD_ATOL, err_msg=name
        )


# --- witness 2: sympy's derivative of the symbolic loss ---


def _sympy_gradient():
    """∂loss/∂p for every parameter p, differentiated by sympy and compiled to Python."""
    symbols = sp.symbols("i1 i2 t1 t2 " + " ".join(PARAMETER_NAMES), real=True)
    i1, i2, t1, t2, w11, w12, w21, w22, w31, w32, w41, w42, b1, b2, b3, b4 = symbols
    h3 = sp.Max(0, i1 * w11 + i2 * w21 + b1)
    h4 = sp.Max(0, i1 * w12 + i2 * w22 + b2)
    o1 = h3 * w31 + h4 * w41 + b3
    o2 = h3 * w32 + h4 * w42 + b4
    loss = sp.Rational(1, 2) * (t1 - o1) ** 2 + sp.Rational(1, 2) * (t2 - o2) ** 2
    parameters = symbols[4:]
    return sp.lambdify(symbols, [sp.diff(loss, p) for p in parameters], "math")


# Built once, at import, so that no Hypothesis example pays for the differentiation.
SYMPY_GRADIENT = _sympy_gradient()


@given(backprop_problems())
@example(exam.BACKPROP)
def test_gradients_match_sympy(problem):
    # sympy's Heaviside(0) is 1/2, so the comparison stays away from the kink as well.
    _away_from_kink(problem)
    values = (*problem.inputs, *problem.targets)
    values += tuple(_parameter(problem, name) for name in PARAMETER_NAMES)
    want = [float(g) for g in SYMPY_GRADIENT(*values)]
    grads = backprop.backward(*_args(problem))
    got = [grads.grad(name) for name in PARAMETER_NAMES]
    assert_allclose(got, want, rtol=EXACT_RTOL, atol=EXACT_ATOL)


# --- witness 3: a vectorised matrix implementation ---


def _matrix_backprop(problem: exam.BackpropProblem) -> dict[str, float]:
    """The same network as x W1 + b, ReLU, a W2 + c, written with matrices (W[k, j] = w_kj)."""
    w, b = problem.weights, problem.biases
    x = np.array(problem.inputs)
    t = np.array(problem.targets)
    w1 = np.array([[w["w11"], w["w12"]], [w["w21"], w["w22"]]])
    w2 = np.array([[w["w31"], w["w32"]], [w["w41"], w["w42"]]])
    b1 = np.array([b["b1"], b["b2"]])
    b2 = np.array([b["b3"], b["b4"]])
    z = x @ w1 + b1
    a = np.maximum(z, 0.0)
    o = a @ w2 + b2
    grad_o = o - t
    grad_z = (grad_o @ w2.T) * (z > 0)  # ReLU'(0) = 0
    grad_w1, grad_w2 = np.outer(x, grad_z), np.outer(a, grad_o)
    names = {"w11": grad_w1[0, 0], "w12": grad_w1[0, 1], "w21": grad_w1[1, 0]}
    names |= {"w22": grad_w1[1, 1], "w31": grad_w2[0, 0], "w32": grad_w2[0, 1]}
    names |= {"w41": grad_w2[1, 0], "w42": grad_w2[1, 1], "b1": grad_z[0], "b2": grad_z[1]}
    names |= {"b3": grad_o[0], "b4": grad_o[1]}
    return {k: float(v) for k, v in names.items()}


@given(backprop_problems())
@example(exam.BACKPROP)
def test_gradients_match_matrix_implementation(problem):
    want = _matrix_backprop(problem)
    grads = backprop.backward(*_args(problem))
    got = {name: grads.grad(name) for name in PARAMETER_NAMES}
    assert_allclose(
        [got[k] for k in PARAMETER_NAMES],
        [want[k] for k in PARAMETER_NAMES],
        rtol=EXACT_RTOL,
        atol=EXACT_ATOL,
    )


# --- the ReLU kink ---


def _dead_first_unit() -> exam.BackpropProblem:
    """The exam's network with b1 chosen so that h1 is exactly 0 (all values are dyadic)."""
    i1, i2 = exam.BACKPROP.inputs
    w = exam.BACKPROP.weights
    return _with(exam.BACKPROP, "b1", -(i1 * w["w11"] + i2 * w["w21"]))


@given(reals)
def test_relu_is_max_of_zero_and_input(x):
    assert backprop.relu(x) == max(0.0, x)
    assert backprop.relu(x) >= 0.0


def test_relu_gradient_at_zero_is_zero_by_definition():
    assert backprop.relu_grad(0.0) == 0.0
    assert backprop.relu_grad(-0.0) == 0.0


def test_no_gradient_flows_through_unit_at_exactly_zero():
    problem = _dead_first_unit()
    f = backprop.forward(*_args(problem))
    assert f.h1 == 0.0
    grads = backprop.backward(*_args(problem))
    assert grads.grad_h3 != 0.0  # gradient arrives at h3 ...
    assert grads.grad_h1 == 0.0  # ... and stops there, since ReLU'(0) = 0
    assert [grads.grad(name) for name in ("w11", "w21", "b1")] == [0.0, 0.0, 0.0]


@given(backprop_problems(), small_integers, small_integers, small_integers, st.sampled_from([1, 2]))
def test_unit_at_exactly_zero_passes_no_gradient(problem, i1, i2, w, j):
    # Put the sum of unit h_j exactly on the kink: h_j = i1 w1j + i2 w2j + b_j = 0.
    weights = {**problem.weights, f"w1{j}": w, f"w2{j}": w}
    biases = {**problem.biases, f"b{j}": -(i1 * w + i2 * w)}
    problem = replace(problem, inputs=(i1, i2), weights=weights, biases=biases)
    f = backprop.forward(*_args(problem))
    assert getattr(f, f"h{j}") == 0.0
    grads = backprop.backward(*_args(problem))
    assert getattr(grads, f"grad_h{j}") == 0.0
    assert [grads.grad(name) for name in (f"w1{j}", f"w2{j}", f"b{j}")] == [0.0, 0.0, 0.0]


# --- the chain of local derivatives ---


@given(backprop_problems(), st.sampled_from(PARAMETER_NAMES))
@example(exam.BACKPROP, "w21")
def test_chain_sums_to_backward_gradient(problem, name):
    chain = backprop.chain(name, *_args(problem))
    grads = backprop.backward(*_args(problem))
    assert_allclose(chain.value, grads.grad(name), rtol=EXACT_RTOL, atol=EXACT_ATOL)


@given(backprop_problems(), st.sampled_from(PARAMETER_NAMES))
def test_chain_paths_run_from_loss_to_parameter(problem, name):
    for path in backprop.chain(name, *_args(problem)).paths:
        assert path[0].of == "loss"
        assert path[-1].wrt == name
        assert all(a.wrt == b.of for a, b in itertools.pairwise(path))


def test_chain_of_w21_has_the_exams_factors():
    chain = backprop.chain("w21", *_args(exam.BACKPROP))
    expressions = [[factor.expression for factor in path] for path in chain.paths]
    assert expressions == [
        ["o1 - t1", "w31", "relu'(h1)", "i2"],
        ["o2 - t2", "w32", "relu'(h1)", "i2"],
    ]


def test_chain_counts_one_path_per_output_below_hidden_layer():
    args = _args(exam.BACKPROP)
    first_layer = {"w11", "w12", "w21", "w22", "b1", "b2"}
    for name in PARAMETER_NAMES:
        assert len(backprop.chain(name, *args).paths) == (2 if name in first_layer else 1), name


# --- one step of gradient descent ---


@given(backprop_problems())
def test_update_is_parameter_minus_learning_rate_times_gradient(problem):
    grads = backprop.backward(*_args(problem))
    updated = backprop.descent_step(problem.weights, problem.biases, grads, problem.learning_rate)
    for name in PARAMETER_NAMES:
        want = _parameter(problem, name) - problem.learning_rate * grads.grad(name)
        assert_allclose(updated.value(name), want, rtol=EXACT_RTOL, atol=EXACT_ATOL)


@given(backprop_problems())
def test_small_step_does_not_increase_loss(problem):
    # A descent direction: for a small enough step the loss cannot grow (to rounding). Away
    # from the kink, as a step of 1e-8 moves h1 and h2 by far less than KINK_MARGIN.
    _away_from_kink(problem)
    solution = backprop.solve(replace(problem, learning_rate=1e-8))
    after = backprop.forward(
        problem.inputs, solution.updated.weights, solution.updated.biases, problem.targets
    )
    assert after.loss <= solution.forward.loss * (1 + 1e-12) + 1e-12


# --- bad input ---


def _bad(**changes) -> dict:
    args = {
        "inputs": exam.BACKPROP.inputs,
        "weights": dict(exam.BACKPROP.weights),
        "biases": dict(exam.BACKPROP.biases),
        "targets": exam.BACKPROP.targets,
    }
    return args | changes


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        (_bad(weights={**exam.BACKPROP.weights, "w13": 1.0}), "weights"),
        (_bad(weights={k: v for k, v in exam.BACKPROP.weights.items() if k != "w21"}), "weights"),
        (_bad(biases={"b1": 0.0}), "biases"),
        (_bad(weights={**exam.BACKPROP.weights, "w21": math.nan}), "weights['w21']"),
        (_bad(biases={**exam.BACKPROP.biases, "b3": math.inf}), "biases['b3']"),
        (_bad(inputs=(1.0, 2.0, 3.0)), "inputs"),
        (_bad(inputs=(1.0, -math.inf)), "inputs[1]"),
        (_bad(targets=(math.nan, 0.0)), "targets[0]"),
        (_bad(targets=("1", 0.0)), "targets[0]"),
    ],
)
def test_bad_network_raises_value_error_naming_parameter(args, parameter):
    for function in (backprop.forward, backprop.backward):
        with pytest.raises(ValueError, match="^" + re.escape(parameter)):
            function(**args)


@pytest.mark.parametrize("learning_rate", [0.0, -0.1, math.nan, math.inf])
def test_bad_learning_rate_raises_value_error_naming_it(learning_rate):
    with pytest.raises(ValueError, match=r"^learning_rate"):
        backprop.solve(replace(exam.BACKPROP, learning_rate=learning_rate))


@pytest.mark.parametrize("name", ["w13", "b5", "h1", ""])
def test_unknown_parameter_name_raises_value_error(name):
    with pytest.raises(ValueError, match=r"^name"):
        backprop.chain(name, *_args(exam.BACKPROP))


# --- the figures ---


@pytest.mark.parametrize(
    "figure", [backprop_figures.forward_figure, backprop_figures.backward_figure]
)
def test_figures_use_palette_colours_only(figure):
    # figure_svg raises ValueError on any colour outside snippets.render.palette.
    svg = figure_svg(figure(backprop.solve(exam.BACKPROP)), name="backprop-test", alt="network")
    assert "<svg" in svg


def test_forward_figure_shows_every_intermediate_value():
    solution = backprop.solve(exam.BACKPROP)
    fig = backprop_figures.forward_figure(solution)
    texts = {text.get_text() for text in fig.axes[0].texts}
    f = solution.forward
    for value in (f.h1, f.h2, f.h3, f.h4, f.o1, f.o2, f.loss):
        assert backprop_figures.number_text(value) in texts


def test_backward_figure_labels_every_weight_gradient():
    solution = backprop.solve(exam.BACKPROP)
    fig = backprop_figures.backward_figure(solution)
    labels = " ".join(text.get_text() for text in fig.axes[0].texts)
    for name, grad in solution.backward.grad_weights.items():
        symbol = backprop_figures.symbol_text(name)
        assert f"∂L/∂{symbol} = {backprop_figures.number_text(grad)}" in labels, name


# --- the page's arithmetic ---

# TeX of the page -> sympy: products, max, one half and powers as the renderer writes them.
_TEX_TO_SYMPY = ((r"\times", "*"), (r"\max", "Max"), (r"\tfrac{1}{2}", "(1/2)*"), ("^", "**"))
_NUMBERS_ONLY = re.compile(r"^[\d\s.+\-*/()*,Max]+$")


def _equations(markdown: str) -> list[list[str]]:
    """Each displayed equation as its `=`-separated sides; `&=` lines continue the one above."""
    equations: list[list[str]] = []
    for block in re.findall(r"\$\$\n(.*?)\n\s*\$\$", markdown, flags=re.S):
        for line in block.replace("\\\\", "\n").splitlines():
            line = line.strip()
            if not line or line.startswith(("\\begin", "\\end")):
                continue
            sides = [side.replace("&", "").strip() for side in line.split("=")]
            if line.startswith("&=") and equations:
                equations[-1] += sides[1:]
            else:
                equations.append(sides)
    return equations


@functools.cache
def _page(solution) -> str:
    """The Markdown of one solution for the exam's problem (rendered once per module)."""
    return solution(exam.BACKPROP)


def _numeric_values(sides: list[str]) -> list[float]:
    """The sides of an equation that hold only numbers, evaluated by sympy."""
    values = []
    for side in sides:
        for tex, python in _TEX_TO_SYMPY:
            side = side.replace(tex, python)
        if _NUMBERS_ONLY.match(side):
            values.append(float(sp.sympify(side)))
    return values


@pytest.mark.parametrize(
    "solution",
    [
        backprop_render.forward_solution,
        backprop_render.loss_solution,
        backprop_render.gradient_solution,
    ],
)
def test_page_arithmetic_holds_on_every_line(solution):
    # Every side made only of numbers must evaluate to the same value as the result it
    # leads to: a witness that the numbers printed on the page are the right ones.
    equations = _equations(_page(solution))
    assert equations
    for sides in equations:
        values = _numeric_values(sides)
        assert len(values) >= 2, sides
        assert_allclose(values, values[-1], rtol=EXACT_RTOL, atol=EXACT_ATOL, err_msg=str(sides))


def test_page_results_are_the_published_answers():
    equations = _equations(_page(backprop_render.forward_solution))
    results = [_numeric_values(sides)[-1] for sides in equations]
    published = exam.PUBLISHED_BACKPROP
    assert_allclose(results, [*published.hidden, *published.outputs], atol=EXACT_ATOL)
    (loss,) = _equations(_page(backprop_render.loss_solution))
    assert_allclose(_numeric_values(loss)[-1], published.loss, rtol=EXACT_RTOL)
    grad, update = _equations(_page(backprop_render.gradient_solution))
    assert_allclose(_numeric_values(grad)[-1], published.grad_asked, rtol=EXACT_RTOL)
    assert_allclose(_numeric_values(update)[-1], published.updated_asked, rtol=EXACT_RTOL)
