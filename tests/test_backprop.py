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
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from numpy.testing import assert_allclose

from snippets import backprop, exam
from snippets.backprop import BIAS_NAMES, PARAMETER_NAMES
from snippets.practice import backprop as backprop_kind
from snippets.render import backprop as backprop_render
from snippets.render import backprop_figures, palette
from snippets.render import markdown as md
from snippets.render.svg import figure_svg
from tests.figures import COMPUTED_NODES, NETWORK_EDGES, node_boxes, node_edges, texts_in
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


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "The exam's mean squared error halves each output's squared error and adds them",
)
def test_loss_matches_published_mse():
    loss = backprop.solve(exam.BACKPROP).forward.loss
    assert_allclose(loss, exam.PUBLISHED_BACKPROP.loss, rtol=EXACT_RTOL)


@pytest.mark.claim("part-4-backpropagation.md", "The exam asks for the gradient of")
def test_gradient_of_asked_weight_matches_published():
    solution = backprop.solve(exam.BACKPROP)
    assert solution.asked == exam.BACKPROP.asked
    got = solution.backward.grad(exam.BACKPROP.asked)
    assert_allclose(got, exam.PUBLISHED_BACKPROP.grad_asked, rtol=EXACT_RTOL)
    # The published gradient is that of the asked parameter and of no other one.
    published = exam.PUBLISHED_BACKPROP.grad_asked
    grads = {name: solution.backward.grad(name) for name in PARAMETER_NAMES}
    assert [name for name, g in grads.items() if math.isclose(g, published)] == [solution.asked]


def test_chain_of_asked_weight_matches_published_gradient():
    chain = backprop.solve(exam.BACKPROP).chain
    assert_allclose(chain.value, exam.PUBLISHED_BACKPROP.grad_asked, rtol=EXACT_RTOL)


def test_updated_asked_weight_matches_published():
    updated = backprop.solve(exam.BACKPROP).updated.value(exam.BACKPROP.asked)
    assert_allclose(updated, exam.PUBLISHED_BACKPROP.updated_asked, rtol=EXACT_RTOL)


# --- witness 1: central finite differences ---


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "The same backward pass gives the gradient of every weight and bias.",
)
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


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "The same backward pass gives the gradient of every weight and bias.",
)
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


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "The same backward pass gives the gradient of every weight and bias.",
)
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


@pytest.mark.claim("practice/backprop.md", "ReLU keeps a positive sum and replaces any other by 0")
@pytest.mark.claim("part-4-backpropagation.md", "then apply ReLU, giving")
@pytest.mark.claim(
    "part-4-backpropagation.md",
    "ReLU keeps a positive sum and replaces any other by 0",
)
@pytest.mark.claim("part-4-backpropagation.md", "to 0 because its input")
@given(reals)
def test_relu_is_max_of_zero_and_input(x):
    assert backprop.relu(x) == max(0.0, x)
    assert backprop.relu(x) >= 0.0


@pytest.mark.claim("practice/backprop.md", "this guide takes it to be 0.")
@pytest.mark.claim("part-4-backpropagation.md", "this guide takes it to be 0.")
def test_relu_gradient_at_zero_is_zero_by_definition():
    assert backprop.relu_grad(0.0) == 0.0
    assert backprop.relu_grad(-0.0) == 0.0


@pytest.mark.claim("part-4-backpropagation.md", "this guide takes it to be 0.")
def test_no_gradient_flows_through_unit_at_exactly_zero():
    problem = _dead_first_unit()
    f = backprop.forward(*_args(problem))
    assert f.h1 == 0.0
    grads = backprop.backward(*_args(problem))
    assert grads.grad_h3 != 0.0  # gradient arrives at h3 ...
    assert grads.grad_h1 == 0.0  # ... and stops there, since ReLU'(0) = 0
    assert [grads.grad(name) for name in ("w11", "w21", "b1")] == [0.0, 0.0, 0.0]


@pytest.mark.claim("part-4-backpropagation.md", "this guide takes it to be 0.")
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


def _local_derivatives():
    """(node, child) -> ∂node/∂child, each node a function of the nodes one layer down as the
    statement defines them; differentiated by sympy and compiled to Python."""
    names = ("i1", "i2", "t1", "t2", "h1", "h2", "h3", "h4", "o1", "o2", *PARAMETER_NAMES)
    s = {name: sp.Symbol(name, real=True) for name in names}
    nodes = {
        "loss": sp.Rational(1, 2) * (s["t1"] - s["o1"]) ** 2
        + sp.Rational(1, 2) * (s["t2"] - s["o2"]) ** 2,
        "o1": s["h3"] * s["w31"] + s["h4"] * s["w41"] + s["b3"],
        "o2": s["h3"] * s["w32"] + s["h4"] * s["w42"] + s["b4"],
        "h3": sp.Max(0, s["h1"]),
        "h4": sp.Max(0, s["h2"]),
        "h1": s["i1"] * s["w11"] + s["i2"] * s["w21"] + s["b1"],
        "h2": s["i1"] * s["w12"] + s["i2"] * s["w22"] + s["b2"],
    }
    step = {"Heaviside": lambda x, *_: float(x > 0)}  # used away from 0 only
    return {
        (node, str(child)): sp.lambdify(
            list(s.values()), sp.diff(expr, child), modules=[step, "math"]
        )
        for node, expr in nodes.items()
        for child in expr.free_symbols
        if str(child) not in ("t1", "t2")
    }


LOCAL_DERIVATIVES = _local_derivatives()


def _node_values(problem: exam.BackpropProblem) -> dict[str, float]:
    """Every node of the network by name: inputs, targets, parameters, units and outputs."""
    f = backprop.forward(*_args(problem))
    values = dict(zip(("i1", "i2"), problem.inputs, strict=True))
    values |= dict(zip(("t1", "t2"), problem.targets, strict=True))
    values |= dict(problem.weights) | dict(problem.biases)
    return values | {k: getattr(f, k) for k in ("h1", "h2", "h3", "h4", "o1", "o2")}


