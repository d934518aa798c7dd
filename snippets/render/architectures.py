"""Part VI, CNN architectures, as Markdown: the reconstructed network, statements, solutions.

Every size and count is read from `snippets.architectures` (the reconstructed layer list and
its shape table) or from `snippets.exam`; nothing is typed here.
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
from snippets.render.architecture_figures import network_figure, parameters_vs_input_figure
from snippets.render.latex import display
from snippets.render.svg import figure_svg

PART = 6
TIMES = "\u00a0×\u00a0"  # no-break spaces: a size never wraps inside a table cell
# Input sizes for the figure of part (e): from a quarter to twice the exam's input size.
SIZE_RANGE = (exam.IMAGE_SHAPE[0] // 4, 2 * exam.IMAGE_SHAPE[0])


def count(n: int) -> str:
    """A count with thousands separators, as the exam writes 34,944."""
    return f"{n:,}"


def count_tex(n: int) -> str:
    """A count for TeX: the comma in braces so that it is not followed by a space."""
    return f"{n:,}".replace(",", "{,}")


def shape_text(shape: Sequence[int]) -> str:
    return TIMES.join(str(n) for n in shape)


def _rows() -> tuple[LayerShape, ...]:
    return propagate(exam_network(), exam.IMAGE_SHAPE)


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


# --- the network ---------------------------------------------------------------------------


def reconstruction_note() -> str:
    """Where the layer list comes from: what the exam keeps and what is reconstructed."""
    first = EXAM_FEATURES[0]
    height, width, channels = exam.IMAGE_SHAPE
    convs = [layer for layer in EXAM_FEATURES if isinstance(layer, Conv)]
    dense = [layer for layer in EXAM_CLASSIFIER if isinstance(layer, Dense)]
    body = (
        "The exam draws its network in a figure that was lost when the exam was turned into "
        "text. The text keeps: the input (images of "
        f"{height}{TIMES}{width} pixels; {channels} colour channels, as part (d) shows), "
        f"the {exam.NUM_CLASSES} classes, the padding rule $p = (f - 1)/2$ for every convolution "
        "and pooling layer, and, through the published answer of (d), the first convolution: "
        f"{exam.FIRST_CONV['filters']} filters of {first.kernel_size}{TIMES}{first.kernel_size} "
        f"over {exam.FIRST_CONV['in_channels']} channels.\n\n"
        "**Everything else on this page is a reconstruction**, made after AlexNet, the "
        "answer of (a): "
        f"{len(convs)} convolutions with filter sizes "
        f"{', '.join(str(c.kernel_size) for c in convs)} and "
        f"{', '.join(str(c.filters) for c in convs)} filters, the first with stride "
        f"{first.stride}; max pooling of {EXAM_FEATURES[1].kernel_size}{TIMES}"
        f"{EXAM_FEATURES[1].kernel_size} with stride {EXAM_FEATURES[1].stride} after the "
        f"first, second and fifth convolution; then {len(dense)} fully-connected layers of "
        f"{' and '.join(str(d.units) for d in dense)} units. Unlike AlexNet it pads every layer "
        "by the exam's rule, runs as one tower (AlexNet split it over two GPUs) and has no "
        "local response normalisation.\n\n"
        "Every size and count below is computed from this layer list "
        "(`snippets/architectures.py`); change a layer there and the page follows."
    )
    return md.collapsible("The network on this page is a reconstruction", body, "note", True)


def network_statement() -> str:
    """The restated setting of Part VI with the exam's numbers."""
    height, width, _ = exam.IMAGE_SHAPE
    return (
        "You enter an image-classification contest: each image has "
        f"{height}{TIMES}{width} pixels and belongs to one of {exam.NUM_CLASSES} classes. "
        "You start from the CNN below. Under each arrow stand the filter size $f$ of the "
        "convolution or pooling and its stride $s$ (no $s$ means $s = 1$). Every convolution "
        "and pooling layer pads its input with $p = (f - 1)/2$ zeros on each side."
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
        size = shape_text(row.output_shape) if show_sizes else "size asked"
        steps.append(f"{op} to {size}")
    return "The network, left to right: " + "; ".join(steps) + "."


def question_figure() -> str:
    """The network as the question shows it: heights, widths and the output layer left open."""
    rows = _rows()
    fig = network_figure(rows, exam.IMAGE_SHAPE, show_sizes=False)
    return figure_svg(fig, name="p6-network-question", alt=_network_alt(rows, False))


# --- (a) -----------------------------------------------------------------------------------


def architecture_solution() -> str:
    """Solution of (a): AlexNet, and the features that give it away."""
    layers = exam_network()
    first = layers[0]
    convs = sum(isinstance(layer, Conv) for layer in layers)
    dense = sum(isinstance(layer, Dense) for layer in layers)
    body = (
        "**AlexNet** (Krizhevsky, Sutskever and Hinton, 2012), the network that won the "
        "ImageNet challenge of 2012 and started the deep-learning era of computer vision.\n\n"
        "What gives it away: a large first filter "
        f"({first.kernel_size}{TIMES}{first.kernel_size} with stride {first.stride}) that "
        f"shrinks the image quickly, {convs} convolutions with overlapping max pooling "
        f"between them, and a classifier of {dense} large fully-connected layers, counting the "
        "missing output layer of (b), on a task with as many classes as ImageNet. "
        "VGG would use only 3 × 3 filters and many more layers; GoogLeNet would use "
        "inception modules; ResNet would use skip connections and global average pooling "
        "instead of large fully-connected layers; LeNet is far smaller.\n\n"
        f"{md.provenance(exam_network)}"
    )
    return md.solution(body, md.question(PART, "a").points)


# --- (b) -----------------------------------------------------------------------------------


def output_layer_solution() -> str:
    """Solution of (b): a fully-connected layer with one unit per class, softmax, cross-entropy."""
    rows = _rows()
    out = rows[-1]
    n_in, units = out.weight_shapes[0]
    body = (
        f"A **fully-connected layer with {units} units**, one score (logit) $z_k$ per class. "
        f"It reads the {n_in} outputs of the layer before it, so it has "
        f"$({n_in} + 1) \\cdot {units} = {count_tex(out.params)}$ parameters "
        "(a weight per input and a bias, for every unit).\n\n"
        "**Output function: softmax**, which turns the scores into probabilities that are "
        "positive and sum to one:\n\n"
        + display(r"p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}, \qquad k = 1, \dots, K")
        + f"\n\nwith $K = {units}$.\n\n"
        "**Loss: cross-entropy** between the one-hot target $t$ and $p$, which for an image "
        "of class $y$ is the negative log-probability of the right class:\n\n"
        + display(r"L = -\sum_{k=1}^{K} t_k \log p_k = -\log p_y")
        + "\n\nIts gradient with respect to the scores is $p - t$, the multi-class version of "
        "Part III (b).\n\n"
        f"{md.provenance(output_layer, layer_shape)}"
    )
    return md.solution(body, md.question(PART, "b").points)


# --- (c) -----------------------------------------------------------------------------------


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
                count(row.params),
                count(row.mult_adds),
            )
        )
    total_adds = sum(row.mult_adds for row in rows)
    lines.append(
        ("**total**", "", "", "", f"**{count(sum(r.params for r in rows))}**", count(total_adds))
    )
    headers = ("layer", "operation", "f, s, p", "output size", "parameters", "multiply-adds")
    return md.table(headers, lines, align="llcrrr")


