"""The I2DL mock exam of summer 2020 (IN2346, TU Munich) as data.

Every number the guide takes from the exam is typed here once: the parts and their
points, the time, the given numbers of each problem and the published answers. Chapters,
the home page, practice's exam instances and the answer-key tests all read from here.
Question wording is not here: the guide restates questions in its own words (`render/`).
"""

from __future__ import annotations

from dataclasses import dataclass

TERM = "summer term 2020"
COURSE = "Introduction to Deep Learning (IN2346), TU Munich"
MINUTES = 71


@dataclass(frozen=True)
class Question:
    """One numbered (sub-)question: its label as printed in the exam and its points."""

    label: str
    points: float
    topic: str
    # The exam's points breakdown where it gives one: (what earns it, points).
    rubric: tuple[tuple[str, float], ...] = ()
    # The question restated in the guide's words (WORDING below); empty where a renderer
    # states it with the problem's numbers.
    statement: str = ""
    # Marked "Optional" in the exam (OPTIONAL below); its points still count in the part's.
    optional: bool = False


@dataclass(frozen=True)
class Part:
    """One of the exam's six parts and the page of the guide that covers it."""

    number: int
    title: str
    page: str
    questions: tuple[Question, ...]

    @property
    def roman(self) -> str:
        return ("I", "II", "III", "IV", "V", "VI")[self.number - 1]

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)


# --- The questions' wording --------------------------------------------------------------
# Each question restated in the guide's own words, once: its chapter, the exam sheet and the
# practice pages all take it from here. Questions whose statement carries the problem's numbers
# are stated by their renderer from the problem data below (see render/exam_sheet.STATEMENTS).

WORDING: dict[tuple[int, str], str] = {
    (2, "1"): (
        "While training a neural network you notice that the validation error is clearly "
        "lower than the training error. Name two possible reasons."
    ),
    (2, "2"): (
        "A start-up receives thousands of job applications every day. It trains a neural "
        "network that reads each résumé and, depending on its decision, sends the candidate a "
        "job offer or a rejection, with no human in the loop. Which of these two measures "
        "matters more for this model, and why?\n\n"
        "$$\n"
        r"\text{recall} = \frac{\text{true positives}}{\text{all positive samples}} \qquad"
        "\n"
        r"\text{precision} = \frac{\text{true positives}}{\text{all samples predicted positive}}"
        "\n$$"
    ),
    (2, "3"): (
        "You train an image classifier on a very large dataset. A friend who studies "
        "mathematics says: \"Use Newton's method instead of gradient descent, and your "
        'network will converge much faster." Is the claim true? What are the downsides of'
        " following the advice?"
    ),
    (2, "5"): ("Explain how and why LSTM networks often do better than plain recurrent networks."),
    (2, "6"): ("Explain why neural networks need activation functions."),
    (2, "7"): (
        "A layer written from scratch usually gets a `forward` and a `backward` function."
        " Explain what each of them does, which values they need to keep, which arguments"
        " they take and what they return."
    ),
    (3, "a"): (
        "Show that the derivative of the sigmoid with respect to its input is "
        "$\\sigma(z)\\,(1 - \\sigma(z))$."
    ),
    (3, "b"): (
        "Using (a), find the derivative of the binary cross-entropy of one sample with "
        "respect to the score $z$."
    ),
    (4, "a"): (
        "Compute the outputs $o_1, o_2$ of the network for the given inputs and "
        "parameters. Write down every calculation, including the values of the hidden "
        "units."
    ),
    (4, "b"): (
        "Compute the mean squared error between the outputs $o_1, o_2$ from (a) and the "
        "targets $t_1, t_2$."
    ),
    (5, "1 (a)"): (
        "Apply the kernel to the input with the given stride and padding, and find the "
        "values of the output cells marked with a question mark."
    ),
    (5, "1 (b)"): (
        "Given the input $X$ and the upstream gradient $\\nabla Z$ above, find the gradient "
        "$\\nabla W$ of the loss with respect to the kernel at the cells marked with a "
        "question mark."
    ),
    (5, "1 (c)"): (
        "Is this convolutional layer the same as an average-pooling layer of the same "
        "window size? Do the two compute the same function, and do they behave alike in "
        "training and at test time?"
    ),
    (5, "2 (a)"): (
        "Draw a residual block with its skip connection. The block contains two layers, "
        "$l_1$ and $l_2$; activation functions can be left out."
    ),
    (5, "2 (b)"): (
        "Let $H(x)$ be the output of your block and $R(x) = l_2(l_1(x))$ its residual "
        "branch, with $\\partial R(x) / \\partial x = r$. Find $\\partial H(x) / \\partial "
        "x$."
    ),
    (5, "2 (c)"): ("Why do residual blocks make it possible to train deeper networks?"),
    (6, "a"): ("Which classic network architecture does this network resemble?"),
    (6, "b"): (
        "The figure stops before the output layer. Which kind of layer would you put "
        "there, how large would it be, and which output function and loss would you train"
        " it with?"
    ),
    (6, "c"): (
        "Explain how the output size of a convolution layer is computed. Then use your "
        "formula to find the height and width of every layer of the network, and fill "
        "them into the figure."
    ),
    (6, "d"): ("How many parameters does the first convolution layer have?"),
    (6, "e"): (
        "If you fed the same architecture larger images, would its total number of "
        "parameters change? Give a reason."
    ),
    (6, "f"): (
        "The contest's dataset is small. You find a much larger dataset of very similar "
        "images, labelled with a different set of classes. How can it help you, and what "
        "happens to each layer of your network along the way?"
    ),
}


