"""Practice pages as Markdown and HTML: the problem, an answer box per asked number, the solution.

Statements and worked solutions come from the chapters' own renderers wherever those take a
problem: `render.logistic` (logistic-step), `render.backprop` (backprop), `render.conv`
(the statement of both convolution kinds, conv-shape). Three solutions are written here,
because the chapter's version is written around the exam's numbers: the convolution forward
pass (the chapter's text relies on a kernel whose weights are all equal), the kernel gradient
(its text relies on a zero in the upstream gradient) and the parameter count (the chapter's
solves the exam's first layer only). They use the same compute functions, figures and LaTeX
helpers as the chapter.

The answer boxes are plain HTML, checked in the browser by docs/javascripts/practice.js
against the `data-answer` and `data-tolerance` of each input: no server, no network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from html import escape

import numpy as np
from matplotlib.figure import Figure

from snippets import conv
from snippets.architectures import layer_shape
from snippets.exam import ConvProblem
from snippets.logistic import sigmoid
from snippets.practice import registry, schema
from snippets.practice.asked import Asked
from snippets.practice.logistic_step import PLOT_TOLERANCE, plot_reading
from snippets.practice.param_count import ParamCountProblem, params
from snippets.practice.seeds import SEED_LIMIT
from snippets.render import backprop as backprop_render
from snippets.render import conv as conv_render
from snippets.render import markdown as md
from snippets.render import palette
from snippets.render.conv_figures import conv_forward_figure, grad_kernel_figure
from snippets.render.latex import display, num, signed
from snippets.render.logistic_figures import Z_RANGE, style_axes
from snippets.render.svg import figure_svg

# The variants on each practice page: seeds 1 to 10, the same on every build.
SITE_SEEDS = tuple(range(1, 11))
COMMAND = "python -m snippets practice"


# --- names and ids ---------------------------------------------------------------------------


def slug(kind: str, seed: int | None) -> str:
    """The id prefix of one variant: practice-backprop-3, or practice-backprop-exam."""
    return f"practice-{kind}-{'exam' if seed is None else seed}"


def unique_ids(text: str, prefix: str) -> str:
    """Prefix every id in `text` (and the references to it), so a figure can repeat on a page."""
    for old in sorted(set(re.findall(r'\bid="([^"]+)"', text)), key=len, reverse=True):
        new = f"{prefix}-{old}"
        text = text.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})")
        text = text.replace(f'href="#{old}"', f'href="#{new}"')
    return text


def retitled(block: str, label: str) -> str:
    """A chapter solution block titled for sub-question `label`: 'Solution of (a) · 3 points'."""
    first, rest = block.split("\n", 1)
    match = re.fullmatch(r'(\?\?\??\+? success) "Solution \((.*)\)"', first)
    if match is None:
        raise ValueError(f"block must start with a solution title, got {first!r}")
    return f'{match.group(1)} "Solution of ({label}) · {match.group(2)}"\n{rest}'


def _exact(value: float) -> Fraction:
    return conv_render.exact(value)


def _matrix(values: object, boxed: Sequence[tuple[int, int]] = ()) -> str:
    """A bmatrix of exact entries (whole numbers or small fractions), `boxed` cells framed."""
    rows = []
    for i, row in enumerate(np.asarray(values, dtype=float)):
        cells = [num(_exact(v)) for v in row]
        rows.append(
            " & ".join(rf"\boxed{{{c}}}" if (i, j) in boxed else c for j, c in enumerate(cells))
        )
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


# --- answer boxes ----------------------------------------------------------------------------


def label_html(label: str) -> str:
    """An Asked label as HTML: text escaped, `_{21}` as a subscript."""
    return re.sub(r"_\{([^}]*)\}", r"<sub>\1</sub>", escape(label))


def tolerance_text(asked: Sequence[Asked]) -> str:
    """How the boxes are checked, in words: '±0.005', per group where tolerances differ."""
    groups: dict[float, list[str]] = {}
    for item in asked:
        groups.setdefault(item.tolerance, []).append(item.text)
    if len(groups) == 1:
        (tolerance,) = groups
        if tolerance == 0:
            return "Counts must be exact."
        return f"An answer within ±{tolerance:g} of the exact value counts as right."
    parts = [
        ("exact" if tolerance == 0 else f"±{tolerance:g}") + " for " + ", ".join(labels)
        for tolerance, labels in sorted(groups.items(), reverse=True)
    ]
    return "Answers count as right within " + "; ".join(parts) + "."


def tolerance_short(asked: Sequence[Asked]) -> str:
    """The tolerances in a few words for a table: '±0.005', 'exact', '±0.02 (p, …); ±0.005 (z, …)'."""
    groups: dict[float, list[str]] = {}
    for item in asked:
        groups.setdefault(item.tolerance, []).append(item.text)

    def amount(tolerance: float) -> str:
        return "exact" if tolerance == 0 else f"±{tolerance:g}"

    if len(groups) == 1:
        return amount(next(iter(groups)))
    return "; ".join(
        f"{amount(t)} ({', '.join(labels)})" for t, labels in sorted(groups.items(), reverse=True)
    )


def answer_form(asked: Sequence[Asked], form_id: str) -> str:
    """A form with a labelled box per asked number; practice.js checks it in the browser."""
    fields = []
    for item in asked:
        box = f"{form_id}-{item.key}"
        fields.append(
            f'<div class="practice-field">'
            f'<label class="practice-label" for="{box}">{label_html(item.label)}</label> '
            f'<input class="md-input practice-input" type="text" inputmode="decimal" '
            f'id="{box}" name="{item.key}" autocomplete="off" spellcheck="false" '
            f'data-answer="{item.value!r}" data-tolerance="{item.tolerance!r}" '
            f'data-label="{escape(item.text, quote=True)}" aria-describedby="{box}-mark"> '
            f'<div class="practice-mark" id="{box}-mark" data-practice-mark></div></div>'
        )
    typing = (
        "Type whole numbers (a comma or space between thousands is fine)"
        if all(item.tolerance == 0 for item in asked)
        else "Type a decimal point or a comma"
    )
    hint = f"{tolerance_text(asked)} {typing}; press Enter or Check to check every box."
    return "\n".join(
        [
            f'<form class="practice" id="{form_id}" data-practice novalidate>',
            '<fieldset class="quiz-fieldset">',
            '<legend class="quiz-prompt">Your answers</legend>',
            f'<p class="quiz-hint">{escape(hint)}</p>',
            *fields,
            "</fieldset>",
            # Without JavaScript the buttons would do nothing: practice.js shows them.
            '<div class="quiz-actions" hidden>',
            '<button type="submit" class="md-button md-button--primary" data-practice-check>'
            "Check</button>",
            '<button type="button" class="md-button" data-practice-clear>Clear</button>',
            "</div>",
            '<p class="quiz-score practice-score" role="status" aria-live="polite" '
            "data-practice-score></p>",
            "</form>",
        ]
    )


# --- logistic-step ---------------------------------------------------------------------------


def sigmoid_reading_figure() -> Figure:
    """σ(z) with a grid every 0.5 in z and 0.05 in p, and nothing marked: the exam's plot."""
    fig = Figure(figsize=(6.4, 3.6), layout="constrained")
    fig.patch.set_alpha(0)
    ax = fig.add_subplot()
    style_axes(ax)
    z = np.linspace(*Z_RANGE, 241)
    ax.plot(z, sigmoid(z), color=palette.SERIES[0], linewidth=2)
    ax.set_xlim(*Z_RANGE)
    ax.set_ylim(0, 1)
    ax.set_xticks(np.arange(Z_RANGE[0], Z_RANGE[1] + 1, 1))
    ax.set_xticks(np.arange(Z_RANGE[0], Z_RANGE[1] + 0.5, 0.5), minor=True)
    ax.set_yticks(np.arange(0, 1.01, 0.1))
    ax.set_yticks(np.arange(0, 1.01, 0.05), minor=True)
    ax.grid(which="minor", color=palette.MUTED, linewidth=0.3, alpha=0.4)
    ax.tick_params(which="minor", colors=palette.MUTED)
    ax.set_xlabel("score z")
    ax.set_ylabel("probability p = σ(z)")
    return fig