def answer_figure() -> str:
    """The network with every size filled in, as inline SVG."""
    rows = _rows()
    fig = network_figure(rows, exam.IMAGE_SHAPE, show_sizes=True)
    return figure_svg(fig, name="p6-network-answer", alt=_network_alt(rows, True))


def output_size_solution() -> str:
    """Solution of (c): the output-size formula, a worked first layer and the whole table."""
    rows = _rows()
    first = rows[0]
    layer = first.layer
    size, f, s, p = first.input_shape[0], layer.kernel_size, layer.stride, layer.padding
    numerator = size - f + 2 * p
    out = first.output_shape[0]
    body = (
        "Along each axis, a filter of size $f$ with stride $s$ slides over the input of size "
        "$n_\\text{in}$ padded by $p$ on both sides; it fits at\n\n"
        + display(r"n_\text{out} = \left\lfloor \frac{n_\text{in} - f + 2p}{s} \right\rfloor + 1")
        + "\n\npositions. The floor matters when $s$ does not divide "
        "$n_\\text{in} - f + 2p$: the last, incomplete step is dropped, as every framework "
        "does. The number of channels is the number of filters for a convolution and "
        "unchanged by pooling.\n\n"
        "With the exam's padding $p = (f - 1)/2$ the numerator becomes $n_\\text{in} - 1$, so "
        "$n_\\text{out} = \\lfloor (n_\\text{in} - 1)/s \\rfloor + 1 = \\lceil n_\\text{in}/s "
        "\\rceil$: a layer with stride 1 keeps the size, a layer with stride $s$ divides it by "
        "$s$, rounding up.\n\n"
        f"**First layer.** $n_\\text{{in}} = {size}$, $f = {f}$, $s = {s}$, "
        f"$p = ({f} - 1)/2 = {p}$:\n\n"
        + display(
            rf"n_\text{{out}} = \left\lfloor \frac{{{size} - {f} + 2 \cdot {p}}}{{{s}}} "
            rf"\right\rfloor + 1 = \left\lfloor {numerator / s:g} \right\rfloor + 1 = {out}"
        )
        + f"\n\nso the first volume is {shape_text(first.output_shape)}. "
        f"Here {s} does not divide {numerator}: without the floor the formula gives "
        f"{numerator / s + 1:g}, which is not a size.\n\n"
        "**Every layer.** Applying the formula layer by layer (f, s, p are the filter size, "
        "stride and padding; multiply-adds count one multiplication and one addition per "
        "weight use, per image):\n\n"
        f"{shape_table(rows, exam.IMAGE_SHAPE)}\n\n"
        "The filled-in figure:\n\n"
        f"{answer_figure()}\n\n"
        "The table is checked against the array shapes of a numpy forward pass through the "
        "same layer list (on small inputs), and every output size against a brute-force "
        "count of window positions.\n\n"
        f"{md.rubric(PART, 'c')}\n\n"
        f"{md.provenance(layer_shape, same_padding, propagate)}"
    )
    return md.solution(body, md.question(PART, "c").points)