# The questions the exam marks "Optional", as (part, label).
OPTIONAL: frozenset[tuple[int, str]] = frozenset({(2, "8")})


def _questions(number: int, *items: tuple) -> tuple[Question, ...]:
    """Part `number`'s questions, each with its wording from WORDING and its OPTIONAL mark."""
    return tuple(
        Question(
            *item,
            statement=WORDING.get((number, item[0]), ""),
            optional=(number, item[0]) in OPTIONAL,
        )
        for item in items
    )


PARTS: tuple[Part, ...] = (
    Part(
        1,
        "Multiple choice",
        "part-1-multiple-choice.md",
        _questions(
            1,
            ("1", 2, "avoiding overfitting"),
            ("2", 2, "dropout"),
            ("3", 2, "batch normalisation"),
            ("4", 2, "first-order momentum"),
            ("5", 2, "deeper networks"),
            ("6", 2, "LSTM gates"),
            ("7", 2, "1x1 convolutions"),
        ),
    ),
    Part(
        2,
        "Short questions",
        "part-2-short-questions.md",
        _questions(
            2,
            ("1", 2, "validation error below training error"),
            ("2", 2, "precision or recall"),
            (
                "3",
                2,
                "Newton's method",
                (
                    ("true: fewer iterations, it converges faster per iteration", 1),
                    ("downside: the (inverse) Hessian is far too costly to compute and store", 1),
                ),
            ),
            ("4", 2, "learning-rate curves"),
            (
                "5",
                2,
                "LSTM against RNN",
                (
                    ("plain RNNs struggle with long-term dependencies: vanishing gradients", 1),
                    ("the LSTM's cell state improves the gradient flow", 1),
                ),
            ),
            ("6", 1, "why activation functions"),
            (
                "7",
                3,
                "forward and backward of a layer",
                (
                    ("forward: takes the previous layer's output, applies the operation", 1),
                    ("forward: caches the values the backward pass needs", 1),
                    ("backward: takes the upstream gradient, returns all partial derivatives", 1),
                ),
            ),
            (
                "8",
                2,
                "convolution output size",
                (("the output size per axis, 15", 1), ("the output shape 15 × 15 × 8", 1)),
            ),
        ),
    ),
    Part(
        3,
        "Logistic regression",
        "part-3-logistic-regression.md",
        _questions(
            3,
            (
                "a",
                3,
                "derivative of the sigmoid",
                (
                    ("differentiating σ(z)", 1),
                    ("splitting the square into two factors, one of them σ(z)", 1),
                    ("showing 1 - σ(z) = e^(-z) / (1 + e^(-z))", 1),
                ),
            ),
            (
                "b",
                3,
                "derivative of binary cross-entropy",
                (
                    ("differentiating CE(p)", 1),
                    ("the chain rule with ∂p/∂z = p(1 - p)", 1),
                    ("rearranging to p - t", 1),
                ),
            ),
            (
                "c",
                5,
                "one gradient-descent step",
                (
                    ("the score", 0.5),
                    ("the probability read from the plot", 1),
                    ("∂CE/∂z = p - t", 1),
                    ("the chain rule to ∂CE/∂w1", 1),
                    ("the updated weight", 1.5),
                ),
            ),
        ),
    ),
    Part(
        4,
        "Backpropagation",
        "part-4-backpropagation.md",
        _questions(
            4,
            ("a", 3, "forward pass"),
            ("b", 1, "mean squared error"),
            ("c", 5, "gradient and update of w21"),
        ),
    ),
    Part(
        5,
        "Layers",
        "part-5-layers.md",
        _questions(
            5,
            ("1 (a)", 2, "convolution forward"),
            ("1 (b)", 4, "kernel gradient"),
            (
                "1 (c)",
                2,
                "convolution against average pooling",
                (
                    ("they compute the same function with this kernel", 1),
                    ("not the same layer: the convolution's kernel is trainable", 1),
                ),
            ),
            ("2 (a)", 2, "drawing a residual block"),
            ("2 (b)", 1, "gradient through a skip connection"),
            ("2 (c)", 1, "why residual blocks allow depth"),
        ),
    ),
    Part(
        6,
        "CNN architectures",
        "part-6-cnn-architectures.md",
        _questions(
            6,
            ("a", 1, "which classic architecture"),
            ("b", 1, "output layer and loss"),
            (
                "c",
                3,
                "output sizes",
                (("the output-size formula", 1), ("the heights and widths in the figure", 2)),
            ),
            ("d", 1, "parameters of the first layer"),
            ("e", 1, "parameters against input size"),
            (
                "f",
                2,
                "transfer learning",
                (
                    (
                        "transfer learning: pretrain on the large dataset, fine-tune on the contest's",
                        1,
                    ),
                    (
                        "replacing the output layer (what else to freeze or retrain is a design choice)",
                        1,
                    ),
                ),
            ),
        ),
    ),
)

