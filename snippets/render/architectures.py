"""Part VI, CNN architectures, as Markdown: the setting, then each sub-question as one unit.

Every size and count is read from `snippets.architectures` (the reconstructed layer list and
its shape table) or from `snippets.exam`; nothing is typed here. Which classic network the
layer list follows is the answer of (a): it is named only behind that answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from snippets import exam
from snippets.architectures import (
    EXAM_CLASSIFIER,
    EXAM_FEATURES,
    Conv,
    Dense,
    Flatten,
    Layer,
    LayerShape,
    MaxPool,
    exam_network,
    layer_shape,
    output_layer,
    parameter_split,
    propagate,
    same_padding,
    total_params,
    transfer_learning,
)
from snippets.render import markdown as md
from snippets.render.architecture_figures import (
    network_figure,
    parameters_vs_input_figure,
)
from snippets.render.latex import display
from snippets.render.numbers import TIMES, shape_text, thousands, thousands_tex
from snippets.render.svg import figure_svg

PART = 6
# Input sizes for the figure of part (e): from a quarter to twice the exam's input size.
SIZE_RANGE = (exam.IMAGE_SHAPE[0] // 4, 2 * exam.IMAGE_SHAPE[0])


def _rows() -> tuple[LayerShape, ...]:
    """The shape table of the whole network, the output layer of (b) included."""
    return propagate(exam_network(), exam.IMAGE_SHAPE)


def _question_rows() -> tuple[LayerShape, ...]:
    """The shape table of the exam's figure: everything before the missing output layer."""
    return propagate((*EXAM_FEATURES, *EXAM_CLASSIFIER), exam.IMAGE_SHAPE)


def _operation(layer: Layer) -> str:
    """The operation of a layer in words; the table gives f, s and p in their own column."""
    if isinstance(layer, Conv):
        return f"conv, {layer.filters} filters"
    if isinstance(layer, MaxPool):
        return "max pool"
    if isinstance(layer, Flatten):
        return "flatten"
    return f"fully connected, {layer.units} units"


def _fsp(layer: Layer) -> str:
    if isinstance(layer, Conv | MaxPool):
        return f"{layer.kernel_size}, {layer.stride}, {layer.padding}"
    return "–"


def _strides() -> int:
    """The product of all strides: how much the feature extractor shrinks height and width."""
    return math.prod(layer.stride for layer in EXAM_FEATURES if isinstance(layer, Conv | MaxPool))


# --- the setting, shared by every sub-question ---------------------------------------------


def network_statement() -> str:
    """The restated setting of Part VI with the exam's numbers."""
    height, width, _ = exam.IMAGE_SHAPE
    return (
        "You enter an image-classification contest: each image has "
        f"{height}{TIMES}{width} pixels and belongs to one of {exam.NUM_CLASSES} classes. "
        "You start from the CNN below. Under each arrow stand the filter size $f$ of the "
        "convolution or pooling and its stride $s$ (no $s$ means $s = 1$). Every convolution "
        "and pooling layer pads its input by $p = (f - 1)/2$ on each side."
    )


def _network_alt(rows: Sequence[LayerShape], show_sizes: bool) -> str:
    steps = [f"input {shape_text(exam.IMAGE_SHAPE)}"]
    for row in rows:
        layer = row.layer
        if isinstance(layer, Flatten):
            continue
        op = _operation(layer)
        if isinstance(layer, Conv | MaxPool):
            op += f", filter size {layer.kernel_size}, stride {layer.stride}"
        shape = row.output_shape
        if not show_sizes and len(shape) == 3:
            shape = ("?", "?", shape[2])  # heights and widths are asked in (c)
        steps.append(f"{op}, to {shape_text(shape)}")
    return "The network, left to right: " + "; ".join(steps) + "."


def question_figure() -> str:
    """The network as the question shows it: heights and widths open, no output layer."""
    rows = _question_rows()
    fig = network_figure(rows, exam.IMAGE_SHAPE, show_sizes=False)
    return figure_svg(
        fig, name="p6-network-question", alt=_network_alt(rows, False), cap_at_text_size=True
    )


def reconstruction_note() -> str:
    """Where the layer list comes from, without naming the network it follows (that is (a))."""
    height, width, _ = exam.IMAGE_SHAPE
    f = exam.FIRST_CONV["kernel_size"]
    body = (
        f"{exam.RECONSTRUCTED[PART, 'a']}\n\n"
        "The exam's text fixes the input (images of "
        f"{height}{TIMES}{width} pixels), the {exam.NUM_CLASSES} classes and the padding "
        "rule; its published solutions fix the first convolution: "
        f"{exam.FIRST_CONV['filters']} filters of {f}{TIMES}{f} "
        f"over {exam.FIRST_CONV['in_channels']} colour channels. Its stride and every other "
        "layer are reconstructed after a classic network; which one is the answer of (a), and "
        "a note after that answer says how closely the reconstruction follows it."
    )
    return md.collapsible("The network is a reconstruction", body, "note", open_=True)


