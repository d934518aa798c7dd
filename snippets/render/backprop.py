"""Part IV, backpropagation through the 2-2-2 ReLU network, as Markdown: each sub-question
as one unit (md.unit).

Every number is computed by `snippets.backprop` from the problem passed in (the page passes
`snippets.exam.BACKPROP`); the arithmetic is written out as the exam does, with × for
products and every given value to at least one decimal. Long chains are set one step per
line so that they fit a phone's column.
"""

from __future__ import annotations

from snippets import backprop
from snippets.backprop import BIAS_NAMES, PARAMETER_NAMES, WEIGHT_NAMES, ProblemLike, Solution
from snippets.render import markdown as md
from snippets.render.backprop_figures import (
    WEIGHT_EDGES,
    backward_figure,
    forward_figure,
    question_figure,
)
from snippets.render.latex import display
from snippets.render.numbers import decimal as dec
from snippets.render.numbers import factor, minus, num, term
from snippets.render.svg import figure_svg

PART = 4
RELU_NOTE = (
    "The derivative of ReLU is 1 for a positive input and 0 for a negative one; at exactly 0, "
    "where ReLU has no derivative, this guide takes it to be 0."
)


# --- names ---------------------------------------------------------------------


def symbol(name: str) -> str:
    """The exam's name in TeX: w21 -> w_{21}, i2 -> i_2, loss -> L."""
    if name == "loss":
        return "L"
    index = name[1:]
    return f"{name[0]}_{{{index}}}" if len(index) > 1 else f"{name[0]}_{index}"


def expression_tex(expression: str) -> str:
    """A local derivative of `backprop.Factor` in TeX: relu'(h1) -> ReLU'(h_1), o1 - t1 -> (o_1 - t_1)."""
    if expression.startswith("relu'("):
        return rf"\operatorname{{ReLU}}'({symbol(expression[6:-1])})"
    if " - " in expression:
        a, b = expression.split(" - ")
        return f"({symbol(a)} - {symbol(b)})"
    return expression if expression == "1" else symbol(expression)


def _partial(of: str, wrt: str) -> str:
    return rf"\frac{{\partial {symbol(of)}}}{{\partial {symbol(wrt)}}}"


def _values(solution: Solution) -> dict[str, float]:
    """Every named quantity of the network: inputs, targets, parameters, units, outputs."""
    f = solution.forward
    values = {"i1": solution.inputs[0], "i2": solution.inputs[1]}
    values |= {"t1": solution.targets[0], "t2": solution.targets[1]}
    values |= dict(solution.weights) | dict(solution.biases)
    values |= {k: getattr(f, k) for k in ("h1", "h2", "h3", "h4", "o1", "o2", "loss")}
    return values


def _numbers(expression: str, values: dict[str, float], local: float) -> str:
    """A local derivative with its numbers: (0.0 - 1.0), 0.5, 1.0 for ReLU', (-1.0)."""
    if " - " in expression:
        a, b = expression.split(" - ")
        return f"({dec(values[a])} {minus(values[b])})"
    return factor(local)


def _aligned(lines: list[str]) -> str:
    return display("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}")


# The weighted sums of the network: unit -> (its two inputs, their weights, its bias).
_SUMS = {
    "h1": (("i1", "i2"), ("w11", "w21"), "b1"),
    "h2": (("i1", "i2"), ("w12", "w22"), "b2"),
    "o1": (("h3", "h4"), ("w31", "w41"), "b3"),
    "o2": (("h3", "h4"), ("w32", "w42"), "b4"),
}
_RELUS = {"h3": "h1", "h4": "h2"}  # activation -> its sum


def _out_of(unit: str) -> list[str]:
    """The weights on the edges leaving `unit`: h4 -> w41, w42."""
    return [w for w, (source, _) in WEIGHT_EDGES.items() if source == unit]


def _sum_tex(unit: str, v: dict[str, float]) -> tuple[str, str]:
    """A weighted sum in names and in numbers: i_1 × w_11 + ..., 2.0 × 1.0 + ..."""
    (x1, x2), (wa, wb), bias = _SUMS[unit]
    names = rf"{symbol(x1)} \times {symbol(wa)} + {symbol(x2)} \times {symbol(wb)} + {symbol(bias)}"
    numbers = (
        rf"{factor(v[x1])} \times {factor(v[wa])} + {factor(v[x2])} \times {factor(v[wb])}"
        rf" {term(v[bias])}"
    )
    return names, numbers