# --- (d) -----------------------------------------------------------------------------------


def params_solution(row: LayerShape) -> str:
    """Solution of (d) for any convolution or fully-connected layer: weights plus biases."""
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
        product = rf"{f} \cdot {f} \cdot {c} \cdot {k} + {k} = {count_tex(f * f * c * k)} + {k}"
        after = (
            "The count does not depend on the size of the feature map or on the stride: the "
            "same filters slide over every position."
        )
    else:
        n, _ = weights
        why = f"Each of the {k} outputs has a weight for each of the {n} inputs and one bias:"
        product = rf"{n} \cdot {k} + {k} = {count_tex(n * k)} + {k}"
        after = "Every input meets every output: the count grows with the product of the sizes."
    first = exam.FIRST_CONV
    is_exams = isinstance(row.layer, Conv) and weights == (
        first["kernel_size"], first["kernel_size"], first["in_channels"], first["filters"]
    )  # fmt: skip
    published = (
        f" The published answer is {count(exam.PUBLISHED_FIRST_CONV_PARAMS)}." if is_exams else ""
    )
    body = (
        f"{why}\n\n{display(rf'{product} = {count_tex(row.params)}')}\n\n"
        f"{after}{published}\n\n{md.provenance(layer_shape)}"
    )
    return md.solution(body, md.question(PART, "d").points)


def first_layer_solution() -> str:
    """Solution of (d): f · f · c · k weights plus k biases of the first convolution."""
    return params_solution(_rows()[0])


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
        f"all layers but {marked.first_dense_name} stays at {marked.total - marked.first_dense:,}; "
        f"everything above it is {marked.first_dense_name}. At {exam.IMAGE_SHAPE[0]} pixels "
        f"the total is {marked.total:,}."
    )
    return figure_svg(fig, name="p6-parameters", alt=alt)