def network_setting() -> str:
    """Everything the sub-questions share: the statement, the figure, where it comes from."""
    return "\n\n".join((network_statement(), question_figure(), reconstruction_note()))


# --- (a) -----------------------------------------------------------------------------------


def _reconstruction_after() -> str:
    """The note behind (a)'s answer: how the layer list follows AlexNet and where it differs."""
    convs = [layer for layer in EXAM_FEATURES if isinstance(layer, Conv)]
    pool = next(layer for layer in EXAM_FEATURES if isinstance(layer, MaxPool))
    dense = [layer for layer in EXAM_CLASSIFIER if isinstance(layer, Dense)]
    body = (
        "The layer list follows AlexNet's: "
        f"{len(convs)} convolutions with filter sizes "
        f"{', '.join(str(c.kernel_size) for c in convs)} and "
        f"{', '.join(str(c.filters) for c in convs)} filters, the first with stride "
        f"{convs[0].stride}; max pooling of {pool.kernel_size}{TIMES}{pool.kernel_size} with "
        f"stride {pool.stride} after the first, second and fifth convolution; "
        f"{len(dense)} fully-connected layers of {' and '.join(str(d.units) for d in dense)} "
        "units before the output layer of (b).\n\n"
        "It differs from AlexNet in three ways: every convolution and pooling layer pads by "
        "the exam's rule $p = (f - 1)/2$; every filter sees all the channels of its input "
        "(AlexNet split some layers into two halves, one per GPU); and there is no local "
        "response normalisation."
    )
    return md.collapsible("How closely the reconstruction follows it", body, "note")


def architecture_unit() -> str:
    """Question (a): AlexNet, and the marks that give it away."""
    layers = exam_network()
    first = layers[0]
    pool = next(layer for layer in layers if isinstance(layer, MaxPool))
    convs = sum(isinstance(layer, Conv) for layer in layers)
    dense = sum(isinstance(layer, Dense) for layer in layers)
    rows = _rows()
    worked = (
        "The network has the marks of **AlexNet**:\n\n"
        f"- a large first filter, {first.kernel_size}{TIMES}{first.kernel_size} with stride "
        f"{first.stride}, which divides the height and width of the image by {first.stride} "
        f"at once ({rows[0].input_shape[0]} to {rows[0].output_shape[0]});\n"
        f"- {convs} convolutions, with max pooling after the first, the second and the last;\n"
        f"- pooling windows of {pool.kernel_size}{TIMES}{pool.kernel_size} with stride "
        f"{pool.stride}, which overlap, since the stride is smaller than the window;\n"
        f"- {dense} fully-connected layers at the end, counting the output layer of (b);\n"
        f"- {exam.NUM_CLASSES} classes, as many as the ImageNet challenge it was built for."
    )
    return md.unit(
        PART,
        "a",
        answer="**AlexNet** (Krizhevsky, Sutskever and Hinton, 2012).",
        worked=worked,
        evidence=(exam_network,),
        after=_reconstruction_after(),
    )


# --- (b) -----------------------------------------------------------------------------------


def output_layer_unit() -> str:
    """Question (b): a fully-connected layer with one unit per class, softmax, cross-entropy."""
    out = _rows()[-1]
    n_in, units = out.weight_shapes[0]
    before = _rows()[-2].layer.name
    worked = (
        f"**Layer.** A fully-connected layer with {units} units, one score (logit) $z_k$ per "
        f"class. It reads the {n_in} outputs of {before}, so it has\n\n"
        + display(rf"({n_in} + 1) \cdot {units} = {thousands_tex(out.params)}")
        + "\n\nparameters: a weight per input and a bias, for every unit.\n\n"
        "**Output function: softmax**, which turns the scores into probabilities that are "
        "positive and sum to one:\n\n"
        + display(r"p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}, \qquad k = 1, \dots, K")
        + f"\n\nwith $K = {units}$.\n\n"
        "**Loss: cross-entropy** between the one-hot target $t$ and $p$, which for an image "
        "of class $y$ is the negative log-probability of its class:\n\n"
        + display(r"L = -\sum_{k=1}^{K} t_k \log p_k = -\log p_y")
        + "\n\nIts gradient with respect to the scores is $p - t$. With two classes, softmax "
        "is the sigmoid of the difference of the two scores and this loss is the binary "
        "cross-entropy of Part III."
    )
    answer = (
        f"A **fully-connected layer with {units} units**, one per class, with a **softmax** "
        "output and the **cross-entropy** loss."
    )
    return md.unit(PART, "b", answer=answer, worked=worked, evidence=(output_layer, layer_shape))