# --- the setting, shared by (a), (b) and (c) ------------------------------------------------


def network_statement(problem: ProblemLike) -> str:
    """The restated network and its given values, as a table grouped by role."""
    w, b = problem.weights, problem.biases
    (i1, i2), (t1, t2) = problem.inputs, problem.targets

    def listed(names: tuple[str, ...], values: dict[str, float]) -> str:
        return ", ".join(f"${symbol(k)} = {dec(values[k])}$" for k in names)

    rows = [
        ("inputs", f"$i_1 = {dec(i1)}$, $i_2 = {dec(i2)}$"),
        ("weights into $h_1, h_2$", listed(WEIGHT_NAMES[:4], w)),
        ("weights into $o_1, o_2$", listed(WEIGHT_NAMES[4:], w)),
        ("biases", listed(BIAS_NAMES, b)),
        ("targets", f"$t_1 = {dec(t1)}$, $t_2 = {dec(t2)}$"),
    ]
    return (
        "A small fully connected network maps two inputs $i_1, i_2$ to two outputs "
        "$o_1, o_2$ through one hidden layer of two units. The hidden units first form "
        "weighted sums $h_1, h_2$, then apply ReLU, giving $h_3 = \\max(0, h_1)$ and "
        "$h_4 = \\max(0, h_2)$; the outputs are weighted sums of $h_3, h_4$ and have no "
        "activation. A weight $w_{kj}$ leads from unit $k$ of one layer to unit $j$ of the next "
        "(the sources are numbered $i_1, i_2$ and then $h_3, h_4$), so for instance $w_{21}$ "
        "joins $i_2$ to $h_1$ and $w_{41}$ joins $h_4$ to $o_1$. Each sum has its own bias "
        "$b_1, \\dots, b_4$, and the outputs are compared with the targets $t_1, t_2$. "
        "The values are:\n\n" + md.table(("", "given values"), rows)
    )


QUESTION_FIGURE_ALT = (
    "The network as a graph: inputs i1 and i2 feed both sums h1 and h2 through the weights "
    "w11, w12, w21, w22; h1 and h2 pass through ReLU to h3 and h4, which feed both outputs o1 "
    "and o2 through w31, w32, w41, w42; each sum has a bias, and the outputs and the targets "
    "t1, t2 feed the loss L. Only the given values are written: the inputs, biases and "
    "targets in their nodes and each weight on its edge."
)


def network_graph(problem: ProblemLike) -> str:
    """The network with only the given values, as inline SVG (the exam's figure)."""
    fig = question_figure(backprop.solve(problem))
    return figure_svg(fig, name="p4-network", alt=QUESTION_FIGURE_ALT)


def update_statement(problem: ProblemLike) -> str:
    """The restated question (c) with the asked weight and the learning rate."""
    return (
        f"Take one step of gradient descent on the loss of (b) with learning rate "
        f"$\\alpha = {num(problem.learning_rate)}$ and give the new value of "
        f"${symbol(problem.asked)}$. Show every step of the computation."
    )


# --- (a) the forward pass -------------------------------------------------------------------


def forward_answer(problem: ProblemLike) -> str:
    """What earns (a)'s points: each unit's calculation and value, as short as the exam's."""
    v = _values(backprop.solve(problem))
    lines = []
    for unit in ("h1", "h2"):
        lines.append(f"${symbol(unit)} = {_sum_tex(unit, v)[1]} = {dec(v[unit])}$")
    lines += [rf"${symbol(h)} = \max(0, {dec(v[pre])}) = {dec(v[h])}$" for h, pre in _RELUS.items()]
    for unit in ("o1", "o2"):
        lines.append(f"${symbol(unit)} = {_sum_tex(unit, v)[1]} = {dec(v[unit])}$")
    return "\n".join(f"- {line}" for line in lines)