@pytest.mark.claim(
    "practice/backprop.md",
    "The chain rule multiplies the local derivatives along each path (each the derivative of one node with respect to the next node down the path) and adds the paths' products.",
)
@pytest.mark.claim("practice/backprop.md", "The gradient is the sum of the paths")
@pytest.mark.claim(
    "part-4-backpropagation.md",
    "The chain rule multiplies the local derivatives along each path (each the derivative of "
    "one node with respect to the next node down the path) and adds the paths' products.",
)
@pytest.mark.claim("part-4-backpropagation.md", "The gradient is the sum of the paths")
@given(backprop_problems(), st.sampled_from(PARAMETER_NAMES))
@example(exam.BACKPROP, "w21")
def test_chain_sums_to_backward_gradient(problem, name):
    chain = backprop.chain(name, *_args(problem))
    grads = backprop.backward(*_args(problem))
    assert_allclose(chain.value, grads.grad(name), rtol=EXACT_RTOL, atol=EXACT_ATOL)


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "The chain rule multiplies the local derivatives along each path (each the derivative of "
    "one node with respect to the next node down the path) and adds the paths' products.",
)
@given(backprop_problems(), st.sampled_from(PARAMETER_NAMES))
@example(exam.BACKPROP, "w21")
def test_chain_paths_run_from_loss_to_parameter(problem, name):
    # Each factor is the derivative of one node in the next one down (sympy, on the nodes as
    # the statement defines them), and the paths' products add up to the gradient (the
    # matrix implementation). Away from the kink, where sympy's Heaviside(0) is 1/2.
    _away_from_kink(problem)
    values = _node_values(problem)
    chain = backprop.chain(name, *_args(problem))
    products = []
    for path in chain.paths:
        assert path[0].of == "loss"
        assert path[-1].wrt == name
        assert all(a.wrt == b.of for a, b in itertools.pairwise(path))
        for factor in path:
            local = LOCAL_DERIVATIVES[factor.of, factor.wrt](**values)
            assert_allclose(factor.value, local, rtol=EXACT_RTOL, atol=EXACT_ATOL, err_msg=factor)
        products.append(math.prod(factor.value for factor in path))
    want = _matrix_backprop(problem)[name]
    assert_allclose(math.fsum(products), want, rtol=EXACT_RTOL, atol=EXACT_ATOL)


@pytest.mark.claim("part-4-backpropagation.md", "reaches the loss through")
@pytest.mark.claim("part-4-backpropagation.md", "along two paths.")
def test_chain_of_w21_has_the_exams_factors():
    chain = backprop.chain("w21", *_args(exam.BACKPROP))
    expressions = [[factor.expression for factor in path] for path in chain.paths]
    assert expressions == [
        ["o1 - t1", "w31", "relu'(h1)", "i2"],
        ["o2 - t2", "w32", "relu'(h1)", "i2"],
    ]


@pytest.mark.claim("part-4-backpropagation.md", "along two paths.")
def test_chain_counts_one_path_per_output_below_hidden_layer():
    args = _args(exam.BACKPROP)
    first_layer = {"w11", "w12", "w21", "w22", "b1", "b2"}
    for name in PARAMETER_NAMES:
        assert len(backprop.chain(name, *args).paths) == (2 if name in first_layer else 1), name


# --- one step of gradient descent ---


@pytest.mark.claim("practice/backprop.md", "One step against the gradient")
@pytest.mark.claim("part-4-backpropagation.md", "One step against the gradient")
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


# --- what the chapter states about the network, ReLU and the loss ---


def _matrix_forward(problem: exam.BackpropProblem) -> tuple[np.ndarray, ...]:
    """The forward pass as the statement gives it, with matrices: sums z = x W1 + b, ReLU,
    outputs o = a W2 + c with no activation, loss half the sum of the squared errors."""
    w, b = problem.weights, problem.biases
    x, t = np.array(problem.inputs), np.array(problem.targets)
    w1 = np.array([[w["w11"], w["w12"]], [w["w21"], w["w22"]]])  # w_kj from unit k to unit j
    w2 = np.array([[w["w31"], w["w32"]], [w["w41"], w["w42"]]])
    z = x @ w1 + np.array([b["b1"], b["b2"]])
    a = np.maximum(z, 0.0)
    o = a @ w2 + np.array([b["b3"], b["b4"]])
    return z, a, o, 0.5 * np.sum((t - o) ** 2)


@pytest.mark.claim("practice/backprop.md", "A small fully connected network maps two inputs")
@pytest.mark.claim("practice/backprop.md", "through one hidden layer of two units.")
@pytest.mark.claim("practice/backprop.md", "then apply ReLU, giving")
@pytest.mark.claim("practice/backprop.md", "and have no activation.")
@pytest.mark.claim("practice/backprop.md", "Each sum has its own bias")
@pytest.mark.claim("practice/backprop.md", "and the outputs are compared with the targets")
@pytest.mark.claim("practice/backprop.md", "with no activation:")
@pytest.mark.claim(
    "practice/backprop.md",
    "The exam's mean squared error halves each output's squared error and adds them",
)
@pytest.mark.claim("practice/backprop.md", "Compute the loss, the exam's mean squared error")
@pytest.mark.claim("exam-sheet.md", "A small fully connected network maps two inputs")
@pytest.mark.claim("exam-sheet.md", "through one hidden layer of two units.")
@pytest.mark.claim("exam-sheet.md", "then apply ReLU, giving")
@pytest.mark.claim("exam-sheet.md", "and have no activation.")
@pytest.mark.claim("exam-sheet.md", "Each sum has its own bias")
@pytest.mark.claim("exam-sheet.md", "and the outputs are compared with the targets")
@pytest.mark.claim("part-4-backpropagation.md", "A small fully connected network maps two inputs")
@pytest.mark.claim("part-4-backpropagation.md", "through one hidden layer of two units.")
@pytest.mark.claim("part-4-backpropagation.md", "then apply ReLU, giving")
@pytest.mark.claim("part-4-backpropagation.md", "and have no activation.")
@pytest.mark.claim("part-4-backpropagation.md", "Each sum has its own bias")
@pytest.mark.claim("part-4-backpropagation.md", "and the outputs are compared with the targets")
@pytest.mark.claim("part-4-backpropagation.md", "with no activation:")
@pytest.mark.claim(
    "part-4-backpropagation.md",
    "The exam's mean squared error halves each output's squared error and adds them",
)
@given(backprop_problems())
@example(exam.BACKPROP)
def test_forward_follows_the_stated_network(problem):
    f = backprop.forward(*_args(problem))
    z, a, o, loss = _matrix_forward(problem)
    assert_allclose(
        [f.h1, f.h2, f.h3, f.h4, f.o1, f.o2, f.loss],
        [*z, *a, *o, loss],
        rtol=EXACT_RTOL,
        atol=EXACT_ATOL,
    )