def sigmoid_reading_plot(name: str) -> str:
    """The plot to read σ(z) from, as inline SVG."""
    alt = (
        "The sigmoid curve from z = -6 to 6, rising from 0 to 1 through 0.5 at z = 0, on a "
        "grid with lines every 0.5 in z and every 0.05 in p; no point is marked."
    )
    return figure_svg(sigmoid_reading_figure(), name=name, alt=alt)


def _logistic_statement(problem, name: str) -> str:
    # Imported here: the chapter's module loads sympy (for its derivations), which the
    # command line needs only for this kind.
    from snippets.render import logistic as logistic_render

    return (
        f"{logistic_render.step_statement(problem)}\n\n{sigmoid_reading_plot(f'{name}-sigmoid')}\n\n"
        f"The boxes ask for each step the exam gives points for. The plot is read to about "
        f"±{PLOT_TOLERANCE:g}, so that is how close $p$ and the two gradients must be."
    )


def _logistic_solution(problem, name: str) -> str:
    from snippets.render import logistic as logistic_render  # see _logistic_statement

    return logistic_render.step_solution(problem, plot_reading(problem))


# --- backprop --------------------------------------------------------------------------------


def _backprop_statement(problem, name: str) -> str:
    graph = unique_ids(backprop_render.network_graph(problem), name)
    return (
        f"{backprop_render.network_statement(problem)}\n\n{graph}\n\n"
        "**(a)** Compute the outputs $o_1, o_2$, writing down the hidden values "
        "$h_1, \\dots, h_4$ on the way. **(b)** Compute the loss, the exam's mean squared "
        "error $L = \\tfrac{1}{2} (t_1 - o_1)^2 + \\tfrac{1}{2} (t_2 - o_2)^2$. "
        f"**(c)** {backprop_render.update_statement(problem)}"
    )