def forward_worked(problem: ProblemLike) -> str:
    """Every step of (a): the two sums, ReLU, the two outputs, and the values on the graph."""
    s = backprop.solve(problem)
    v, f = _values(s), s.forward

    def sums(units: tuple[str, ...]) -> str:
        lines = []
        for unit in units:
            names, numbers = _sum_tex(unit, v)
            lines += [f"{symbol(unit)} &= {names}", f"&= {numbers}", f"&= {dec(v[unit])}"]
        return _aligned(lines)

    relus = _aligned(
        [
            rf"{symbol(h)} &= \max(0, {symbol(pre)}) = \max(0, {dec(v[pre])}) = {dec(v[h])}"
            for h, pre in _RELUS.items()
        ]
    )
    dead = [(h, pre) for h, pre in _RELUS.items() if v[pre] <= 0]
    notes = "".join(
        f"ReLU sets ${symbol(h)}$ to 0 because its input ${symbol(pre)} = {dec(v[pre])}$ is "
        f"not positive, so ${symbol(h)}$ adds nothing to the outputs: whatever the weights "
        f"{' and '.join(f'${symbol(w)}$' for w in _out_of(h))} on its edges, $o_1$ and $o_2$ "
        "stay the same.\n\n"
        for h, pre in dead
    )
    figure = figure_svg(
        forward_figure(s),
        name="p4-forward",
        alt=(
            f"The network with the forward pass written in: h1 = {num(f.h1)}, h2 = {num(f.h2)}, "
            f"h3 = {num(f.h3)}, h4 = {num(f.h4)}, o1 = {num(f.o1)}, o2 = {num(f.o2)}, next to "
            "the given values; the loss L is left for (b)."
        ),
    )
    return (
        "Work layer by layer. **The weighted sums** of the hidden layer:\n\n"
        f"{sums(('h1', 'h2'))}\n\n"
        f"**ReLU** keeps a positive sum and replaces any other by 0:\n\n{relus}\n\n{notes}"
        f"**The outputs**, weighted sums of $h_3$ and $h_4$ with no activation:\n\n"
        f"{sums(('o1', 'o2'))}\n\n"
        "The same values written into the graph (the loss $L$ is left for (b)):\n\n"
        f"{figure}"
    )


def forward_solution(problem: ProblemLike) -> str:
    """The worked solution of an (a)-like problem and its evidence, closed (practice pages)."""
    body = forward_worked(problem) + "\n\n" + md.how_we_know(backprop.forward, backprop.relu)
    return md.solution(body, md.question(PART, "a").points)


def forward_unit(problem: ProblemLike) -> str:
    """Question (a) as one unit: statement, answer, worked solution, evidence."""
    return md.unit(
        PART,
        "a",
        answer=forward_answer(problem),
        worked=forward_worked(problem),
        evidence=(backprop.forward, backprop.relu),
    )


# --- (b) the loss ---------------------------------------------------------------------------


def _squared_errors(solution: Solution) -> tuple[float, float]:
    v = _values(solution)
    return (v["t1"] - v["o1"]) ** 2, (v["t2"] - v["o2"]) ** 2


def loss_answer(problem: ProblemLike) -> str:
    """What earns (b)'s point: ½ (t1 - o1)² + ½ (t2 - o2)² with the numbers."""
    s = backprop.solve(problem)
    first, second = _squared_errors(s)
    return (
        rf"$L = \tfrac{{1}}{{2}} (t_1 - o_1)^2 + \tfrac{{1}}{{2}} (t_2 - o_2)^2"
        rf" = 0.5 \times {dec(first)} + 0.5 \times {dec(second)}"
        rf" = {dec(s.forward.loss)}$"
    )


def loss_worked(problem: ProblemLike) -> str:
    """Every step of (b): the exam's MSE, ½ (t1 - o1)² + ½ (t2 - o2)²."""
    s = backprop.solve(problem)
    v = _values(s)
    first, second = _squared_errors(s)
    math = _aligned(
        [
            r"L &= \tfrac{1}{2} (t_1 - o_1)^2 + \tfrac{1}{2} (t_2 - o_2)^2",
            rf"&= \tfrac{{1}}{{2}} ({dec(v['t1'])} {minus(v['o1'])})^2"
            rf" + \tfrac{{1}}{{2}} ({dec(v['t2'])} {minus(v['o2'])})^2",
            rf"&= 0.5 \times {dec(first)} + 0.5 \times {dec(second)}",
            f"&= {dec(s.forward.loss)}",
        ]
    )
    return (
        "The exam's mean squared error halves each output's squared error and adds them:\n\n"
        f"{math}\n\n"
        "With two outputs, half the sum of the squared errors is their mean, so both readings "
        'of "mean squared error" give this value. Because of the factor $\\tfrac{1}{2}$, the '
        "derivative of $L$ in an output $o$ is $o - t$, with no factor 2: (c) uses it."
    )


def loss_solution(problem: ProblemLike) -> str:
    """The worked solution of a (b)-like problem and its evidence, closed (practice pages)."""
    body = loss_worked(problem) + "\n\n" + md.how_we_know(backprop.forward)
    return md.solution(body, md.question(PART, "b").points)