@pytest.mark.claim(
    "practice/backprop.md",
    'With two outputs, half the sum of the squared errors is their mean, so both readings of "mean squared error" give this value.',
)
@pytest.mark.claim(
    "part-4-backpropagation.md",
    "With two outputs, half the sum of the squared errors is their mean, so both readings of "
    '"mean squared error" give this value.',
)
@given(backprop_problems())
@example(exam.BACKPROP)
def test_loss_is_the_mean_of_the_squared_errors_over_two_outputs(problem):
    # The exam's ½ (t1 - o1)² + ½ (t2 - o2)² is also the mean: both readings of "MSE" agree.
    f = backprop.forward(*_args(problem))
    errors = np.array(problem.targets) - np.array([f.o1, f.o2])
    assert_allclose(f.loss, np.mean(errors**2), rtol=EXACT_RTOL, atol=EXACT_ATOL)


@pytest.mark.claim("part-4-backpropagation.md", "with no factor 2: (c) uses it.")
def test_loss_derivative_in_an_output_is_output_minus_target():
    # sympy: d/do [½ (t - o)²] = o - t, with no factor 2.
    o, t = sp.symbols("o t", real=True)
    assert sp.simplify(sp.diff(sp.Rational(1, 2) * (t - o) ** 2, o) - (o - t)) == 0


@pytest.mark.claim("practice/backprop.md", "with no factor 2: (c) uses it.")
@pytest.mark.claim("practice/backprop.md", "in an output is")
@pytest.mark.claim("part-4-backpropagation.md", "with no factor 2: (c) uses it.")
@pytest.mark.claim("part-4-backpropagation.md", "in an output is")
@given(backprop_problems())
@example(exam.BACKPROP)
def test_backward_starts_from_output_minus_target(problem):
    # The same at the network's outputs, against central differences in the output bias
    # (∂o1/∂b3 = 1, so ∂L/∂b3 is ∂L/∂o1).
    f = backprop.forward(*_args(problem))
    grads = backprop.backward(*_args(problem))
    for out, target, bias in (("o1", 0, "b3"), ("o2", 1, "b4")):
        want = getattr(f, out) - problem.targets[target]
        assert_allclose(getattr(grads, f"grad_{out}"), want, rtol=EXACT_RTOL, atol=EXACT_ATOL)
        p = _parameter(problem, bias)
        up = backprop.forward(*_args(_with(problem, bias, p + FD_STEP))).loss
        down = backprop.forward(*_args(_with(problem, bias, p - FD_STEP))).loss
        assert_allclose((up - down) / (2 * FD_STEP), want, rtol=FD_RTOL, atol=FD_ATOL)


nonzero_reals = reals.filter(lambda x: abs(x) > KINK_MARGIN)


@pytest.mark.claim(
    "practice/backprop.md",
    "The derivative of ReLU is 1 for a positive input and 0 for a negative one",
)
@pytest.mark.claim("practice/backprop.md", "is positive, so")
@pytest.mark.claim(
    "part-4-backpropagation.md",
    "The derivative of ReLU is 1 for a positive input and 0 for a negative one",
)
@pytest.mark.claim("part-4-backpropagation.md", "is positive, so")
@given(nonzero_reals)
def test_relu_gradient_is_one_for_positive_and_zero_for_negative_inputs(x):
    assert backprop.relu_grad(x) == (1.0 if x > 0 else 0.0)
    # The witness: ReLU's own central difference, the step well inside the margin from 0.
    step = KINK_MARGIN / 10
    slope = (backprop.relu(x + step) - backprop.relu(x - step)) / (2 * step)
    assert_allclose(slope, backprop.relu_grad(x), rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.claim("practice/backprop.md", "where ReLU has no derivative")
@pytest.mark.claim("part-4-backpropagation.md", "where ReLU has no derivative")
@pytest.mark.parametrize("step", [1e-1, 1e-4, 1e-8])
def test_relu_has_no_derivative_at_zero(step):
    # The one-sided difference quotients at 0 are 1 and 0, at every step: no limit exists.
    right = (backprop.relu(step) - backprop.relu(0.0)) / step
    left = (backprop.relu(0.0) - backprop.relu(-step)) / step
    assert (right, left) == (1.0, 0.0)


def _switched_off(problem: exam.BackpropProblem, j: int) -> exam.BackpropProblem:
    """The problem with the sum h_j made non-positive through its bias (h_j <= 0)."""
    i1, i2 = problem.inputs
    w = problem.weights
    return _with(
        problem, f"b{j}", -abs(i1 * w[f"w1{j}"] + i2 * w[f"w2{j}"]) - abs(problem.biases[f"b{j}"])
    )


@pytest.mark.claim("practice/backprop.md", "adds nothing to the outputs: whatever the weights")
@pytest.mark.claim(
    "part-4-backpropagation.md",
    "adds nothing to the outputs: whatever the weights",
)
@given(backprop_problems(), st.sampled_from([1, 2]), reals, reals)
@example(exam.BACKPROP, 2, 3.0, -4.0)  # the exam: h2 = -0.5, h4 = 0
def test_switched_off_unit_adds_nothing_to_the_outputs(problem, j, first, second):
    problem = _switched_off(problem, j)
    before = backprop.forward(*_args(problem))
    assert getattr(before, f"h{j}") <= 0
    # Any weights on the edges out of h_{j+2} leave o1 and o2 as they were.
    out = _with(_with(problem, f"w{j + 2}1", first), f"w{j + 2}2", second)
    after = backprop.forward(*_args(out))
    assert (after.o1, after.o2) == (before.o1, before.o2)


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "has gradient 0 and keeps its value: ReLU switched",
)
@given(backprop_problems(), st.sampled_from([1, 2]))
@example(exam.BACKPROP, 2)
def test_switched_off_unit_parameters_get_no_gradient_and_keep_their_value(problem, j):
    # Every weight and bias on an edge into h_j or out of h_{j+2}.
    problem = _switched_off(problem, j)
    solution = backprop.solve(problem)
    names = (f"w1{j}", f"w2{j}", f"b{j}", f"w{j + 2}1", f"w{j + 2}2")
    assert [solution.backward.grad(name) for name in names] == [0.0] * 5
    assert [solution.updated.value(name) for name in names] == [
        _parameter(problem, name) for name in names
    ]