def input_size_solution() -> str:
    """Solution of (e): only the first fully-connected layer grows with the input."""
    layers = exam_network()
    rows = _rows()
    last = next(r for r in reversed(rows) if isinstance(r.layer, Flatten))
    first_dense = next(r for r in rows if isinstance(r.layer, Dense))
    h, w, c = last.input_shape
    units = first_dense.layer.units
    stride = _strides()
    sizes = (SIZE_RANGE[0], exam.IMAGE_SHAPE[0] // 2, exam.IMAGE_SHAPE[0], SIZE_RANGE[1])
    splits = [parameter_split(layers, n) for n in sizes]
    table = md.table(
        ("input", "convolutions", first_dense.layer.name, "other FC layers", "total"),
        [
            (
                f"{n}{TIMES}{n}",
                count(s.conv),
                count(s.first_dense),
                count(s.other_dense),
                count(s.total),
            )
            for n, s in zip(sizes, splits, strict=True)
        ],
        align="lrrrr",
    )
    body = (
        "**Yes: the total grows**, because the network is not fully convolutional.\n\n"
        "A convolution has $f \\cdot f \\cdot c_\\text{in} \\cdot k + k$ parameters: nothing "
        "in it depends on the height or width of its input, and pooling has no parameters at "
        "all. But the last pooled volume grows with the image, and the first fully-connected "
        f"layer ({first_dense.layer.name}) connects every one of its values to every one of "
        f"its {units} units. At {exam.IMAGE_SHAPE[0]}{TIMES}{exam.IMAGE_SHAPE[1]} that "
        f"volume is {shape_text(last.input_shape)}, so\n\n"
        + display(rf"({h} \cdot {w} \cdot {c} + 1) \cdot {units} = {count_tex(first_dense.params)}")
        + f"\n\nparameters, {first_dense.params / total_params(layers, exam.IMAGE_SHAPE):.0%} "
        "of the whole network. The strides multiply to "
        f"{stride}, so an $n \\times n$ input leaves a $\\lceil n/{stride} \\rceil \\times "
        f"\\lceil n/{stride} \\rceil$ volume and {first_dense.layer.name} has "
        f"$(\\lceil n/{stride} \\rceil^2 \\cdot {c} + 1) \\cdot {units}$ parameters: the count "
        f"rises in steps every {stride} pixels, with the square of the side. Every other layer "
        "keeps its count:\n\n"
        f"{table}\n\n"
        f"{parameters_figure()}\n\n"
        "A fully-convolutional network (for example with global average pooling before the "
        "classifier) would have the same parameters for every input size.\n\n"
        f"{md.provenance(parameter_split)}"
    )
    return md.solution(body, md.question(PART, "e").points)


# --- (f) -----------------------------------------------------------------------------------


def transfer_solution() -> str:
    """Solution of (f): pretrain on the large set, freeze the convolutions, retrain the FC layers."""
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
            (row.layer.name, count(row.params), status.get(row.layer.name, "no parameters"))
            for row in rows
        ],
        align="lrl",
    )
    share = counts.frozen_params / counts.total
    body = (
        "**Transfer learning.** First *pretrain* the whole network on the large dataset, "
        "with an output layer sized for its classes. Then *fine-tune* on the contest's "
        "data:\n\n"
        "- the convolution and pooling layers keep their pretrained values and are "
        "**frozen**: they have learnt general features (edges, textures, parts of objects) "
        "that carry over to similar images;\n"
        "- the output layer is **replaced** by a new one with one unit per contest class, since "
        "the classes differ, and trained from scratch;\n"
        "- the other fully-connected layers are **retrained**, starting from their pretrained "
        "values.\n\n"
        f"{table}\n\n"
        f"That freezes {count(counts.frozen_params)} parameters ({share:.1%}) and trains "
        f"{count(counts.retrained_params)} on the small dataset. The count does not depend on "
        "the number of classes of the large dataset: its output layer is thrown away.\n\n"
        "How much to freeze is a design choice. With very little data, retrain only the new "
        f"output layer ({count(output.params)} parameters); with more data, or images that "
        "differ more, also fine-tune the last convolutions with a small learning rate.\n\n"
        f"{md.rubric(PART, 'f')}\n\n"
        f"{md.provenance(transfer_learning)}"
    )
    return md.solution(body, md.question(PART, "f").points)
