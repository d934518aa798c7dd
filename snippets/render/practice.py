"""Practice pages as Markdown and HTML: the problem, an answer box per asked number, the solution.

Every worked solution comes from the chapter's own renderer, given the variant's problem:
`render.logistic` (logistic-step), `render.backprop` (backprop), `render.conv` (both
convolution kinds and conv-shape) and `render.architectures` (param-count). This module adds
what a practice page has and a chapter has not: the question in words, the answer boxes, ids
made unique per variant, and a pager between the variants of a kind. Each variant is a page of
its own: docs/practice/<kind>.md holds the introduction and variant 1, and the build generates
the pages of variants 2 to 10 from `variant_page` (snippets/mdext/practice_pages.py).

The answer boxes are plain HTML, checked in the browser by docs/javascripts/practice.js
against the `data-answer` and `data-tolerance` of each input: no server, no network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from html import escape

import numpy as np
from matplotlib.figure import Figure

from snippets import exam
from snippets.exam import ConvProblem
from snippets.logistic import sigmoid
from snippets.practice import registry, schema
from snippets.practice.asked import Asked
from snippets.practice.cli import MODULE, SCRIPT
from snippets.practice.logistic_step import PLOT_TOLERANCE, plot_reading
from snippets.practice.param_count import ParamCountProblem, layer_row
from snippets.practice.seeds import SEED_LIMIT
from snippets.render import architectures as architectures_render
from snippets.render import backprop as backprop_render
from snippets.render import conv as conv_render
from snippets.render import markdown as md
from snippets.render import palette
from snippets.render.logistic_figures import Z_RANGE, style_axes
from snippets.render.numbers import rounded
from snippets.render.svg import figure_svg

# The variants on each practice page: seeds 1 to 10, the same on every build.
SITE_SEEDS = tuple(range(1, 11))
COMMAND = f"{SCRIPT} practice"
# Installing from the repository: pyproject's [project] name and [project.urls] Source.
INSTALL = 'pip install "i2dl-derived @ git+https://github.com/i2dl-derived/i2dl-derived"'


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


# --- answer boxes ----------------------------------------------------------------------------


def label_html(label: str) -> str:
    """An Asked label as HTML: text escaped, `_{21}` as a subscript."""
    return re.sub(r"_\{([^}]*)\}", r"<sub>\1</sub>", escape(label))


def any_weight(asked: Sequence[Asked]) -> tuple[Asked, ...]:
    """The boxes with the asked weight's number written k (∂CE/∂w_{1} -> ∂CE/∂w_{k}): a page's
    variants ask for different weights, so its introduction names them all at once."""
    return tuple(replace(item, label=re.sub(r"w_\{\d+\}", "w_{k}", item.label)) for item in asked)


def _name(item: Asked, html: bool) -> str:
    return label_html(item.label) if html else item.text


def _amount(tolerance: float) -> str:
    """A tolerance in a word or two: 'exact', '±0.005'."""
    return "exact" if tolerance == 0 else f"±{tolerance:g}"


def tolerance_text(asked: Sequence[Asked], html: bool = False) -> str:
    """How the boxes are checked, in words: '±0.005', per group where tolerances differ
    (labels as plain text, or with `html` as HTML with subscripts)."""
    groups: dict[float, list[str]] = {}
    for item in asked:
        groups.setdefault(item.tolerance, []).append(_name(item, html))
    if len(groups) == 1:
        (tolerance,) = groups
        if tolerance == 0:
            return "Counts must be exact."
        return f"An answer within ±{tolerance:g} of the exact value counts as right."
    parts = [
        _amount(tolerance) + " for " + ", ".join(labels)
        for tolerance, labels in sorted(groups.items(), reverse=True)
    ]
    return "Answers count as right within " + "; ".join(parts) + "."


def tolerance_short(asked: Sequence[Asked], html: bool = False) -> str:
    """The tolerances in a few words for a table: '±0.005', 'exact', '±0.02 (p, …); ±0.005 (z, …)'."""
    groups: dict[float, list[str]] = {}
    for item in asked:
        groups.setdefault(item.tolerance, []).append(_name(item, html))
    if len(groups) == 1:
        return _amount(next(iter(groups)))
    return "; ".join(
        f"{_amount(t)} ({', '.join(labels)})" for t, labels in sorted(groups.items(), reverse=True)
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

    return unique_ids(logistic_render.step_solution(problem, plot_reading(problem)), name)


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


# --- conv-forward, conv-backward --------------------------------------------------------------


def _cell_names(cells: Sequence[tuple[int, int]], symbol: str) -> str:
    return ", ".join(f"${symbol}_{{{i},{j}}}$" for i, j in cells)


def _conv_forward_statement(problem: ConvProblem, name: str) -> str:
    figure = unique_ids(conv_render.forward_question_figure(problem), name)
    return (
        f"{conv_render.statement(problem)}\n\n"
        f"Find {_cell_names(problem.asked_output, 'Z')}, the cells of the output marked with "
        "a question mark below (rows and columns counted from 0 at the top left).\n\n"
        f"{figure}"
    )


def _conv_forward_solution(problem: ConvProblem, name: str) -> str:
    return unique_ids(conv_render.forward_solution(problem), name)


def _conv_backward_statement(problem: ConvProblem, name: str) -> str:
    figure = unique_ids(conv_render.gradient_question_figure(problem), name)
    cells = _cell_names(problem.asked_grad_kernel, r"\nabla W")
    return (
        f"{conv_render.statement(problem)}\n\n{conv_render.gradient_statement(problem)}\n\n"
        f"Given the input and this upstream gradient, find {cells}, the cells of the kernel "
        "gradient marked with a question mark below (rows and columns counted from 0 at the "
        "top left).\n\n"
        f"{figure}"
    )


def _conv_backward_solution(problem: ConvProblem, name: str) -> str:
    return unique_ids(conv_render.gradient_solution(problem), name)


# --- conv-shape ------------------------------------------------------------------------------


def _conv_shape_statement(problem, name: str) -> str:
    return conv_render.conv_shape_statement(problem)


def _conv_shape_solution(problem, name: str) -> str:
    return conv_render.conv_shape_solution(problem)


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


def _param_count_statement(problem, name: str) -> str:
    return param_count_statement(problem)


def _param_count_solution(problem, name: str) -> str:
    return architectures_render.params_solution(layer_row(problem))


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
    "conv-forward": _conv_forward_solution,
    "conv-backward": _conv_backward_solution,
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
    """One variant: heading, problem, answer boxes, worked solution(s), each ending with its
    "How we know" block."""
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


# --- one variant a page, and the pager between them ------------------------------------------

VARIANTS = tuple(range(1, len(SITE_SEEDS) + 1))  # the numbers of a kind's variant pages


def page_source(kind: str, number: int) -> str:
    """Where variant `number` of `kind` lives in docs/: practice/backprop.md (the first, typed)
    or practice/backprop-3.md (generated by the build)."""
    if number not in VARIANTS:
        raise ValueError(f"number must be one of {VARIANTS[0]} to {VARIANTS[-1]}, got {number!r}")
    return f"practice/{registry.kind(kind).name}{'' if number == 1 else f'-{number}'}.md"


def page_link(kind: str, number: int) -> str:
    """The address of that page from another practice page: backprop.html, backprop-3.html."""
    return page_source(kind, number).removeprefix("practice/").removesuffix(".md") + ".html"


def pager(kind: str, number: int, label: str) -> str:
    """Links to every variant page of `kind`, "Variant 1 · 2 · … · 10", the current one marked,
    then the previous and the next; `label` names this pager among the page's landmarks."""
    pages = "".join(
        f'<li><a href="{page_link(kind, n)}"'
        + (' aria-current="page"' if n == number else "")
        + f' aria-label="Variant {n}">{n}</a></li>'
        for n in VARIANTS
    )
    steps = [
        f'<a class="practice-pager-step" href="{page_link(kind, n)}" rel="{rel}">{text}</a>'
        for n, rel, text in (
            (number - 1, "prev", f"← Variant {number - 1}"),
            (number + 1, "next", f"Variant {number + 1} →"),
        )
        if n in VARIANTS
    ]
    return (
        f'<nav class="practice-pager" aria-label="{escape(label, quote=True)}" '
        "data-search-exclude>"
        f'<span class="practice-pager-name">Variant</span><ol class="practice-pager-pages">{pages}'
        f'</ol><span class="practice-pager-steps">{"".join(steps)}</span></nav>'
    )