def _backprop_solution(problem, name: str) -> str:
    blocks = (
        retitled(backprop_render.forward_solution(problem), "a"),
        retitled(backprop_render.loss_solution(problem), "b"),
        retitled(backprop_render.gradient_solution(problem), "c"),
    )
    return unique_ids("\n".join(blocks), name)


# --- conv-forward ----------------------------------------------------------------------------


def _cell_names(cells: Sequence[tuple[int, int]], symbol: str) -> str:
    return ", ".join(f"${symbol}_{{{i},{j}}}$" for i, j in cells)


def _conv_forward_statement(problem: ConvProblem, name: str) -> str:
    x, k, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    fig = conv_forward_figure(x, k, s, p, problem.asked_output, reveal=False)
    alt = (
        "Input X, kernel W and output Z of the convolution, every value written in its cell; "
        "the asked cells of Z show a question mark."
    )
    return (
        f"{conv_render.statement(problem)}\n\n"
        f"Find {_cell_names(problem.asked_output, 'Z')}, the cells of the output marked with "
        "a question mark below (rows and columns counted from 0 at the top left).\n\n"
        f"{figure_svg(fig, name=f'{name}-question', alt=alt)}"
    )


def _sum_of_products(terms: Sequence[conv.Term]) -> str:
    """A worked sum: factor times value for each term that is not 0, then the total."""
    kept = [t for t in terms if t.value != 0 and t.factor != 0]
    total = sum((_exact(t.factor) * _exact(t.value) for t in terms), Fraction(0))
    if not kept:
        return "0"
    listed = " + ".join(
        rf"{signed(_exact(t.factor))} \cdot {signed(_exact(t.value))}" for t in kept
    )
    return rf"{listed} = {num(total)}"