# --- (c) -----------------------------------------------------------------------------------


FORMULA = r"n_\text{out} = \left\lfloor \frac{n_\text{in} - f + 2p}{s} \right\rfloor + 1"


def shape_table(rows: Sequence[LayerShape], input_shape: Sequence[int]) -> str:
    """Every layer's f, s, p, output size, parameters and multiply-adds, with totals."""
    lines = [("input", "", "–", shape_text(input_shape), "0", "0")]
    for row in rows:
        lines.append(
            (
                row.layer.name,
                _operation(row.layer),
                _fsp(row.layer),
                shape_text(row.output_shape),
                thousands(row.params),
                thousands(row.mult_adds),
            )
        )
    total_adds = sum(row.mult_adds for row in rows)
    lines.append(
        (
            "**total**",
            "",
            "",
            "",
            f"**{thousands(sum(r.params for r in rows))}**",
            thousands(total_adds),
        )
    )
    headers = ("layer", "operation", "f, s, p", "output size", "parameters", "multiply-adds")
    return md.table(headers, lines, align="llcrrr")


def answer_figure() -> str:
    """The network with every size filled in, the output layer of (b) dashed, as inline SVG."""
    rows = _rows()
    fig = network_figure(rows, exam.IMAGE_SHAPE, show_sizes=True)
    return figure_svg(
        fig, name="p6-network-answer", alt=_network_alt(rows, True), cap_at_text_size=True
    )


def output_sizes_answer() -> list[str]:
    """What earns (c)'s points: the formula, and the height × width of every volume."""
    sizes = ", ".join(
        f"{row.layer.name} {shape_text(row.output_shape[:2])}"
        for row in _rows()
        if len(row.output_shape) == 3 and not isinstance(row.layer, Flatten)
    )
    return [f"${FORMULA}$", f"{sizes}."]


def output_size_unit() -> str:
    """Question (c): the output-size formula, a worked first layer and the whole table."""
    rows = _rows()
    first = rows[0]
    layer = first.layer
    size, f, s, p = first.input_shape[0], layer.kernel_size, layer.stride, layer.padding
    numerator = size - f + 2 * p
    out = first.output_shape[0]
    worked = (
        "Along each axis, a filter of size $f$ with stride $s$ slides over the input of size "
        "$n_\\text{in}$ padded by $p$ on both sides; it fits at\n\n"
        + display(FORMULA)
        + "\n\npositions. The floor matters when $s$ does not divide "
        "$n_\\text{in} - f + 2p$: the last, incomplete step is dropped. The number of channels "
        "is the number of filters for a convolution, and pooling leaves it unchanged.\n\n"
        "With the exam's padding $p = (f - 1)/2$ the numerator becomes $n_\\text{in} - 1$, so "
        "$n_\\text{out} = \\lfloor (n_\\text{in} - 1)/s \\rfloor + 1 = \\lceil n_\\text{in}/s "
        "\\rceil$: a layer with stride 1 keeps the size, and a layer with stride $s$ divides "
        "it by $s$, rounding up.\n\n"
        f"**First layer.** $n_\\text{{in}} = {size}$, $f = {f}$, $s = {s}$, "
        f"$p = ({f} - 1)/2 = {p}$:\n\n"
        + display(
            rf"n_\text{{out}} = \left\lfloor \frac{{{size} - {f} + 2 \cdot {p}}}{{{s}}} "
            rf"\right\rfloor + 1 = \left\lfloor {numerator / s:g} \right\rfloor + 1 = {out}"
        )
        + f"\n\nso the first volume is {shape_text(first.output_shape)}. "
        + (
            f"Here {s} does not divide {numerator}: without the floor the formula would give "
            f"{numerator / s + 1:g}, which is not a size.\n\n"
            if numerator % s
            else "\n\n"
        )
        + "**Every layer.** The formula applied layer by layer (f, s, p are the filter size, "
        "stride and padding; multiply-adds count one multiplication and one addition per "
        "use of a weight, for one image):\n\n"
        f"{shape_table(rows, exam.IMAGE_SHAPE)}\n\n"
        "The filled-in figure, with the output layer of (b) dashed:\n\n"
        f"{answer_figure()}"
    )
    return md.unit(
        PART,
        "c",
        answer=output_sizes_answer(),
        worked=worked,
        evidence=(layer_shape, same_padding, propagate),
    )