# The total printed on the exam's cover, for a consistency check of the parts above.
PUBLISHED_TOTAL_POINTS = 71
PUBLISHED_PART_POINTS = (14, 16, 11, 9, 12, 9)


def part(number: int) -> Part:
    """The part with this number (1 to 6)."""
    if not 1 <= number <= len(PARTS):
        raise ValueError(f"number must be between 1 and {len(PARTS)}, got {number!r}")
    return PARTS[number - 1]


# --- Part II, short question 4: the learning-rate experiment -------------------------------

LEARNING_RATES = (3e-4, 4e-1, 2e-5, 8e-3)
# The published assignment of learning rates to the curves A-D.
PUBLISHED_CURVES = {"A": 4e-1, "B": 2e-5, "C": 8e-3, "D": 3e-4}


# --- Part II, short question 8: output size of a convolution -------------------------------


@dataclass(frozen=True)
class ConvShapeProblem:
    """A convolution layer applied to an input volume (height, width, channels)."""

    input_shape: tuple[int, int, int]
    filters: int
    kernel_size: int
    stride: int
    padding: int


CONV_SHAPE = ConvShapeProblem(
    input_shape=(32, 32, 32), filters=8, kernel_size=6, stride=2, padding=1
)
PUBLISHED_CONV_SHAPE = (15, 15, 8)


# --- Part III (c): one gradient-descent step of logistic regression -----------------------


@dataclass(frozen=True)
class LogisticStepProblem:
    """Features x, weights w, bias b, target t and the learning rate of one descent step."""

    x: tuple[float, ...]
    w: tuple[float, ...]
    b: float
    t: float
    learning_rate: float
    asked_weight: int = 1  # the exam indexes weights from 1


LOGISTIC_STEP = LogisticStepProblem(
    x=(0.8, 0.5, -1.0), w=(0.5, 0.4, -0.3), b=0.2, t=1.0, learning_rate=0.1
)
# The value the exam reads off its sigmoid plot for sigma(1.1).
PLOT_READING_P = 0.75


@dataclass(frozen=True)
class PublishedLogisticStep:
    z: float
    p: float  # read from the plot
    grad_z: float
    grad_w1: float
    w1_new: float