def conv_forward_solution(problem: ConvProblem, name: str) -> str:
    """Every asked output cell as its sum of products, the whole output and the figure."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    z = conv.conv2d(x, kernel, s, p)
    f = len(kernel)
    lines = [
        rf"Z_{{{i},{j}}} &= {_sum_of_products(conv.forward_terms(x, kernel, (i, j), s, p))}"
        for i, j in problem.asked_output
    ]
    fig = conv_forward_figure(x, kernel, s, p, problem.asked_output)
    alt = (
        f"The input zero-padded to {len(x) + 2 * p} × {len(x[0]) + 2 * p}, with the {f} × {f} "
        "window of each asked output cell outlined in its own colour and line style, the "
        "kernel, and the output Z with the asked cells in the same styles."
    )
    padding = (
        "There is no padding"
        if p == 0
        else f"Pad $X$ with {p} ring{'s' if p != 1 else ''} of zeros"
    )
    body = [
        f"{padding}. Output cell $(i, j)$ (counting from 0 at the top left) reads the "
        f"{f} × {f} window whose top left corner is padded cell $(s\\,i, s\\,j)$ and sums "
        "it weighted by $W$:",
        display(r"Z_{i,j} = \sum_{a,b} X^{\mathrm{pad}}_{s i + a,\; s j + b} \, W_{a,b}"),
        "For the asked cells, weight times input, row by row (products with a zero weight or "
        "a zero input are left out):",
        display("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"),
        "The whole output, asked cells framed:",
        display(f"Z = {_matrix(z, boxed=problem.asked_output)}"),
        figure_svg(fig, name=f"{name}-solution", alt=alt),
        md.provenance(conv.conv2d, conv.forward_terms),
    ]
    return md.solution("\n\n".join(body), md.question(5, "1 (a)").points)


# --- conv-backward ---------------------------------------------------------------------------


def _conv_backward_statement(problem: ConvProblem, name: str) -> str:
    fig = grad_kernel_figure(
        problem.input, len(problem.kernel), problem.grad_output, problem.stride,
        problem.padding, problem.asked_grad_kernel, reveal=False,
    )  # fmt: skip
    alt = (
        "The upstream gradient of Z and the kernel gradient, with the asked cells of the "
        "kernel gradient marked with question marks."
    )
    cells = _cell_names(problem.asked_grad_kernel, r"\nabla W")
    return (
        f"{conv_render.statement(problem)}\n\n{conv_render.gradient_statement(problem)}\n\n"
        f"Given the input and this upstream gradient, find {cells}, the cells of the kernel "
        "gradient marked with a question mark below (rows and columns counted from 0 at the "
        "top left).\n\n"
        f"{figure_svg(fig, name=f'{name}-question', alt=alt)}"
    )


def conv_gradient_solution(problem: ConvProblem, name: str) -> str:
    """Every asked cell of ∇W as its sum of products, the whole ∇W, then the input gradient."""
    x, kernel, s, p = problem.input, problem.kernel, problem.stride, problem.padding
    f = len(kernel)
    grads = conv.conv2d_backward(x, kernel, problem.grad_output, s, p)
    lines = [
        rf"\nabla W_{{{a},{b}}} &= "
        + _sum_of_products(conv.grad_kernel_terms(x, f, problem.grad_output, (a, b), s, p))
        for a, b in problem.asked_grad_kernel
    ]
    fig = grad_kernel_figure(x, f, problem.grad_output, s, p, problem.asked_grad_kernel)
    alt = (
        "The upstream gradient and the kernel gradient with the asked cells highlighted; below, "
        "for each asked kernel position, the padded input with the inputs that meet that weight "
        "outlined, those under a zero upstream gradient crossed out."
    )
    body = [
        "Weight $W_{a,b}$ multiplies one input in every window: "
        "$X^{\\mathrm{pad}}_{s i + a,\\; s j + b}$ in the window of output $(i, j)$. By the "
        "chain rule its gradient collects those inputs, each weighted by the gradient "
        "arriving at that output:",
        display(
            r"\nabla W_{a,b} = \sum_{i,j} \frac{\partial L}{\partial Z_{i,j}} "
            r"\frac{\partial Z_{i,j}}{\partial W_{a,b}} = \sum_{i,j} \nabla Z_{i,j} \, "
            r"X^{\mathrm{pad}}_{s i + a,\; s j + b}"
        ),
        "For the asked positions, upstream gradient times input, one product per output cell "
        "(products with a zero gradient or a zero input are left out):",
        display("\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"),
        "The whole kernel gradient, asked cells framed:",
        display(rf"\nabla W = {_matrix(grads.grad_kernel, boxed=problem.asked_grad_kernel)}"),
        figure_svg(fig, name=f"{name}-solution", alt=alt),
        "**Beyond the question: the input gradient.** The same products, read the other way: "
        "every output cell sends its upstream gradient back to the inputs of its window, "
        "weighted by the kernel; what lands on the padding is dropped.",
        display(
            r"\nabla X^{\mathrm{pad}}_{s i + a,\; s j + b} \mathrel{+}= \nabla Z_{i,j} \, W_{a,b}"
            rf"\qquad \nabla X = {_matrix(grads.grad_input)}"
        ),
        md.provenance(conv.conv2d_backward, conv.grad_kernel_terms),
    ]
    return md.solution("\n\n".join(body), md.question(5, "1 (b)").points)


# --- conv-shape ------------------------------------------------------------------------------


def _conv_shape_statement(problem, name: str) -> str:
    return conv_render.conv_shape_statement(problem)


def without_points(block: str) -> str:
    """A chapter solution without its **Points.** list, where that list names the exam's numbers."""
    out, skipping = [], False
    for line in block.split("\n"):
        stripped = line.strip()
        if stripped == "**Points.**":
            skipping = True
        elif skipping and stripped and not stripped.startswith("- "):
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out)


def _conv_shape_solution(problem, name: str) -> str:
    # The exam's points list for this question quotes its answer (15 × 15 × 8): left out.
    return without_points(conv_render.conv_shape_solution(problem))