# --- the figures ---

# No label smaller than this on a phone (as snippets/render/svg.py): a figure keeps the width
# at which its smallest label is this size and scrolls sideways in a narrower column.
MIN_LABEL_PX = 11
# The network graphs are laid out narrow enough that this width suffices, so a phone's column
# (about 330 CSS px inside a solution) scrolls them by less than half a screen.
NETWORK_FIGURE_MAX_PX = 480
GIVEN_NODES = ("i1", "i2", "b1", "b2", "b3", "b4", "t1", "t2")
# An arrow stops short of the boxes it joins, by no more than this (points): it meets them.
ARROW_AIR_PT = 5.0
ON_LINE_INCH = 1e-9  # an arrow's ends on the line between the centres, up to rounding
FIGURES = {
    "question": backprop_figures.question_figure,
    "forward": backprop_figures.forward_figure,
    "backward": backprop_figures.backward_figure,
}


@functools.cache
def _figure(kind: str, asked: str = "w21"):
    return FIGURES[kind](backprop.solve(replace(exam.BACKPROP, asked=asked)))


@pytest.mark.parametrize("kind", FIGURES)
def test_figures_use_palette_colours_only(kind):
    # figure_svg raises ValueError on any colour outside snippets.render.palette.
    svg = figure_svg(_figure(kind), name="backprop-test", alt="network")
    assert "<svg" in svg


@pytest.mark.parametrize("kind", FIGURES)
def test_figures_draw_every_connection_of_the_network(kind):
    assert set(node_edges(_figure(kind))) == NETWORK_EDGES


def _gap_pt(point, box) -> float:
    """How far `point` lies outside the rectangle of `box`, in points (0 inside it)."""
    x, y = box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2
    dx = max(abs(point[0] - x) - box.get_width() / 2, 0.0)
    dy = max(abs(point[1] - y) - box.get_height() / 2, 0.0)
    return math.hypot(dx, dy) * 72  # inches to points


@pytest.mark.parametrize("kind", FIGURES)
def test_figures_draw_each_arrow_from_its_sources_box_to_its_targets(kind):
    # The arrow named (source, target) runs on the line between the boxes' centres, leaving
    # the source's box and stopping before the target's, with a little air at both ends.
    fig = _figure(kind)
    boxes = node_boxes(fig)
    for (source, target), arrow in node_edges(fig).items():
        drawn = arrow.get_path().vertices[:-1]  # data coordinates; the last closes the head
        start = drawn[0]
        tip = max(drawn, key=lambda point: math.dist(point, start))
        centres = backprop_figures.POSITIONS[source], backprop_figures.POSITIONS[target]
        for point in (start, tip):
            assert _distance_to_segment(point, *centres) < ON_LINE_INCH, (source, target)
        assert 0 < _gap_pt(start, boxes[source]) <= ARROW_AIR_PT, (source, target)
        assert 0 < _gap_pt(tip, boxes[target]) <= ARROW_AIR_PT, (source, target)


@pytest.mark.parametrize("name", PARAMETER_NAMES)
def test_figures_draw_each_parameter_on_the_edge_the_network_multiplies_it_on(name):
    # The last local derivative of any path to a parameter names its edge: ∂h1/∂w21 = i2 is
    # the edge i2 -> h1, ∂o1/∂b3 = 1 the edge b3 -> o1.
    paths = backprop.chain(name, *_args(exam.BACKPROP)).paths
    (last,) = {path[-1] for path in paths}
    if name in backprop_figures.WEIGHT_EDGES:
        assert backprop_figures.WEIGHT_EDGES[name] == (last.expression, last.of)
    else:
        assert (last.expression, backprop_figures.BIAS_EDGES[name]) == ("1", last.of)