PUBLISHED_LOGISTIC_STEP = PublishedLogisticStep(
    z=1.1, p=0.75, grad_z=-0.25, grad_w1=-0.2, w1_new=0.52
)


# --- Part IV: backpropagation through the 2-2-2 ReLU network -------------------------------


@dataclass(frozen=True)
class BackpropProblem:
    """The 2-2-2 network of Part IV with the exam's naming.

    h1 = i1 w11 + i2 w21 + b1, h2 = i1 w12 + i2 w22 + b2, h3 = ReLU(h1), h4 = ReLU(h2),
    o1 = h3 w31 + h4 w41 + b3, o2 = h3 w32 + h4 w42 + b4, loss = 0.5 (t1 - o1)^2 + 0.5 (t2 - o2)^2.
    """

    inputs: tuple[float, float]
    weights: dict[str, float]
    biases: dict[str, float]
    targets: tuple[float, float]
    learning_rate: float
    asked: str = "w21"


BACKPROP = BackpropProblem(
    inputs=(2.0, -1.0),
    weights={
        "w11": 1.0,
        "w12": -0.5,
        "w21": 0.5,
        "w22": -1.0,
        "w31": 0.5,
        "w32": -1.0,
        "w41": -0.5,
        "w42": 1.0,
    },
    biases={"b1": 0.5, "b2": -0.5, "b3": -1.0, "b4": 0.5},
    targets=(1.0, 0.5),
    learning_rate=0.1,
)


@dataclass(frozen=True)
class PublishedBackprop:
    hidden: tuple[float, float, float, float]
    outputs: tuple[float, float]
    loss: float
    grad_asked: float
    updated_asked: float


PUBLISHED_BACKPROP = PublishedBackprop(
    hidden=(2.0, -0.5, 2.0, 0.0), outputs=(0.0, -1.5), loss=2.5, grad_asked=-1.5, updated_asked=0.65
)


# --- Part V 1: a 3x3 averaging kernel, stride 2, zero padding 1 ---------------------------


@dataclass(frozen=True)
class ConvProblem:
    """A single-channel convolution (cross-correlation) with its upstream gradient."""

    input: tuple[tuple[float, ...], ...]
    kernel: tuple[tuple[float, ...], ...]
    stride: int
    padding: int
    grad_output: tuple[tuple[float, ...], ...]
    # (row, column) of the output cells the exam asks for, from the top left, 0-based.
    asked_output: tuple[tuple[int, int], ...]
    asked_grad_kernel: tuple[tuple[int, int], ...]


CONV = ConvProblem(
    input=(
        (3, 1, 6, 8, 0),
        (2, 3, 2, 7, -6),
        (-8, 0, 6, -5, -8),
        (1, 2, 5, -2, -4),
        (8, 7, -2, -1, 7),
    ),
    kernel=((1 / 9,) * 3,) * 3,
    stride=2,
    padding=1,
    grad_output=((1, 1, 1), (1, 0, 1), (1, 1, 1)),
    asked_output=((0, 1), (1, 1), (1, 2), (2, 0)),  # top middle, centre, middle right, bottom left
    asked_grad_kernel=(
        (0, 1),
        (1, 1),
        (1, 2),
        (2, 2),
    ),  # top middle, centre, middle right, bottom right
)
# The published values of the asked output cells, in the order of CONV.asked_output.
PUBLISHED_CONV_OUTPUT = (3.0, 2.0, -2.0, 2.0)
# The exam's figure of the kernel gradient, given cells and asked cells together.
PUBLISHED_GRAD_KERNEL = ((7, -2, 3), (10, 6, 15), (8, -5, 12))


# --- Part VI: the AlexNet-like network -----------------------------------------------------

IMAGE_SHAPE = (256, 256, 3)  # height, width, channels
NUM_CLASSES = 1000
# First convolution: 96 filters of 11 x 11 over 3 channels.
FIRST_CONV = {"kernel_size": 11, "in_channels": 3, "filters": 96}
PUBLISHED_FIRST_CONV_PARAMS = 34_944


# --- Part I: multiple choice ---------------------------------------------------------------
# Any number of options may be right, none included; a question scores its points only when
# every box is right. Options are restated in the guide's words; `right` is the published
# answer (the extraction lost some check marks: see the exam's README) and `why` the reason.


