"""Part IV, backpropagation through the 2-2-2 ReLU network, as Markdown.

Every number is computed by `snippets.backprop` from the problem passed in (the page passes
`snippets.exam.BACKPROP`); the arithmetic is written out as the exam does, with × for
products and every given value to at least one decimal.
"""

from __future__ import annotations

import re

from snippets import backprop
from snippets.backprop import BIAS_NAMES, PARAMETER_NAMES, WEIGHT_NAMES, ProblemLike, Solution
from snippets.render import markdown as md
from snippets.render.backprop_figures import backward_figure, forward_figure
from snippets.render.latex import display, num
from snippets.render.svg import figure_svg

PART = 4


# --- numbers and names ---------------------------------------------------------------------


def dec(x: float) -> str:
    """A number as the exam's table writes it: at least one decimal (2.0, -0.5, 0.65)."""
    text = num(x)
    return f"{text}.0" if re.fullmatch(r"-?\d+", text) else text


def factor(x: float) -> str:
    """A factor of a product: negative numbers in parentheses, as in 2.0 × (-0.5)."""
    text = dec(x)
    return f"({text})" if text.startswith("-") else text


def minus(x: float) -> str:
    """Subtracting a value: `- 0.5`, or `- (-1.5)` for a negative one."""
    return f"- {factor(x)}"


def term(x: float) -> str:
    """A later term of a sum: `+ 0.5` or `- 0.5`, as the exam writes h2 = ... - 0.5."""
    text = dec(abs(x))
    return f"- {text}" if x < 0 else f"+ {text}"


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


# --- the question --------------------------------------------------------------------------


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


def network_graph(problem: ProblemLike) -> str:
    """The network with only the given values, as inline SVG (the exam's figure)."""
    fig = forward_figure(backprop.solve(problem), show_computed=False)
    alt = (
        "The network as a graph: inputs i1 and i2 feed both sums h1 and h2 through the "
        "weights w11, w12, w21, w22; h1 and h2 pass through ReLU to h3 and h4, which feed "
        "both outputs o1 and o2 through w31, w32, w41, w42; each sum has a bias, and the "
        "outputs and the targets t1, t2 feed the loss L. Given values are written in the "
        "nodes and on the edges."
    )
    return figure_svg(fig, name="p4-network", alt=alt)


def update_statement(problem: ProblemLike) -> str:
    """The restated question (c) with the asked weight and the learning rate."""
    return (
        f"Take one step of gradient descent on the loss of (b) with learning rate "
        f"$\\alpha = {num(problem.learning_rate)}$ and give the new value of "
        f"${symbol(problem.asked)}$. Show every step of the computation."
    )


# --- the solutions -------------------------------------------------------------------------


def forward_solution(problem: ProblemLike) -> str:
    """Solution of (a): every intermediate value, written out as in the exam."""
    s = backprop.solve(problem)
    v = _values(s)
    f = s.forward
    lines = []
    for unit, (a, c, bias) in {"h1": ("w11", "w21", "b1"), "h2": ("w12", "w22", "b2")}.items():
        lines.append(
            rf"{symbol(unit)} &= i_1 \times {symbol(a)} + i_2 \times {symbol(c)} + {symbol(bias)}"
            rf" = {dec(v['i1'])} \times {factor(v[a])} + {factor(v['i2'])} \times {factor(v[c])}"
            rf" {term(v[bias])} = {dec(v[unit])}"
        )
    for unit, pre in (("h3", "h1"), ("h4", "h2")):
        lines.append(
            rf"{symbol(unit)} &= \max(0, {symbol(pre)}) = \max(0, {dec(v[pre])}) = {dec(v[unit])}"
        )
    for out, (a, c, bias) in {"o1": ("w31", "w41", "b3"), "o2": ("w32", "w42", "b4")}.items():
        lines.append(
            rf"{symbol(out)} &= h_3 \times {symbol(a)} + h_4 \times {symbol(c)} + {symbol(bias)}"
            rf" = {dec(v['h3'])} \times {factor(v[a])} + {dec(v['h4'])} \times {factor(v[c])}"
            rf" {term(v[bias])} = {dec(v[out])}"
        )
    math = display("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}")
    dead = [(h, pre) for h, pre in (("h3", "h1"), ("h4", "h2")) if v[pre] <= 0]
    note = "".join(
        f"ReLU sets ${symbol(h)}$ to zero because its input ${symbol(pre)} = {dec(v[pre])}$ is "
        "not positive: the unit adds nothing to the outputs and, as (c) shows, passes no "
        "gradient back.\n\n"
        for h, pre in dead
    )
    figure = figure_svg(
        forward_figure(s),
        name="p4-forward",
        alt=(
            f"The network with the forward pass written in: h1 = {num(f.h1)}, h2 = {num(f.h2)}, "
            f"h3 = {num(f.h3)}, h4 = {num(f.h4)}, o1 = {num(f.o1)}, o2 = {num(f.o2)}, "
            f"loss L = {num(f.loss)}."
        ),
    )
    body = (
        "Work layer by layer: the two weighted sums, ReLU, then the two outputs.\n\n"
        f"{math}\n\n{note}"
        f"So the network outputs $o_1 = {dec(f.o1)}$ and $o_2 = {dec(f.o2)}$. "
        "The same numbers on the graph:\n\n"
        f"{figure}\n\n"
        f"{md.provenance(backprop.forward, backprop.relu)}"
    )
    return md.solution(body, md.question(PART, "a").points)