# --- (d) -----------------------------------------------------------------------------------


def params_worked(row: LayerShape) -> str:
    """The worked count of (d) for any convolution or fully-connected layer: weights plus biases."""
    if not row.weight_shapes:
        raise ValueError(f"row must be a layer with parameters, got {row.layer.name!r}")
    weights, (k,) = row.weight_shapes
    if isinstance(row.layer, Conv):
        f, _, c, _ = weights
        why = (
            f"Each of the {k} filters spans {f}{TIMES}{f} pixels "
            + (f"across all {c} input channels" if c != 1 else "of the one input channel")
            + " and has one bias:"
        )
        product = rf"{f} \cdot {f} \cdot {c} \cdot {k} + {k} = {thousands_tex(f * f * c * k)} + {k}"
        after = (
            "The count does not depend on the size of the feature map or on the stride: the "
            "same filters slide over every position."
        )
    else:
        n, _ = weights
        why = f"Each of the {k} outputs has a weight for each of the {n} inputs and one bias:"
        product = rf"{n} \cdot {k} + {k} = {thousands_tex(n * k)} + {k}"
        after = f"Every input meets every output: {n} · {k} weights, plus {k} biases."
    first = exam.FIRST_CONV
    is_exams = isinstance(row.layer, Conv) and weights == (
        first["kernel_size"], first["kernel_size"], first["in_channels"], first["filters"]
    )  # fmt: skip
    published = (
        f" The published answer is {thousands(exam.PUBLISHED_FIRST_CONV_PARAMS)}."
        if is_exams
        else ""
    )
    return f"{why}\n\n{display(rf'{product} = {thousands_tex(row.params)}')}\n\n{after}{published}"


def params_solution(row: LayerShape) -> str:
    """The worked count of (d) for one layer and its evidence, closed (practice pages)."""
    body = params_worked(row) + "\n\n" + md.how_we_know(layer_shape)
    return md.solution(body, md.question(PART, "d").points)


def first_layer_solution() -> str:
    """The exam's (d) as a practice page shows it: the same worked count, closed."""
    return params_solution(_rows()[0])


def first_layer_unit() -> str:
    """Question (d): f · f · c · k weights plus k biases of the first convolution."""
    row = _rows()[0]
    (f, _, c, k), _ = row.weight_shapes
    answer = f"${f} \\cdot {f} \\cdot {c} \\cdot {k} + {k} = {thousands_tex(row.params)}$"
    return md.unit(PART, "d", answer=answer, worked=params_worked(row), evidence=(layer_shape,))


# --- (e) -----------------------------------------------------------------------------------


def parameters_figure() -> str:
    """Total parameters against input size, the first FC layer's share marked, as inline SVG."""
    layers = exam_network()
    splits = [parameter_split(layers, n) for n in range(SIZE_RANGE[0], SIZE_RANGE[1] + 1)]
    fig = parameters_vs_input_figure(splits, marked_size=exam.IMAGE_SHAPE[0])
    marked = parameter_split(layers, exam.IMAGE_SHAPE[0])
    alt = (
        f"Total parameters against input height and width from {SIZE_RANGE[0]} to "
        f"{SIZE_RANGE[1]} pixels: a staircase that rises with the input size. The band of "
        f"all layers but {marked.first_dense_name} stays at "
        f"{thousands(marked.total - marked.first_dense)}; "
        f"everything above it is {marked.first_dense_name}. At {exam.IMAGE_SHAPE[0]} pixels "
        f"the total is {thousands(marked.total)}."
    )
    return figure_svg(fig, name="p6-parameters", alt=alt, cap_at_text_size=True)