def loss_unit(problem: ProblemLike) -> str:
    """Question (b) as one unit."""
    return md.unit(
        PART,
        "b",
        answer=loss_answer(problem),
        worked=loss_worked(problem),
        evidence=(backprop.forward,),
    )


# --- (c) the gradient and one step of gradient descent ----------------------------------------


def _path_lines(path: tuple[backprop.Factor, ...], values: dict[str, float]) -> list[str]:
    """One path of the chain rule, one step a line: partials, names, numbers, product."""
    return [
        r" \times ".join(_partial(f.of, f.wrt) for f in path),
        "= " + r" \times ".join(expression_tex(f.expression) for f in path),
        "= " + r" \times ".join(_numbers(f.expression, values, f.value) for f in path),
    ]


def chain_tex(solution: Solution) -> str:
    """∂L/∂(asked) by the chain rule: each path on its own lines, then their sum.

    A path's lines are its local derivatives, the same in the exam's names, then in numbers,
    then their product; one factor product a line, so a phone's column holds each line.
    """
    chain, v = solution.chain, _values(solution)
    name = symbol(chain.name)
    lhs = rf"\frac{{\partial L}}{{\partial {name}}}"
    if len(chain.paths) == 1:
        first, *rest = _path_lines(chain.paths[0], v)
        return _aligned([f"{lhs} &= {first}", *(f"&{line}" for line in rest)])
    blocks = []
    for path, value in zip(chain.paths, chain.terms, strict=True):
        lines = _path_lines(path, v)
        through = symbol(path[0].wrt)
        blocks.append(
            f"Through ${through}$:\n\n"
            + _aligned([f"& {lines[0]}", *(f"&{line}" for line in lines[1:]), f"&= {dec(value)}"])
        )
    terms = " + ".join(factor(t) for t in chain.terms)
    total = display(f"{lhs} = {terms} = {dec(chain.value)}")
    return "\n\n".join(blocks) + f"\n\nThe gradient is the sum of the paths:\n\n{total}"


def _old_value(solution: Solution, name: str) -> float:
    return solution.weights[name] if name in solution.weights else solution.biases[name]


def gradient_answer(problem: ProblemLike) -> str:
    """What earns (c)'s points: the chain rule in names and numbers, and the update."""
    s = backprop.solve(problem)
    chain, v = s.chain, _values(s)
    name, grad = symbol(s.asked), s.backward.grad(s.asked)
    names = " + ".join(
        r" \times ".join(expression_tex(f.expression) for f in path) for path in chain.paths
    )
    numbers = " + ".join(
        r" \times ".join(_numbers(f.expression, v, f.value) for f in path) for path in chain.paths
    )
    terms = " + ".join(factor(t) for t in chain.terms)
    sum_step = f" = {terms}" if len(chain.paths) > 1 else ""
    return "\n".join(
        [
            rf"- $\frac{{\partial L}}{{\partial {name}}} = {names}$",
            f"- $= {numbers}{sum_step} = {dec(grad)}$",
            rf"- ${name} \leftarrow {dec(_old_value(s, s.asked))} - {num(s.learning_rate)}"
            rf" \times {factor(grad)} = {dec(s.updated.value(s.asked))}$",
        ]
    )