@dataclass(frozen=True)
class Option:
    text: str
    right: bool
    why: str


@dataclass(frozen=True)
class MultipleChoice:
    label: str
    prompt: str
    options: tuple[Option, ...]
    # The id of the demonstration on the Part I page that backs the explanation.
    demo: str


MULTIPLE_CHOICE: tuple[MultipleChoice, ...] = (
    MultipleChoice(
        "1",
        "Which of these help against overfitting?",
        (
            Option(
                "Making the network larger.",
                False,
                "More capacity fits the training set more closely: it tends to make overfitting worse, not better.",
            ),
            Option(
                "Augmenting the training data.",
                True,
                "Transformed copies of the data add variety the model must generalise over; it acts as a regulariser.",
            ),
            Option(
                "Initialising the weights with Xavier initialisation.",
                False,
                "Xavier initialisation keeps activations well scaled at the start of training (for tanh-like activations); it does not limit what the network can fit.",
            ),
            Option(
                "Stopping training early.",
                True,
                "Stopping when the validation loss stops improving keeps the weights from the epoch with the lowest validation loss, the best estimate of which generalises best.",
            ),
        ),
        "overfitting",
    ),
    MultipleChoice(
        "2",
        "Which statements about dropout are true?",
        (
            Option(
                "Training gets faster and less sensitive to the initialisation.",
                False,
                "Dropout adds noise to every step, so training usually needs more epochs; it does nothing for the initialisation.",
            ),
            Option(
                "Leaky ReLU must not be used together with dropout.",
                False,
                "Dropout works with any activation function.",
            ),
            Option(
                "Dropout regularises the network.",
                True,
                "Randomly silencing units stops them from co-adapting; it acts like training an ensemble of thinned networks.",
            ),
            Option(
                "Dropout behaves differently at training and at test time.",
                True,
                "Units are dropped only while training; at test time every unit is kept (inverted dropout rescales during training so nothing changes at test time).",
            ),
        ),
        "dropout",
    ),
    MultipleChoice(
        "3",
        "Which statements about batch normalisation are true?",
        (
            Option(
                "Its two trainable parameters let the network undo the normalisation where that helps.",
                True,
                "With γ equal to the batch's standard deviation (taken with the layer's small ε) and β equal to its mean, the layer returns its input unchanged.",
            ),
            Option(
                "It stabilises the gradients, so deeper networks can be trained.",
                True,
                "Keeping each layer's inputs normalised keeps activations and gradients in a well-scaled range.",
            ),
            Option(
                "At test time it normalises with a mean and a variance estimated on the training data.",
                True,
                "Running averages collected during training replace the batch statistics at test time.",
            ),
            Option(
                "It has learnable parameters.",
                True,
                "The scale γ and the shift β are learned by gradient descent.",
            ),
        ),
        "batch-norm",
    ),
    MultipleChoice(
        "4",
        "Which optimisers keep a first-order moment (momentum) of the gradient?",
        (
            Option(
                "Stochastic gradient descent",
                False,
                "Plain SGD steps against the current gradient only; it keeps no running average.",
            ),
            Option(
                "Adam",
                True,
                "Adam keeps a running mean of the gradients (first moment) and of their squares (second moment).",
            ),
            Option(
                "RMSProp",
                False,
                "RMSProp keeps a running mean of the squared gradients only: a second moment, used to scale the step.",
            ),
            Option(
                "Gauss-Newton",
                False,
                "Gauss-Newton uses an approximation of the curvature, not a running mean of past gradients.",
            ),
        ),
        "optimisers",
    ),
    MultipleChoice(
        "5",
        "Adding more parametrised layers to a network always",
        (
            Option(
                "makes training and inference slower.",
                True,
                "Every added layer adds multiply-adds to each forward and backward pass.",
            ),
            Option(
                "lowers the training loss.",
                False,
                "Deeper plain networks can be harder to optimise and may reach a higher training loss (the degradation that motivated ResNets).",
            ),
            Option(
                "improves the results on unseen data.",
                False,
                "More capacity can overfit; nothing guarantees a better validation or test error.",
            ),
            # The exam's joke option, printed in parentheses and left empty in its solution.
            Option(
                "makes the model sound more impressive when you boast about it at a party "
                "(the exam's optional, light-hearted option).",
                False,
                "Not always: a listener who knows that deeper plain networks can train worse "
                "(the second option) may be more impressed by a small network that works.",
            ),
        ),
        "depth",
    ),
    MultipleChoice(
        "6",
        "Which of these are gates of an LSTM cell?",
        (
            Option(
                "Input gate",
                True,
                "It decides how much of the new candidate enters the cell state.",
            ),
            Option(
                "Output gate",
                True,
                "It decides how much of the cell state, squashed by tanh, is exposed as the hidden state.",
            ),
            Option(
                "Remember gate",
                False,
                "There is no such gate; keeping memory is the job of the forget gate.",
            ),
            Option("Forget gate", True, "It decides how much of the previous cell state is kept."),
        ),
        "lstm",
    ),
    MultipleChoice(
        "7",
        "What can 1×1 convolutions be used for?",
        (
            Option(
                "Selecting features.",
                False,
                "A 1×1 convolution mixes all input channels with learned weights; nothing makes it pick a subset of features.",
            ),
            Option(
                "Reducing the number of channels before an expensive layer.",
                True,
                "Fewer channels in means fewer multiply-adds in the following large convolution (the bottleneck of Inception and ResNet).",
            ),
            Option(
                "Making the network more expressive, since another non-linearity can follow the convolution.",
                True,
                "Each 1×1 convolution followed by an activation adds a non-linear layer at little cost.",
            ),
            Option(
                "Replacing fully connected layers to make a network fully convolutional.",
                True,
                "A 1×1 convolution is a fully connected layer applied at every pixel, so it works for any input size.",
            ),
        ),
        "one-by-one",
    ),
)