def input_size_unit() -> str:
    """Question (e): only the first fully-connected layer grows with the input."""
    layers = exam_network()
    rows = _rows()
    last = next(r for r in reversed(rows) if isinstance(r.layer, Flatten))
    first_dense = next(r for r in rows if isinstance(r.layer, Dense))
    name = first_dense.layer.name
    h, w, c = last.input_shape
    units = first_dense.layer.units
    stride = _strides()
    sizes = (SIZE_RANGE[0], exam.IMAGE_SHAPE[0] // 2, exam.IMAGE_SHAPE[0], SIZE_RANGE[1])
    splits = [parameter_split(layers, n) for n in sizes]
    table = md.table(
        ("input", "convolutions", name, "other FC layers", "total"),
        [
            (
                f"{n}{TIMES}{n}",
                thousands(s.conv),
                thousands(s.first_dense),
                thousands(s.other_dense),
                thousands(s.total),
            )
            for n, s in zip(sizes, splits, strict=True)
        ],
        align="lrrrr",
    )
    worked = (
        "A convolution has $f \\cdot f \\cdot c_\\text{in} \\cdot k + k$ parameters: nothing "
        "in it depends on the height or width of its input, and pooling has no parameters at "
        "all. But the last pooled volume grows with the image, and the first fully-connected "
        f"layer ({name}) connects every one of its values to every one of its {units} units. "
        f"At {exam.IMAGE_SHAPE[0]}{TIMES}{exam.IMAGE_SHAPE[1]} that volume is "
        f"{shape_text(last.input_shape)}, so\n\n"
        + display(
            rf"({h} \cdot {w} \cdot {c} + 1) \cdot {units} = {thousands_tex(first_dense.params)}"
        )
        + f"\n\nparameters, {first_dense.params / total_params(layers, exam.IMAGE_SHAPE):.0%} "
        "of the whole network. The strides multiply to "
        f"{stride}, so an $n \\times n$ input leaves a $\\lceil n/{stride} \\rceil \\times "
        f"\\lceil n/{stride} \\rceil$ volume and {name} has "
        f"$(\\lceil n/{stride} \\rceil^2 \\cdot {c} + 1) \\cdot {units}$ parameters: the count "
        f"rises in steps every {stride} pixels, with the square of the side. Every other layer "
        "keeps its count:\n\n"
        f"{table}\n\n"
        f"{parameters_figure()}\n\n"
        "A fully-convolutional network, whose classifier is made of 1 × 1 convolutions "
        "followed by global average pooling (which has no parameters), would keep the same "
        "count for every input size."
    )
    answer = (
        "**Yes, the total grows**, because the network is not fully convolutional: the first "
        f"fully-connected layer ({name}) reads the flattened last volume, which grows with the "
        "image, so it gets more weights. The convolutions and the other fully-connected "
        "layers keep their counts."
    )
    return md.unit(PART, "e", answer=answer, worked=worked, evidence=(parameter_split,))


# --- (f) -----------------------------------------------------------------------------------


def transfer_unit() -> str:
    """Question (f): pretrain on the large set, freeze the convolutions, retrain the FC layers."""
    layers = exam_network()
    counts = transfer_learning(layers, exam.IMAGE_SHAPE, exam.NUM_CLASSES)
    rows = _rows()
    output = rows[-1]
    status = dict.fromkeys(counts.frozen_layers, "frozen")
    status |= dict.fromkeys(counts.retrained_layers, "retrained")
    status[output.layer.name] = f"replaced ({output.layer.units} units), trained from scratch"
    table = md.table(
        ("layer", "parameters", "while fine-tuning"),
        [
            (row.layer.name, thousands(row.params), status.get(row.layer.name, "no parameters"))
            for row in rows
        ],
        align="lrl",
    )
    share = counts.frozen_params / counts.total
    worked = (
        "First *pretrain* the whole network on the large dataset, with an output layer sized "
        "for its classes. Then *fine-tune* on the contest's data:\n\n"
        "- the convolutions keep their pretrained values and are **frozen**, to reuse the "
        "features they learnt on the large dataset (pooling has no parameters to freeze);\n"
        "- the output layer is **replaced** by a new one with one unit per contest class, "
        "since the classes differ, and trained from scratch;\n"
        "- the other fully-connected layers are **retrained**, starting from their pretrained "
        "values.\n\n"
        f"{table}\n\n"
        f"That freezes {thousands(counts.frozen_params)} parameters ({share:.1%}) and trains "
        f"{thousands(counts.retrained_params)} on the small dataset. These counts do not depend on "
        "the number of classes of the large dataset: its output layer is thrown away.\n\n"
        "How much to freeze is a design choice, which the exam leaves open: with very little "
        f"data one can retrain only the new output layer ({thousands(output.params)} parameters); "
        "with more data, or less similar images, one can also fine-tune the last convolutions "
        "with a small learning rate."
    )
    answer = [
        "**Transfer learning**: pretrain the network on the large dataset, then fine-tune it "
        "on the contest's data.",
        f"**Replace the output layer** by a new one with {output.layer.units} units, one per "
        "contest class, trained from scratch; keep the pretrained convolutions (frozen) and "
        "retrain the other fully-connected layers.",
    ]
    return md.unit(PART, "f", answer=answer, worked=worked, evidence=(transfer_learning,))