def _distance_to_segment(point, start, end) -> float:
    p, a, b = (np.array(v, dtype=float) for v in (point, start, end))
    t = np.clip(np.dot(p - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0)
    return float(np.linalg.norm(p - (a + t * (b - a))))


@pytest.mark.parametrize("kind", FIGURES)
def test_figures_write_each_weight_label_at_its_edge(kind):
    fig = _figure(kind)
    label_of = {
        "question": lambda name: f"{backprop_figures.symbol_text(name)} = ",
        "forward": lambda name: f"{backprop_figures.symbol_text(name)} = ",
        "backward": lambda name: f"∂L/∂{backprop_figures.symbol_text(name)}\n",
    }[kind]
    for name, (source, target) in backprop_figures.WEIGHT_EDGES.items():
        (text,) = [t for t in fig.axes[0].texts if t.get_text().startswith(label_of(name))]
        start = backprop_figures.POSITIONS[source]
        end = backprop_figures.POSITIONS[target]
        # On the edge, or just beside it (0.25 inch: a line of text).
        assert _distance_to_segment(text.get_position(), start, end) <= 0.25, name


@pytest.mark.parametrize("kind", ["question", "forward"])
def test_question_and_forward_figures_write_each_given_weight(kind):
    labels = {t.get_text() for t in _figure(kind).axes[0].texts}
    for name, value in exam.BACKPROP.weights.items():
        symbol = backprop_figures.symbol_text(name)
        assert f"{symbol} = {backprop_figures.number_text(value)}" in labels, name


def test_question_figure_writes_only_the_given_values():
    # Given values in the nodes of inputs, biases and targets; nothing computed anywhere.
    fig = _figure("question")
    values = _given_values(exam.BACKPROP)
    for node in GIVEN_NODES:
        want = [backprop_figures.symbol_text(node), backprop_figures.number_text(values[node])]
        assert texts_in(fig, node) == want, node
    for node in COMPUTED_NODES:
        assert texts_in(fig, node) == [backprop_figures.symbol_text(node)], node


def _given_values(problem: exam.BackpropProblem) -> dict[str, float]:
    values = dict(zip(("i1", "i2"), problem.inputs, strict=True))
    values |= dict(zip(("t1", "t2"), problem.targets, strict=True))
    return values | problem.biases


@pytest.mark.claim("part-4-backpropagation.md", "The same values written into the graph (the loss")
@pytest.mark.claim("part-4-backpropagation.md", "is left for (b))")
def test_forward_figure_writes_each_unit_value_in_its_node_and_leaves_the_loss_out():
    fig = _figure("forward")
    f = backprop.forward(*_args(exam.BACKPROP))
    for node, value in _given_values(exam.BACKPROP).items():  # next to the given values
        want = [backprop_figures.symbol_text(node), backprop_figures.number_text(value)]
        assert texts_in(fig, node) == want, node
    for node in ("h1", "h2", "h3", "h4", "o1", "o2"):
        want = [backprop_figures.symbol_text(node), backprop_figures.number_text(getattr(f, node))]
        assert texts_in(fig, node) == want, node
    assert texts_in(fig, "loss") == ["L"]  # the loss is the answer of (b)


@pytest.mark.claim("part-4-backpropagation.md", "The whole backward pass on the graph:")
@pytest.mark.claim(
    "part-4-backpropagation.md",
    "in every unit and bias, the gradient of every weight on its edge, the edges of the paths "
    "above in colour",
)
def test_backward_figure_writes_each_gradient_in_its_node():
    fig = _figure("backward")
    grads = _matrix_backprop(exam.BACKPROP)
    f = backprop.forward(*_args(exam.BACKPROP))
    upstream = {"loss": 1.0, "o1": f.o1 - exam.BACKPROP.targets[0]}
    upstream["o2"] = f.o2 - exam.BACKPROP.targets[1]
    w = exam.BACKPROP.weights
    upstream["h3"] = upstream["o1"] * w["w31"] + upstream["o2"] * w["w32"]
    upstream["h4"] = upstream["o1"] * w["w41"] + upstream["o2"] * w["w42"]
    upstream |= {"h1": grads["b1"], "h2": grads["b2"]}  # ∂h/∂b = 1
    upstream |= {b: grads[b] for b in BIAS_NAMES}
    for node, value in upstream.items():
        want = [backprop_figures.symbol_text(node), backprop_figures.number_text(value)]
        assert texts_in(fig, node) == want, node


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "in every unit and bias, the gradient of every weight on its edge, the edges of the paths "
    "above in colour",
)
def test_backward_figure_labels_every_weight_gradient():
    labels = {t.get_text() for t in _figure("backward").axes[0].texts}
    for name, grad in _matrix_backprop(exam.BACKPROP).items():
        if name in backprop_figures.WEIGHT_EDGES:
            assert backprop_figures.gradient_label(name, grad) in labels, name


@pytest.mark.claim("part-4-backpropagation.md", "The whole backward pass on the graph:")
def test_backward_figure_writes_the_relu_slope_on_each_relu_edge():
    fig = _figure("backward")
    f = backprop.forward(*_args(exam.BACKPROP))
    for h, pre in backprop_figures.RELU_EDGES.items():
        slope = 1.0 if getattr(f, pre) > 0 else 0.0  # the exam: h1 = 2 > 0, h2 = -0.5 < 0
        label = backprop_figures.relu_label(pre, slope)
        (text,) = [t for t in fig.axes[0].texts if t.get_text() == label]
        start, end = backprop_figures.POSITIONS[pre], backprop_figures.POSITIONS[h]
        assert _distance_to_segment(text.get_position(), start, end) <= 0.35, label


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "in every unit and bias, the gradient of every weight on its edge, the edges of the paths "
    "above in colour",
)
@pytest.mark.parametrize(
    ("asked", "path_edges"),
    [
        # The exam's w21: i2 -> h1, through ReLU, then through both outputs to the loss.
        ("w21", {("i2", "h1"), ("h1", "h3"), ("h3", "o1"), ("h3", "o2"), ("o1", "loss"),
                 ("o2", "loss")}),
        ("w42", {("h4", "o2"), ("o2", "loss")}),
        ("b3", {("b3", "o1"), ("o1", "loss")}),
    ],
)  # fmt: skip
def test_backward_figure_colours_exactly_the_paths_of_the_asked_parameter(asked, path_edges):
    accent = to_rgba(palette.ACCENT)
    for edge, arrow in node_edges(_figure("backward", asked)).items():
        assert (to_rgba(arrow.get_edgecolor()) == accent) == (edge in path_edges), edge