def numbered_variant(kind: str, number: int) -> str:
    """What a practice page prints of its variant: a pager, the variant, the pager again."""
    seed = SITE_SEEDS[VARIANTS.index(number)]
    return "\n\n".join(
        [
            pager(kind, number, "Variants"),
            variant(kind, seed),
            pager(kind, number, "Variants, again"),
        ]
    )


def variant_block(kind: str, number: int) -> str:
    """The block of a practice page that prints variant `number` (its id unique in the site)."""
    return (
        f'```python exec="on" id="practice-{kind}-variant-{number}"\n'
        "from snippets.render.practice import numbered_variant\n\n"
        f'print(numbered_variant("{kind}", {number}))\n```'
    )


def variant_page(kind: str, number: int) -> str:
    """The Markdown of the generated page of variant `number` (2 to 10) of `kind`: left out of
    the search (it is the first page's problem with other numbers), links to the first page
    and to the chapter that works the exam's own question, then the variant's block."""
    if number == VARIANTS[0]:
        raise ValueError(f"number must be a generated page's, {VARIANTS[1]} or more, got 1")
    spec = registry.kind(kind)
    chapter = exam.part(spec.part)
    first = page_source(kind, 1).removeprefix("practice/")
    return (
        "---\nsearch:\n  exclude: true\n---\n\n"
        f"# Practice · {spec.title} · Variant {number}\n\n"
        f"- [Practice · {spec.title}: how to work a variant, and variant 1]({first})\n"
        f"- [Part {chapter.roman} · {chapter.title}: the exam's own question, worked]"
        f"(../{chapter.page})\n\n"
        f"{variant_block(kind, number)}\n"
    )