def loss_solution(problem: ProblemLike) -> str:
    """Solution of (b): the exam's MSE, ½ (t1 - o1)² + ½ (t2 - o2)²."""
    s = backprop.solve(problem)
    v = _values(s)
    squares = [(v[t] - v[o]) ** 2 for t, o in (("t1", "o1"), ("t2", "o2"))]
    math = display(
        r"L = \tfrac{1}{2} (t_1 - o_1)^2 + \tfrac{1}{2} (t_2 - o_2)^2"
        rf" = \tfrac{{1}}{{2}} ({dec(v['t1'])} {minus(v['o1'])})^2"
        rf" + \tfrac{{1}}{{2}} ({dec(v['t2'])} {minus(v['o2'])})^2"
        rf" = 0.5 \times {dec(squares[0])} + 0.5 \times {dec(squares[1])}"
        rf" = {dec(s.forward.loss)}"
    )
    body = (
        "The exam's mean squared error halves each output's squared error and adds them:\n\n"
        f"{math}\n\n"
        "With two outputs, halving the sum is the same as taking the mean of the squared "
        'errors, so both readings of "MSE" give this value. The factor $\\tfrac{1}{2}$ is '
        "also why the derivative in (c) is simply $o - t$, with no factor 2.\n\n"
        f"{md.provenance(backprop.forward)}"
    )
    return md.solution(body, md.question(PART, "b").points)


def chain_tex(solution: Solution) -> str:
    """∂L/∂(asked) three times: as local derivatives, in the exam's names, with numbers."""
    chain, v = solution.chain, _values(solution)
    partials = " + ".join(
        r" \times ".join(_partial(f.of, f.wrt) for f in path) for path in chain.paths
    )
    names = " + ".join(
        r" \times ".join(expression_tex(f.expression) for f in path) for path in chain.paths
    )
    numbers = " + ".join(
        r" \times ".join(_numbers(f.expression, v, f.value) for f in path) for path in chain.paths
    )
    terms = " + ".join(factor(t) for t in chain.terms)
    lines = [
        rf"\frac{{\partial L}}{{\partial {symbol(chain.name)}}} &= {partials}",
        f"&= {names}",
        f"&= {numbers}",
    ]
    if len(chain.paths) > 1:
        lines.append(f"&= {terms}")
    lines.append(f"&= {dec(chain.value)}")
    return display("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}")


def gradient_solution(problem: ProblemLike) -> str:
    """Solution of (c): the chain rule for the asked weight, then one descent step."""
    s = backprop.solve(problem)
    name, alpha = s.asked, s.learning_rate
    grad, new = s.backward.grad(name), s.updated.value(name)
    old = s.weights[name] if name in s.weights else s.biases[name]
    outputs = sorted({path[0].wrt for path in s.chain.paths})
    reach = " and ".join(f"${symbol(o)}$" for o in outputs)
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
    relu_sentence = (
        " Here " + "; ".join(relu_notes) + " (the derivative of ReLU is 1 for positive inputs "
        "and 0 otherwise; at exactly 0 it is taken to be 0, as in PyTorch)."
        if relu_notes
        else ""
    )
    figure = figure_svg(
        backward_figure(s),
        name="p4-backward",
        alt=(
            f"The network with the backward pass written in: the gradient of the loss at every "
            f"node and for every weight. The paths from the loss to {name} are highlighted; "
            f"the gradient of {name} is {num(grad)}."
        ),
    )
    update = display(
        rf"{symbol(name)}^{{+}} = {symbol(name)} - \alpha \, \frac{{\partial L}}"
        rf"{{\partial {symbol(name)}}} = {dec(old)} - {num(alpha)} \times {factor(grad)}"
        rf" = {dec(new)}"
    )
    body = (
        f"**Backward pass.** ${symbol(name)}$ reaches the loss through {reach}: the chain rule "
        "adds one product of local derivatives per path, and each factor is the derivative "
        "of one node with respect to the node below it on the path."
        f"{relu_sentence}\n\n"
        f"{chain_tex(s)}\n\n"
        "The whole backward pass on the graph, with the paths used above in colour:\n\n"
        f"{figure}\n\n"
        f"**Update.** One step against the gradient:\n\n{update}\n\n"
        f"{md.provenance(backprop.backward, backprop.chain, backprop.descent_step)}"
    )
    return md.solution(body, md.question(PART, "c").points)


def all_gradients(problem: ProblemLike) -> str:
    """Beyond the exam: the gradient and the updated value of every weight and bias."""
    s = backprop.solve(problem)
    rows = []
    for name in PARAMETER_NAMES:
        old = s.weights[name] if name in s.weights else s.biases[name]
        chain = backprop.chain(name, s.inputs, s.weights, s.biases, s.targets)
        products = " + ".join(
            r" \cdot ".join(expression_tex(f.expression) for f in path) for path in chain.paths
        )
        rows.append(
            (
                f"${symbol(name)}$",
                f"${products}$",
                num(old),
                num(s.backward.grad(name)),
                num(s.updated.value(name)),
            )
        )
    headers = (
        "parameter",
        "∂L/∂parameter",
        "value",
        "gradient",
        f"after one step (α = {num(s.learning_rate)})",
    )
    body = (
        "Every weight and bias, with its gradient as a chain of local derivatives, its value "
        "and the value after the same step of gradient descent. Use it to check any variant "
        "of (c). A parameter behind a unit that ReLU switched off gets gradient 0 and does "
        "not move.\n\n"
        f"{md.table(headers, rows, align='llrrr')}\n\n"
        f"{md.provenance(backprop.solve)}"
    )
    return md.collapsible("Every gradient and every updated parameter", body, kind="example")