@pytest.mark.parametrize("kind", FIGURES)
def test_figure_shows_11_px_labels_within_480_css_px(kind):
    fig = _figure(kind)
    smallest = min(text.get_fontsize() for text in fig.axes[0].texts)  # points
    # The viewBox is in points: the figure's width at which the smallest label is 11 px.
    needed = fig.get_figwidth() * 72 * MIN_LABEL_PX / smallest
    assert needed <= NETWORK_FIGURE_MAX_PX


@pytest.mark.parametrize("kind", FIGURES)
def test_figure_labels_do_not_overlap(kind):
    fig = _figure(kind)
    renderer = FigureCanvasAgg(fig).get_renderer()
    extents = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.axes[0].texts]
    for (a, box_a), (b, box_b) in itertools.combinations(extents, 2):
        assert not box_a.overlaps(box_b), (a, b)
    # Nor does a node cover another, or a label on an edge a node.
    nodes = [box.get_window_extent(renderer) for box in node_boxes(fig).values()]
    for box_a, box_b in itertools.combinations(nodes, 2):
        assert not box_a.overlaps(box_b)
    for text in fig.axes[0].texts:
        if text.get_bbox_patch() is not None:
            assert not any(text.get_window_extent(renderer).overlaps(n) for n in nodes), text


# --- the page: arithmetic, answers and the unit's shape ---

# TeX of the page -> sympy: products, max, one half and powers as the renderer writes them.
_TEX_TO_SYMPY = (
    (r"\times", "*"),
    (r"\cdot", "*"),
    (r"\max", "Max"),
    (r"\tfrac{1}{2}", "(1/2)*"),
    ("^", "**"),
)
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


def _inline_equations(markdown: str) -> list[list[str]]:
    """Each inline formula `$...$` as its sides, split at = and at ←."""
    formulas = re.findall(r"(?<!\$)\$([^$\n]+)\$(?!\$)", markdown)
    return [re.split(r"=|\\leftarrow", formula) for formula in formulas]


def _numeric_values(sides: list[str]) -> list[float]:
    """The sides of an equation that hold only numbers, evaluated by sympy."""
    values = []
    for side in sides:
        side = side.strip()
        for tex, python in _TEX_TO_SYMPY:
            side = side.replace(tex, python)
        if side and _NUMBERS_ONLY.match(side):
            values.append(float(sp.sympify(side)))
    return values


# The exam's network, then a few practice variants: the same renderers, other numbers.
PROBLEMS = {"exam": exam.BACKPROP} | {
    f"practice-{seed}": backprop_kind.generate(seed) for seed in (1, 2, 3)
}


WORKED = [
    backprop_render.forward_worked,
    backprop_render.loss_worked,
    backprop_render.gradient_worked,
]
ANSWERS = [
    backprop_render.forward_answer,
    backprop_render.loss_answer,
    backprop_render.gradient_answer,
]
UNITS = [backprop_render.forward_unit, backprop_render.loss_unit, backprop_render.gradient_unit]


@functools.cache
def _page(render, problem: str = "exam") -> str:
    """The Markdown of one renderer for a problem of PROBLEMS (rendered once per module)."""
    return render(PROBLEMS[problem])


@pytest.mark.parametrize("worked", WORKED)
@pytest.mark.parametrize("problem", PROBLEMS)
def test_page_arithmetic_holds_on_every_line(worked, problem):
    # Every side made only of numbers must evaluate to the same value as the result it
    # leads to: a witness that the numbers printed on the page are the right ones.
    equations = _equations(_page(worked, problem))
    assert equations
    for sides in equations:
        values = _numeric_values(sides)
        assert len(values) >= 2, sides
        assert_allclose(values, values[-1], rtol=EXACT_RTOL, atol=EXACT_ATOL, err_msg=str(sides))


def test_page_results_are_the_published_answers():
    equations = _equations(_page(backprop_render.forward_worked))
    results = [_numeric_values(sides)[-1] for sides in equations]
    published = exam.PUBLISHED_BACKPROP
    assert_allclose(results, [*published.hidden, *published.outputs], atol=EXACT_ATOL)
    (loss,) = _equations(_page(backprop_render.loss_worked))
    assert_allclose(_numeric_values(loss)[-1], published.loss, rtol=EXACT_RTOL)
    *paths, grad, update = _equations(_page(backprop_render.gradient_worked))
    assert len(paths) == 2  # one per output: the chain for w21 has two paths
    assert_allclose(_numeric_values(grad)[-1], published.grad_asked, rtol=EXACT_RTOL)
    assert_allclose(_numeric_values(update)[-1], published.updated_asked, rtol=EXACT_RTOL)


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("problem", PROBLEMS)
def test_answer_arithmetic_holds_in_every_formula(answer, problem):
    checked = 0
    for sides in _inline_equations(_page(answer, problem)):
        values = _numeric_values(sides)
        if len(values) >= 2:
            checked += 1
            assert_allclose(
                values, values[-1], rtol=EXACT_RTOL, atol=EXACT_ATOL, err_msg=str(sides)
            )
    assert checked


def _answer_results(answer) -> list[float]:
    """The last number of each formula of an answer that has one."""
    results = []
    for sides in _inline_equations(_page(answer)):
        values = _numeric_values(sides)
        if values:
            results.append(values[-1])
    return results


def test_answers_are_the_published_answers():
    published = exam.PUBLISHED_BACKPROP
    assert_allclose(
        _answer_results(backprop_render.forward_answer),
        [*published.hidden, *published.outputs],
        atol=EXACT_ATOL,
    )
    assert_allclose(_answer_results(backprop_render.loss_answer), [published.loss])
    assert_allclose(
        _answer_results(backprop_render.gradient_answer),
        [published.grad_asked, published.updated_asked],
    )