def intro(kind: str) -> str:
    """The top of a practice page: what it practises and how answers are checked."""
    spec = registry.kind(kind)
    tolerance = tolerance_text(any_weight(spec.asked(spec.exam_problem())), html=True)
    return (
        f"{len(SITE_SEEDS)} fresh variants of {spec.exam_question} of the mock exam, one a "
        "page, with numbers to work out by hand: every number a variant gives is a whole "
        "number or has one decimal. This page is variant 1; the links Variant 1 · 2 · … · "
        f"{VARIANTS[-1]} above and below it lead to every other.\n\n"
        "Work a variant on paper first, then type your numbers into its boxes and press "
        f"**Check** (or Enter). {tolerance} Only then open the worked solution: it is written "
        "by the same code as the chapter's. Each solution ends with the functions that "
        "compute it and the tests that check them.\n\n"
        f"Each variant is made from its seed and is the same on every visit. For more, run "
        f"`{COMMAND} {kind} --seed {SITE_SEEDS[-1] + 1}` (any seed from 0 to "
        f"{SEED_LIMIT - 1}); `--exam` gives the exam's own numbers and `--json` a "
        "machine-readable version."
    )


def index() -> str:
    """The practice index: one row per kind, what it asks and how it is checked."""
    rows = []
    for spec in registry.KINDS.values():
        asked = any_weight(spec.asked(spec.exam_problem()))
        rows.append(
            (
                spec.title,
                spec.exam_question,
                f"`{spec.name}`",
                len(asked),
                tolerance_short(asked, html=True),
            )
        )
    return md.table(("Practice", "Exam question", "Kind", "Boxes", "Checked"), rows, align="lllrl")


# --- the command line ------------------------------------------------------------------------


def _figures_as_text(text: str) -> str:
    """Each inline figure replaced by its text alternative, for a terminal."""

    def alt(match: re.Match[str]) -> str:
        label = re.search(r'aria-label="([^"]*)"', match.group(0))
        return f"*Figure: {label.group(1) if label else 'not shown'}*"

    return re.sub(r'<figure class="guide-svg"[^>]*>.*?</figure>', alt, text, flags=re.DOTALL)


EVIDENCE_HEADER = md.how_we_know(md.how_we_know).split("\n", 1)[0]


def _without_provenance(text: str) -> str:
    """`text` without its "How we know" blocks, header and body (filled in by the site's
    build only)."""
    out, indent = [], None
    for line in text.split("\n"):
        if indent is not None:
            if not line.strip() or len(line) - len(line.lstrip()) > indent:
                continue
            indent = None
        if line.lstrip().startswith(EVIDENCE_HEADER):
            indent = len(line) - len(line.lstrip())
            continue
        out.append(line)
    return "\n".join(out)


def terminal_markdown(kind: str, seed: int | None) -> str:
    """The problem and its worked solution as Markdown for the command line (figures as text)."""
    spec = registry.kind(kind)
    which = "the mock exam's own instance" if seed is None else f"seed {seed}"
    asked = spec.asked(registry.problem(kind, seed))
    answers = "\n".join(f"- {item.text} = {rounded(item.value, 6)}" for item in asked)
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
    """How to install the command, then get more variants, the exam's instance and JSON."""
    example, seed = registry.NAMES[1], SITE_SEEDS[-1] + 1
    return (
        "Install the guide's code once, from its repository, into a virtual environment with "
        "Python 3.11 or newer:\n\n"
        f"```bash\n{INSTALL}\n```\n\n"
        "or, from a clone of the repository, `pip install .` in its folder. Then print a "
        f"problem and its worked solution as Markdown with `{COMMAND}`:\n\n"
        f"```bash\n{COMMAND} {example} --seed {seed}\n"
        f"{COMMAND} {example} --exam        # the mock exam's own numbers\n"
        f"{COMMAND} {example} --seed {seed} --json   # machine-readable\n```\n\n"
        f"`{MODULE} practice` is the same command under another name, for a Python whose "
        f"scripts are not on your PATH: `{MODULE} practice {example} --seed {seed}`.\n\n"
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
        "computed number, rounded to 12 decimals and no further: for logistic-step σ(z) "
        "itself, not a plot reading). "
        "The keys of each kind are fixed and documented, so you can build your own drills "
        "on them. The exam's own convolution-shape question:\n\n"
        f"```json\n{example}\n```\n\n"
        f"{md.collapsible('The keys of every kind', body, kind='note')}"
    )