# --- What must not show before an attempt ---------------------------------------------------
# Per question, text of its published answer that its statement, figure and notes must not
# show before the reader opens the answer (tested in the browser, tests/test_browser_exam_first.py).
# Numbers come from the published answers above; words from the exam's own solutions. A
# question whose answer is a choice the statement itself names (precision or recall) or whose
# answer numbers are given numbers too (the convolution's cells) has none.


def _g(x: float) -> str:
    return f"{x:g}"


def published_tells() -> dict[tuple[int, str], tuple[str, ...]]:
    """(part, label) -> strings of the published answer, as a reader would see them."""
    step, net = PUBLISHED_LOGISTIC_STEP, PUBLISHED_BACKPROP
    return {
        (2, "1"): ("distribution",),
        (2, "3"): ("Hessian",),
        (2, "5"): ("vanishing",),
        (2, "6"): ("composition",),
        (2, "7"): ("cache",),
        (2, "8"): (_g(PUBLISHED_CONV_SHAPE[0]),),
        (3, "b"): ("p-t",),
        (3, "c"): (_g(step.z), _g(step.p), _g(step.grad_z), _g(step.w1_new)),
        (4, "a"): (_g(net.outputs[1]),),
        (4, "b"): (_g(net.loss),),
        (4, "c"): (_g(net.updated_asked),),
        (5, "2 (b)"): ("1+r",),
        (6, "a"): ("AlexNet",),
        (6, "b"): ("softmax",),
        (6, "d"): (str(PUBLISHED_FIRST_CONV_PARAMS),),
        (6, "f"): ("fine-tun",),
    }


# --- What the guide rebuilt ----------------------------------------------------------------
# The exam's figures were lost when its text was extracted (see the exam's README). Where a
# question is shown with a figure or cells the guide rebuilt, it says so, wherever it is shown.

RECONSTRUCTED: dict[tuple[int, str], str] = {
    (2, "4"): (
        "The exam's plot of the four loss curves was lost: these curves are rebuilt by "
        "training a small model with SGD and L2 regularisation at the four learning rates."
    ),
    (5, "1 (a)"): (
        "The exam's figure of this problem was lost. Its text keeps the kernel, the input, "
        "the upstream gradient and the table of the kernel gradient, and its solution names "
        "the cells it fills in: those are the cells marked with a question mark. The output "
        "cells that the question gives are not in the text: they are computed here from the "
        "input and the kernel."
    ),
    (6, "a"): (
        "The exam's figure of the network was lost: this network is a reconstruction, "
        "faithful to the sizes the questions ask about; every size and count follows from it."
    ),
}