# --- param-count -----------------------------------------------------------------------------


def param_count_statement(problem: ParamCountProblem) -> str:
    """The question: how many weights and biases one layer has."""
    if problem.layer == "conv":
        f = problem.kernel_size
        return (
            f"A convolution layer has {problem.out_channels} filters of size {f} × {f} and is "
            f"applied to a feature map with {problem.in_channels} channel"
            f"{'s' if problem.in_channels != 1 else ''}. How many parameters (weights and "
            "biases) does it have?"
        )
    return (
        f"A fully-connected layer maps {problem.in_features} inputs to "
        f"{problem.out_features} outputs. How many parameters (weights and biases) does it "
        "have?"
    )


def _count_tex(n: int) -> str:
    return f"{n:,}".replace(",", "{,}")


def param_count_solution(problem: ParamCountProblem) -> str:
    """Weights plus biases, f·f·c·k + k for a convolution and n·m + m for a dense layer."""
    total = params(problem)
    if problem.layer == "conv":
        f, c, k = problem.kernel_size, problem.in_channels, problem.out_channels
        why = (
            f"Each of the {k} filters spans {f} × {f} pixels across all {c} input channels, "
            "and each has one bias:"
        )
        sum_tex = rf"{f} \cdot {f} \cdot {c} \cdot {k} + {k} = {_count_tex(f * f * c * k)} + {k}"
        after = (
            "The count does not depend on the size of the feature map or on the stride: the "
            "same filters slide over every position."
        )
    else:
        n, m = problem.in_features, problem.out_features
        why = f"Each of the {m} outputs has a weight for each of the {n} inputs and one bias:"
        sum_tex = rf"{n} \cdot {m} + {m} = {_count_tex(n * m)} + {m}"
        after = "Every input meets every output: the count grows with the product of the sizes."
    body = (
        f"{why}\n\n{display(rf'{sum_tex} = {_count_tex(total)}')}\n\n{after}\n\n"
        f"{md.provenance(params, layer_shape)}"
    )
    return md.solution(body, md.question(6, "d").points)


def _param_count_statement(problem, name: str) -> str:
    return param_count_statement(problem)


def _param_count_solution(problem, name: str) -> str:
    return param_count_solution(problem)


# --- one variant, one page -------------------------------------------------------------------

_STATEMENTS = {
    "logistic-step": _logistic_statement,
    "backprop": _backprop_statement,
    "conv-forward": _conv_forward_statement,
    "conv-backward": _conv_backward_statement,
    "conv-shape": _conv_shape_statement,
    "param-count": _param_count_statement,
}
_SOLUTIONS = {
    "logistic-step": _logistic_solution,
    "backprop": _backprop_solution,
    "conv-forward": conv_forward_solution,
    "conv-backward": conv_gradient_solution,
    "conv-shape": _conv_shape_solution,
    "param-count": _param_count_solution,
}


def statement(kind: str, seed: int | None) -> str:
    """The problem of `kind` for `seed` (None: the exam's), restated with its figures."""
    return _STATEMENTS[registry.kind(kind).name](registry.problem(kind, seed), slug(kind, seed))


def solution(kind: str, seed: int | None) -> str:
    """The worked solution(s) of that problem, as closed blocks."""
    return _SOLUTIONS[registry.kind(kind).name](registry.problem(kind, seed), slug(kind, seed))


def answer_boxes(kind: str, seed: int | None) -> str:
    """The answer form of that problem."""
    return answer_form(registry.kind(kind).asked(registry.problem(kind, seed)), slug(kind, seed))


def variant(kind: str, seed: int) -> str:
    """One section of a practice page: heading, problem, answer boxes, worked solution."""
    return "\n\n".join(
        [
            f"## Variant {SITE_SEEDS.index(seed) + 1} (seed {seed})"
            if seed in SITE_SEEDS
            else f"## Seed {seed}",
            statement(kind, seed),
            answer_boxes(kind, seed),
            solution(kind, seed),
        ]
    )


