"""Every derivation checks, its result is the published one, and a wrong step is caught."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from snippets import derivations
from snippets.derivations import DerivationError, Step, p, t, z

DERIVATIONS = [
    derivations.sigmoid_derivative,
    derivations.one_minus_sigmoid,
    derivations.bce_derivative,
]


@pytest.mark.parametrize("make", DERIVATIONS, ids=lambda f: f.__name__)
def test_derivation_steps_are_equal(make):
    make()  # .check() runs inside; raises on a wrong step


def test_sigmoid_derivative_reaches_sigma_times_one_minus_sigma():
    s = 1 / (1 + sp.exp(-z))
    assert sp.simplify(derivations.sigmoid_derivative().result - s * (1 - s)) == 0


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