@pytest.mark.parametrize("unit", UNITS)
def test_unit_shows_nothing_of_the_answer_before_its_answer_block(unit):
    text = _page(unit)
    before, after = text.split('<div class="guide-answers', 1)
    assert "<figure" not in before  # the marked-up figures are in the worked solution
    assert r"\partial" not in before
    published = exam.PUBLISHED_BACKPROP
    answers = {*published.hidden, *published.outputs, published.loss, published.grad_asked}
    answers.add(published.updated_asked)
    for value in answers:
        assert f"{backprop_render.dec(value)}$" not in before, value
    assert after.index("Answer ·") < after.index("Worked solution") < after.index("How we know")


@pytest.mark.parametrize(
    ("solution", "label"),
    [
        (backprop_render.forward_solution, "a"),
        (backprop_render.loss_solution, "b"),
        (backprop_render.gradient_solution, "c"),
    ],
)
def test_practice_solution_is_the_worked_solution_with_its_evidence(solution, label):
    text = _page(solution)
    points = md.points(md.question(4, label).points)
    assert text.startswith(f'??? success "Solution ({points})"')
    worked = {"a": backprop_render.forward_worked, "b": backprop_render.loss_worked}
    worked["c"] = backprop_render.gradient_worked
    assert md.indent(_page(worked[label])) in text
    assert "guide-evidence-slot" in text


@pytest.mark.claim("practice/backprop.md", "so for instance")
@pytest.mark.claim("exam-sheet.md", "so for instance")
@pytest.mark.claim("part-4-backpropagation.md", "so for instance")
def test_statement_examples_of_weight_naming_match_the_network():
    text = backprop_render.network_statement(exam.BACKPROP)
    examples = re.findall(r"\$w_\{(\d\d)\}\$ joins \$(\w)_(\d)\$ to \$(\w)_(\d)\$", text)
    assert len(examples) == 2
    for index, source, k, target, j in examples:
        paths = backprop.chain(f"w{index}", *_args(exam.BACKPROP)).paths
        (last,) = {path[-1] for path in paths}  # ∂target/∂w = the source's value
        assert (last.expression, last.of) == (source + k, target + j), index


@pytest.mark.claim("practice/backprop.md", "leads from unit")
@pytest.mark.claim("practice/backprop.md", "of the next (the sources are numbered")
@pytest.mark.claim("exam-sheet.md", "leads from unit")
@pytest.mark.claim("exam-sheet.md", "of the next (the sources are numbered")
@pytest.mark.claim("part-4-backpropagation.md", "leads from unit")
@pytest.mark.claim("part-4-backpropagation.md", "of the next (the sources are numbered")
@pytest.mark.parametrize("name", backprop.WEIGHT_NAMES)
def test_weight_names_follow_the_stated_rule(name):
    # w_kj leads from source k (numbered i1, i2, then h3, h4) to unit j of the next layer.
    k, j = name[1], name[2]
    source = {"1": "i1", "2": "i2", "3": "h3", "4": "h4"}[k]
    target = ("h" if k in "12" else "o") + j
    (last,) = {path[-1] for path in backprop.chain(name, *_args(exam.BACKPROP)).paths}
    assert (last.expression, last.of) == (source, target)


PAGE = Path(__file__).parent.parent / "docs" / "part-4-backpropagation.md"


@pytest.mark.claim("part-4-backpropagation.md", "All three questions use the network below.")
def test_chapter_blocks_all_use_the_exams_network():
    # "All three questions use the network below": every block that renders part of the
    # chapter passes the exam's one problem.
    page = PAGE.read_text()
    calls = re.findall(r"print\((\w+)\((.*?)\)\)", page)
    rendered = {name: argument for name, argument in calls if hasattr(backprop_render, name)}
    assert {"network_statement", "network_graph", "forward_unit", "loss_unit"} <= set(rendered)
    assert {"gradient_unit", "all_gradients"} <= set(rendered)
    assert set(rendered.values()) == {"exam.BACKPROP"}


@pytest.mark.claim("part-4-backpropagation.md", "One training step of a small network")
@pytest.mark.claim(
    "part-4-backpropagation.md",
    "(a) its forward pass, (b) its loss, and (c) the gradient of one weight by the chain rule, "
    "followed by one step of gradient descent.",
)
def test_chapter_is_one_training_step_in_the_order_it_states():
    calls = [name for name, _ in re.findall(r"print\((\w+)\((.*?)\)\)", PAGE.read_text())]
    units = [name for name in calls if name.endswith("_unit")]
    assert units == ["forward_unit", "loss_unit", "gradient_unit"]
    # (c): the gradient of one weight by the chain rule, then one descent step with it.
    assert exam.BACKPROP.asked in backprop.WEIGHT_NAMES
    worked = _page(backprop_render.gradient_worked)
    assert worked.index("The chain rule") < worked.index("**Update.**")
    assert worked.count("**Update.**") == 1
    *_, grad, update = _equations(worked)
    solution = backprop.solve(exam.BACKPROP)
    assert_allclose(_numeric_values(grad)[-1], solution.chain.value, rtol=EXACT_RTOL)
    assert_allclose(
        _numeric_values(update)[-1],
        _parameter(exam.BACKPROP, solution.asked) - solution.learning_rate * solution.chain.value,
        rtol=EXACT_RTOL,
    )


@pytest.mark.claim(
    "part-4-backpropagation.md", "about 9 of the exam's 71 minutes (one minute a point)"
)
def test_part_summary_gives_the_published_points_and_one_minute_a_point():
    points = exam.PUBLISHED_PART_POINTS[3]  # Part IV, from the exam's cover
    assert exam.part(4).points == points
    assert exam.PUBLISHED_TOTAL_POINTS == exam.MINUTES  # one minute a point
    summary = md.part_summary(4)
    assert f"**Part IV · {points} points** · about {points} of the exam's" in summary
    assert f" {exam.MINUTES} minutes (one minute a point)" in summary