def intro(kind: str) -> str:
    """The top of a practice page: what it practises and how answers are checked."""
    spec = registry.kind(kind)
    tolerance = tolerance_text(spec.asked(spec.exam_problem()))
    return (
        f"{len(SITE_SEEDS)} fresh variants of {spec.exam_question} of the mock exam, with the exam's kind "
        "of numbers: small whole numbers and one-decimal values that you can work with by "
        "hand.\n\n"
        "Work a variant on paper first, then type your numbers into its boxes and press "
        f"**Check** (or Enter). {tolerance} Only then open the worked solution: it is written "
        "by the same code as the chapter's.\n\n"
        f"Each variant is made from its seed and is the same on every visit. For more, run "
        f"`{COMMAND} {kind} --seed {SITE_SEEDS[-1] + 1}` (any seed from 0 to "
        f"{SEED_LIMIT - 1}); `--exam` gives the exam's own numbers and `--json` a "
        "machine-readable version."
    )


def variants(kind: str) -> str:
    """Every variant of a practice page: one section per seed of SITE_SEEDS."""
    return "\n\n".join(variant(kind, seed) for seed in SITE_SEEDS)


def index() -> str:
    """The practice index: one row per kind, what it asks and how it is checked."""
    rows = []
    for spec in registry.KINDS.values():
        asked = spec.asked(spec.exam_problem())
        rows.append(
            (spec.title, spec.exam_question, f"`{spec.name}`", len(asked), tolerance_short(asked))
        )
    return md.table(("Practice", "Exam question", "Kind", "Boxes", "Checked"), rows, align="lllrl")


# --- the command line ------------------------------------------------------------------------


def _figures_as_text(text: str) -> str:
    """Each inline figure replaced by its text alternative, for a terminal."""

    def alt(match: re.Match[str]) -> str:
        label = re.search(r'aria-label="([^"]*)"', match.group(0))
        return f"*Figure: {label.group(1) if label else 'not shown'}*"

    return re.sub(r'<figure class="guide-svg">.*?</figure>', alt, text, flags=re.DOTALL)


def _without_provenance(text: str) -> str:
    """Drop the 'Computed by' blocks (source code and tests), long for a terminal."""
    lines, out, skip_indent = text.split("\n"), [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            if not line.strip() or indent > skip_indent:
                continue
            skip_indent = None
        if line.lstrip().startswith('??? abstract "Computed by"'):
            skip_indent = indent
            continue
        out.append(line)
    return "\n".join(out)


def terminal_markdown(kind: str, seed: int | None) -> str:
    """The problem and its worked solution as Markdown for the command line (figures as text)."""
    spec = registry.kind(kind)
    which = "the mock exam's own instance" if seed is None else f"seed {seed}"
    asked = spec.asked(registry.problem(kind, seed))
    answers = "\n".join(f"- {item.text} = {num(round(item.value, 6))}" for item in asked)
    text = "\n\n".join(
        [
            f"# Practice: {spec.title} ({which})",
            statement(kind, seed),
            f"## Worked solution\n\n{solution(kind, seed)}",
            f"## Answers\n\n{answers}\n\n{tolerance_text(asked)}",
        ]
    )
    return _without_provenance(_figures_as_text(text)).rstrip() + "\n"


def command_line() -> str:
    """How to get more variants, the exam's instance and JSON from the command line."""
    example = registry.NAMES[1]
    return (
        "From a clone of the repository, with the environment installed (see the README), "
        "print a problem and its worked solution as Markdown:\n\n"
        f"```bash\n{COMMAND} {example} --seed {SITE_SEEDS[-1] + 1}\n"
        f"{COMMAND} {example} --exam        # the mock exam's own numbers\n"
        f"{COMMAND} {example} --seed {SITE_SEEDS[-1] + 1} --json   # machine-readable\n```\n\n"
        f"`KIND` is one of {', '.join(f'`{name}`' for name in registry.NAMES)}. A seed is "
        f"a whole number from 0 to {SEED_LIMIT - 1}; the same kind and seed always give the "
        f"same problem, and seeds {SITE_SEEDS[0]} to {SITE_SEEDS[-1]} are the variants on "
        "these pages. An unknown kind or a bad seed stops with a one-line message that lists "
        "the valid choices."
    )


def json_format() -> str:
    """The JSON format in short, an example, and the keys of every kind (closed)."""
    example = schema.dumps(schema.record("conv-shape", None))
    body = schema.reference(heading="")
    return (
        "With `--json` the command prints one object with four keys: `kind`, `seed` (`null` "
        "for the exam's instance), `problem` (the given numbers) and `answer` (every "
        "computed number, exact: for logistic-step the exact σ(z), not a plot reading). "
        "The keys of each kind are fixed and documented, so you can build your own drills "
        "on them. The exam's own convolution-shape question:\n\n"
        f"```json\n{example}\n```\n\n"
        f"{md.collapsible('The keys of every kind', body, kind='note')}"
    )