def gradient_worked(problem: ProblemLike) -> str:
    """Every step of (c): the chain rule for the asked parameter, then one descent step."""
    s = backprop.solve(problem)
    name, alpha = s.asked, s.learning_rate
    grad, new = s.backward.grad(name), s.updated.value(name)
    outputs = sorted({path[0].wrt for path in s.chain.paths})
    reach = " and ".join(f"${symbol(o)}$" for o in outputs)
    paths = {1: "one path", 2: "two paths"}[len(s.chain.paths)]
    f = s.forward
    relu_notes = []
    for pre in ("h1", "h2"):
        if any(x.wrt == pre for path in s.chain.paths for x in path):
            x = getattr(f, pre)
            sign, slope = ("positive", 1) if x > 0 else ("not positive", 0)
            relu_notes.append(
                f"${symbol(pre)} = {dec(x)}$ is {sign}, so "
                f"$\\operatorname{{ReLU}}'({symbol(pre)}) = {slope}$"
            )
    relu_sentence = f" Here {'; '.join(relu_notes)}. {RELU_NOTE}" if relu_notes else ""
    figure = figure_svg(
        backward_figure(s),
        name="p4-backward",
        alt=(
            f"The network with the backward pass written in: the gradient of the loss in every "
            f"unit and bias and on every weight's edge, and the derivative of ReLU on each ReLU "
            f"edge. The edges on the paths from L to {name} are drawn in colour; the gradient of "
            f"{name} is {num(grad)}."
        ),
    )
    update = _aligned(
        [
            rf"{symbol(name)}^{{+}} &= {symbol(name)} - \alpha \, \frac{{\partial L}}"
            rf"{{\partial {symbol(name)}}}",
            rf"&= {dec(_old_value(s, name))} - {num(alpha)} \times {factor(grad)}",
            f"&= {dec(new)}",
        ]
    )
    return (
        f"**Backward pass.** ${symbol(name)}$ reaches the loss through {reach}, along {paths}. "
        "The chain rule multiplies the local derivatives along each path (each the derivative "
        "of one node with respect to the next node down the path) and adds the paths' "
        f"products. The derivative of $L$ in an output is $o - t$, from (b).{relu_sentence}\n\n"
        f"{chain_tex(s)}\n\n"
        "The whole backward pass on the graph: $\\partial L / \\partial(\\text{node})$ in every "
        "unit and bias, the gradient of every weight on its edge, the edges of the paths above "
        "in colour:\n\n"
        f"{figure}\n\n"
        f"**Update.** One step against the gradient:\n\n{update}"
    )


GRADIENT_EVIDENCE = (backprop.backward, backprop.chain, backprop.relu_grad, backprop.descent_step)


def gradient_solution(problem: ProblemLike) -> str:
    """The worked solution of a (c)-like problem and its evidence, closed (practice pages)."""
    body = gradient_worked(problem) + "\n\n" + md.how_we_know(*GRADIENT_EVIDENCE)
    return md.solution(body, md.question(PART, "c").points)


def gradient_unit(problem: ProblemLike) -> str:
    """Question (c) as one unit, stated with the problem's asked weight and learning rate."""
    return md.unit(
        PART,
        "c",
        statement=update_statement(problem),
        answer=gradient_answer(problem),
        worked=gradient_worked(problem),
        evidence=GRADIENT_EVIDENCE,
    )


# --- beyond the exam --------------------------------------------------------------------------


def gradient_chains_tex(solution: Solution) -> str:
    """∂L/∂p for every weight and bias as products of local derivatives, one path a line."""
    lines = []
    for name in PARAMETER_NAMES:
        chain = backprop.chain(
            name, solution.inputs, solution.weights, solution.biases, solution.targets
        )
        for k, path in enumerate(chain.paths):
            product = r" \cdot ".join(expression_tex(f.expression) for f in path)
            lhs = rf"\frac{{\partial L}}{{\partial {symbol(name)}}} &= " if k == 0 else r"&\quad + "
            lines.append(lhs + product)
    return _aligned(lines)


def all_gradients(problem: ProblemLike) -> str:
    """Beyond the exam: the gradient and the updated value of every weight and bias."""
    s = backprop.solve(problem)
    rows = [
        (
            f"${symbol(name)} = {dec(_old_value(s, name))}$",
            f"${num(s.backward.grad(name))}$",
            f"${num(s.updated.value(name))}$",
        )
        for name in PARAMETER_NAMES
    ]
    headers = ("parameter", "gradient", "new value")
    dead = [(h, pre) for h, pre in _RELUS.items() if getattr(s.forward, pre) <= 0]
    still = "".join(
        f"\n\nEvery weight and bias on an edge into ${symbol(pre)}$ or out of ${symbol(h)}$ has "
        f"gradient 0 and keeps its value: ReLU switched ${symbol(h)}$ off, since "
        f"${symbol(pre)} = {dec(getattr(s.forward, pre))}$."
        for h, pre in dead
    )
    body = (
        f"The exam asks for the gradient of ${symbol(s.asked)}$ only. The same backward pass "
        "gives the gradient of every weight and bias. Work out a few, for instance "
        "$w_{11}$ and $b_3$, with the same step of gradient descent, then compare."
    )
    answer = (
        "Each parameter's value, its gradient, and its new value after one step of gradient "
        f"descent with $\\alpha = {num(s.learning_rate)}$:\n\n"
        f"{md.table(headers, rows, align='lrr')}{still}\n\n"
        "Each gradient as the chain rule writes it, one path a line:\n\n"
        f"{gradient_chains_tex(s)}\n\n{md.how_we_know(backprop.solve, backprop.chain)}"
    )
    return md.section("Beyond the exam: every gradient", body, answer=answer)
