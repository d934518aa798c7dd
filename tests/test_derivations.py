"""Every derivation checks, its result is the published one, and a wrong step is caught."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from snippets import derivations
from snippets.derivations import Derivation, DerivationError, Step, p, t, z

DERIVATIONS = [
    derivations.sigmoid_derivative,
    derivations.one_minus_sigmoid,
    derivations.bce_derivative_wrt_p,
    derivations.bce_derivative,
]


@pytest.mark.claim("part-3-logistic-regression.md", "The second factor is")
@pytest.mark.parametrize("make", DERIVATIONS, ids=lambda f: f.__name__)
def test_derivation_steps_are_equal(make):
    make()  # .check() runs inside; raises on a wrong step


def test_sigmoid_derivative_reaches_sigma_times_one_minus_sigma():
    s = 1 / (1 + sp.exp(-z))
    assert sp.simplify(derivations.sigmoid_derivative().result - s * (1 - s)) == 0


def test_bce_derivative_in_p_is_minus_t_over_p_plus_one_minus_t_over_one_minus_p():
    want = -t / p + (1 - t) / (1 - p)
    assert sp.simplify(derivations.bce_derivative_wrt_p().result - want) == 0


def test_bce_derivative_reaches_p_minus_t():
    assert sp.simplify(derivations.bce_derivative().result - (p - t)) == 0


@pytest.mark.parametrize("make", DERIVATIONS, ids=lambda f: f.__name__)
def test_a_wrong_step_is_caught(make):
    good = make()
    wrong = dataclasses.replace(good, steps=(*good.steps[:-1], Step(good.steps[-1].tex + " + 1")))
    with pytest.raises(DerivationError, match=rf"step {len(good.steps)}"):
        wrong.check()


def test_an_ambiguous_step_is_caught():
    good = derivations.bce_derivative()
    wrong = dataclasses.replace(good, steps=(Step(r"\frac{1}{"),))
    with pytest.raises(DerivationError, match="step 1"):
        wrong.check()


# --- assumptions: what a textbook accepts over positive quantities ---------------------------
# The cross-entropy of a softmax for the true class c, with r = Σ_{k≠c} e^{z_k} > 0 the mass
# of the other classes: L = -log p_c = log(1 + r e^{-z_c}), and dL/dz_c = p_c - 1.

Z_C, R, A, B = sp.symbols("z_{c} r a b")
SOFTMAX_ASSUMPTIONS = {"z_{c}": "real", "r": "positive"}
P_C = {"p_c": r"\frac{e^{z_c}}{e^{z_c} + r}"}  # a macro: plain string replacement


def softmax_cross_entropy(assumptions=SOFTMAX_ASSUMPTIONS):
    return Derivation(
        name="cross-entropy of a softmax",
        lhs_tex=r"L = -\log p_c",
        start=-sp.log(sp.exp(Z_C) / (sp.exp(Z_C) + R)),
        steps=(
            Step(r"-z_c + \log(e^{z_c} + r)", "the log of a quotient"),
            Step(r"\log(1 + r \cdot e^{-z_{c}})", "take $e^{z_c}$ out of the log"),
        ),
        assumptions=assumptions,
    )


def softmax_cross_entropy_gradient(last=r"p_c - 1"):
    return Derivation(
        name="gradient of the cross-entropy of a softmax",
        lhs_tex=r"\frac{\partial L}{\partial z_c}",
        start=sp.diff(sp.log(1 + R * sp.exp(-Z_C)), Z_C),
        steps=(
            Step(r"\frac{-r \cdot e^{-z_c}}{1 + r \cdot e^{-z_c}}", "the chain rule"),
            Step(r"\frac{-r}{e^{z_c} + r}", "multiply above and below by $e^{z_c}$"),
            Step(last, "$1 - p_c$ is the share of the other classes"),
        ),
        macros=P_C,
        assumptions=SOFTMAX_ASSUMPTIONS,
    )


def test_a_log_of_a_quotient_verifies_over_positive_symbols():
    softmax_cross_entropy().check()


def test_without_assumptions_the_log_of_a_quotient_is_refused():
    # log(a / b) = log a - log b fails for negative or complex a and b.
    with pytest.raises(DerivationError, match=r"step 1: .* is not equal to the step before it"):
        softmax_cross_entropy(assumptions={}).check()


def test_the_softmax_gradient_reaches_p_c_minus_one():
    gradient = softmax_cross_entropy_gradient().check()
    p_c = sp.exp(Z_C) / (sp.exp(Z_C) + R)
    # The result's symbols carry the assumptions: compare with p_c - 1 over the same ones.
    assert sp.simplify(gradient.result - gradient.assume(p_c - 1)) == 0


def test_a_false_step_over_positive_symbols_still_fails_with_its_message():
    wrong = softmax_cross_entropy_gradient(last=r"p_c + 1")
    with pytest.raises(
        DerivationError,
        match=r"^derivation 'gradient of the cross-entropy of a softmax', step 3: p_c \+ 1 "
        r"is not equal to the step before it \(",
    ):
        wrong.check()


@pytest.mark.parametrize(
    ("start", "tex", "assumptions"),
    [
        (sp.sqrt(R**2), "r", {"r": "positive"}),
        (sp.log(R**2), r"2 \cdot \log(r)", {"r": "positive"}),
        (sp.log(A * B), r"(\log(a)) + \log(b)", {"a": "positive", "b": "positive"}),
        (sp.sin(sp.pi * sp.Symbol("n")), "0", {"n": "integer"}),
        ((-1) ** (2 * sp.Symbol("n")), "1", {"n": ("integer", "nonnegative")}),
    ],
    ids=["sqrt", "log-of-a-power", "log-of-a-product", "sine-at-integers", "even-power"],
)
def test_an_identity_that_needs_its_assumptions_verifies_with_them_only(start, tex, assumptions):
    derivation = Derivation(
        name="identity", lhs_tex="x", start=start, steps=(Step(tex),), assumptions=assumptions
    )
    derivation.check()
    with pytest.raises(DerivationError, match="step 1"):
        dataclasses.replace(derivation, assumptions={}).check()


def test_an_unknown_assumption_is_refused():
    with pytest.raises(ValueError, match=r"^assumptions of 'r' must be among"):
        dataclasses.replace(softmax_cross_entropy(), assumptions={"r": "small"})


def test_the_symbolic_check_refuses_a_step_that_only_the_sampled_points_satisfy():
    # sqrt(p^2) = p at every sampled probability, but not for every p: refused until p is
    # declared positive. The spot check alone would have let it through.
    only_sampled = Derivation(
        name="root of a square",
        lhs_tex=r"\sqrt{p^2}",
        start=sp.sqrt(p**2),
        steps=(Step("p"),),
        domains={"p": (0.05, 0.95)},
    )
    with pytest.raises(DerivationError, match=r"step 1: p is not equal to the step before it"):
        only_sampled.check()
    dataclasses.replace(only_sampled, assumptions={"p": "positive"}).check()