@pytest.mark.claim("part-4-backpropagation.md", "The values are:")
def test_statement_lists_every_given_value():
    text = backprop_render.network_statement(exam.BACKPROP)
    named = dict(zip(("i1", "i2"), exam.BACKPROP.inputs, strict=True))
    named |= dict(zip(("t1", "t2"), exam.BACKPROP.targets, strict=True))
    named |= exam.BACKPROP.weights | exam.BACKPROP.biases
    for name, value in named.items():
        assert f"${backprop_render.symbol(name)} = {backprop_render.dec(value)}$" in text, name
    # Each row names its role truly: a weight is "into h1, h2" when the network adds it into
    # h1 or h2 (the last local derivative of its chain is ∂h/∂w).
    rows = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", text, flags=re.M))
    listed = {
        role: {a + b for a, b in re.findall(r"\$([a-z])_\{?(\d+)\}? =", cell)}
        for role, cell in rows.items()
        if role != ":--"  # the table's alignment row
    }
    into = {
        name: {path[-1].of for path in backprop.chain(name, *_args(exam.BACKPROP)).paths}
        for name in backprop.WEIGHT_NAMES
    }
    assert listed == {
        "inputs": {"i1", "i2"},
        "weights into $h_1, h_2$": {w for w, units in into.items() if units <= {"h1", "h2"}},
        "weights into $o_1, o_2$": {w for w, units in into.items() if units <= {"o1", "o2"}},
        "biases": set(BIAS_NAMES),
        "targets": {"t1", "t2"},
    }


def _evaluate(tex: str, values: dict[str, float]) -> float:
    """A product of local derivatives in the page's TeX, evaluated at the network's values."""

    def relu_slope(match: re.Match[str]) -> str:
        return repr(backprop.relu_grad(values[match[1] + match[2]]))

    tex = re.sub(r"\\operatorname\{ReLU\}'\((\w)_(\d)\)", relu_slope, tex)
    tex = re.sub(r"([a-z])_\{?(\d+)\}?", lambda m: f"({values[m[1] + m[2]]!r})", tex)
    for old, new in ((r"\cdot", "*"), (r"\quad", ""), ("&", "")):
        tex = tex.replace(old, new)
    return float(sp.sympify(tex))


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "Each gradient as the chain rule writes it, one path a line",
)
@settings(max_examples=25)
@given(backprop_problems())
@example(exam.BACKPROP)
def test_every_gradient_chain_on_the_page_evaluates_to_the_gradient(problem):
    f = backprop.forward(*_args(problem))
    values = dict(zip(("i1", "i2"), problem.inputs, strict=True))
    values |= dict(zip(("t1", "t2"), problem.targets, strict=True))
    values |= problem.weights | problem.biases
    values |= {k: getattr(f, k) for k in ("h1", "h2", "h3", "h4", "o1", "o2")}
    tex = backprop_render.gradient_chains_tex(backprop.solve(problem))
    sums: dict[str, float] = {}
    lines: dict[str, int] = {}
    name = ""
    for line in re.findall(r"^(.*?)(?: \\\\)?$", tex.split("\\begin{aligned}\n")[1], re.M):
        if line.startswith("\\end"):
            break
        if line.startswith(r"\frac"):
            head, line = line.split("&=")
            name = re.search(r"\\partial (\w)_\{?(\d+)\}?\}\}?$", head.strip())
            name = name[1] + name[2]
        sums[name] = sums.get(name, 0.0) + _evaluate(line, values)
        lines[name] = lines.get(name, 0) + 1
    want = _matrix_backprop(problem)
    assert set(sums) == set(PARAMETER_NAMES)
    for key, count in lines.items():  # one path a line
        assert count == len(backprop.chain(key, *_args(problem)).paths), key
    for key, value in sums.items():
        assert_allclose(value, want[key], rtol=EXACT_RTOL, atol=EXACT_ATOL, err_msg=key)


def _table(markdown: str) -> dict[str, tuple[float, float, float]]:
    """The gradients table: parameter -> (value, gradient, after one step)."""
    rows = re.findall(
        r"^\s*\| \$(\w)_\{?(\d+)\}? = ([^$]+)\$ \| \$([^$]+)\$ \| \$([^$]+)\$ \|$",
        markdown,
        re.M,
    )
    return {a + b: (float(v), float(g), float(u)) for a, b, v, g, u in rows}


def test_every_gradient_is_hidden_in_the_sections_answer():
    text = backprop_render.all_gradients(exam.BACKPROP)
    body, answer = text.split('??? success guide-answer "Answer"')
    assert not _table(body)
    assert "\\frac" not in body
    assert set(_table(answer)) == set(PARAMETER_NAMES)


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "Each parameter's value, its gradient, and its new value after one step of gradient "
    "descent with",
)
def test_every_gradient_table_row_matches_the_matrix_implementation():
    problem = exam.BACKPROP
    grads = _matrix_backprop(problem)
    table = _table(backprop_render.all_gradients(problem))
    assert list(table) == list(PARAMETER_NAMES)  # every parameter, one row each
    for name, (value, grad, after) in table.items():
        old = _parameter(problem, name)
        want = (old, grads[name], old - problem.learning_rate * grads[name])
        assert_allclose((value, grad, after), want, rtol=EXACT_RTOL, atol=EXACT_ATOL, err_msg=name)


@pytest.mark.claim(
    "part-4-backpropagation.md",
    "has gradient 0 and keeps its value: ReLU switched",
)
def test_every_gradient_section_names_the_switched_off_unit_and_its_zero_gradients():
    text = backprop_render.all_gradients(exam.BACKPROP)
    f = backprop.forward(*_args(exam.BACKPROP))
    assert (f.h1 > 0, f.h2 <= 0) == (True, True)  # the exam: only h4 is switched off
    assert "into $h_2$ or out of $h_4$ has gradient 0 and keeps its value" in text
    zero = {name for name, (_, grad, _) in _table(text).items() if grad == 0}
    assert zero == {"w12", "w22", "b2", "w41", "w42"}
