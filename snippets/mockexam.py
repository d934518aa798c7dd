"""A fresh mock exam per seed: the exam's parts, questions, points and minutes, new numbers.

`exam(seed)` follows `snippets.exam` question by question, so parts, labels, points and time
are the exam's own, read from there:

- Part I: each multiple-choice question with its options shuffled by the seed; the right
  options are the ones the exam marks true, wherever the shuffle puts them.
- Parts II to VI: a question that computes is a new instance of the practice kind that
  practises it (`DRILLS`), made from a seed drawn from the exam's seed; questions sharing a
  kind (Part IV (a) to (c)) share one instance. Every other question keeps its wording.
  Part V 1 (c) pools a new input (pool-forward) and then asks the exam's comparison with a
  convolution; Short Question 4 keeps the exam's learning rates and curves (new curves
  would need a new training run and figure).

The same seed always gives the same exam; nothing here reads a file or renders anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from snippets import exam as source
from snippets.exam import Option
from snippets.practice import registry, schema
from snippets.practice.seeds import SEED_LIMIT, Draw, check_seed

NAMESPACE = "mock-exam"  # the Draw's name: mock exams draw apart from every practice kind
LETTERS = "ABCDEFGH"

# (part, label) -> (practice kind, the keys of its JSON answer the question asks for; () all).
DRILLS: dict[tuple[int, str], tuple[str, tuple[str, ...]]] = {
    (2, "8"): ("conv-shape", ()),
    (3, "c"): ("logistic-step", ()),
    (4, "a"): ("backprop", ("hidden", "outputs")),
    (4, "b"): ("backprop", ("loss",)),
    (4, "c"): ("backprop", ("grads", "updated")),
    (5, "1 (a)"): ("conv-forward", ()),
    (5, "1 (b)"): ("conv-backward", ("grad_kernel",)),
    (5, "1 (c)"): ("pool-forward", ()),
    (6, "c"): ("shape-chain", ()),
    (6, "d"): ("param-count", ()),
}

# What a drill asks beyond its practice kind, in the guide's words: Part V 1 (c) keeps the
# exam's comparison, about the pooling just computed; Part VI (c) the formula.
FOLLOW_UPS: dict[tuple[int, str], str] = {
    (5, "1 (c)"): (
        "Now take a convolution layer with the same window size, stride and padding whose "
        "kernel has every entry equal to 1/f². Is it the same layer as the average pooling "
        "above? Do the two compute the same function, and do they behave alike in training "
        "and at test time?"
    ),
    (6, "c"): (
        "Before the numbers, explain how the output size of a convolution or pooling layer is "
        "computed: write down the formula you use."
    ),
}

# Where the exam's topic or points breakdown names the exam's own numbers, a drill says it
# without them (same points): its instance has other numbers.
DRILL_TOPICS: dict[tuple[int, str], str] = {
    (4, "c"): "gradient and update of one weight",
    (6, "d"): "parameters of one layer",  # a convolution or a fully-connected layer
}
DRILL_RUBRICS: dict[tuple[int, str], tuple[tuple[str, float], ...]] = {
    (2, "8"): (("the output size per axis", 1), ("the output shape", 1)),
    (6, "c"): (
        ("the output-size formula", 1),
        ("the height, width and channels of every layer", 2),
    ),
}

# Questions that keep the exam's numbers, with their given numbers and published answer.
KEPT_NUMBERS: dict[tuple[int, str], tuple[dict[str, object], dict[str, object]]] = {
    (2, "4"): (
        {"learning_rates": list(source.LEARNING_RATES)},
        {"curves": dict(source.PUBLISHED_CURVES)},
    ),
}


@dataclass(frozen=True)
class ChoiceQuestion:
    """A multiple-choice question of Part I with its options in the seed's order."""

    label: str
    points: float
    prompt: str
    options: tuple[Option, ...]

    @property
    def right(self) -> tuple[str, ...]:
        """The letters of the true options, in order: the key of this shuffle."""
        return tuple(LETTERS[i] for i, option in enumerate(self.options) if option.right)


@dataclass(frozen=True)
class WordedQuestion:
    """A question without new numbers: the exam's own, as the guide restates it."""

    label: str
    points: float
    topic: str
    statement: str  # "" where a renderer states it with the given numbers (Short Question 4)
    rubric: tuple[tuple[str, float], ...]
    given: dict[str, object]  # the exam's given numbers, where the question keeps them
    answer: dict[str, object]  # the exam's published answer, where it is a number or a choice


@dataclass(frozen=True)
class DrillQuestion:
    """A question answered by a new instance of a practice kind: (kind, seed) fixes it."""

    label: str
    points: float
    topic: str
    kind: str
    seed: int
    answer_keys: tuple[str, ...]  # the keys of the kind's JSON answer this question asks for
    follow_up: str = ""
    rubric: tuple[tuple[str, float], ...] = ()


Question = ChoiceQuestion | WordedQuestion | DrillQuestion


@dataclass(frozen=True)
class MockPart:
    """One part of a generated exam: the exam's number and title, its questions."""

    number: int
    title: str
    questions: tuple[Question, ...]

    @property
    def roman(self) -> str:
        return source.part(self.number).roman

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)


@dataclass(frozen=True)
class MockExam:
    """A generated mock exam: its seed, the exam's time, its six parts."""

    seed: int
    minutes: int
    parts: tuple[MockPart, ...]

    @property
    def points(self) -> float:
        return sum(part.points for part in self.parts)


def shuffled(question: source.MultipleChoice, draw: Draw, points: float) -> ChoiceQuestion:
    """The question with its options in an order drawn from `draw`."""
    order = draw.sample(range(len(question.options)), len(question.options))
    return ChoiceQuestion(
        question.label, points, question.prompt, tuple(question.options[i] for i in order)
    )


def _multiple_choice(label: str) -> source.MultipleChoice:
    for question in source.MULTIPLE_CHOICE:
        if question.label == label:
            return question
    raise ValueError(f"label must be a multiple-choice label of the exam, got {label!r}")


def drill_seeds(draw: Draw) -> dict[str, int]:
    """One seed per practice kind the exam uses, drawn in the order of DRILLS."""
    kinds = dict.fromkeys(kind for kind, _ in DRILLS.values())
    return {kind: draw.index(SEED_LIMIT) for kind in kinds}


def _question(part: int, item: source.Question, seeds: dict[str, int]) -> Question:
    """Question `item` of part `part` (II to VI): a drill with the seed of its kind, or worded."""
    key = (part, item.label)
    if key in DRILLS:
        kind, answer_keys = DRILLS[key]
        return DrillQuestion(
            item.label, item.points, DRILL_TOPICS.get(key, item.topic),
            registry.kind(kind).name, seeds[kind], answer_keys, FOLLOW_UPS.get(key, ""),
            DRILL_RUBRICS.get(key, item.rubric),
        )  # fmt: skip
    given, published = KEPT_NUMBERS.get(key, ({}, {}))
    return WordedQuestion(
        item.label, item.points, item.topic, item.statement, item.rubric, given, published
    )


def exam(seed: int) -> MockExam:
    """The mock exam of `seed` (0 to 2**32 - 1): same seed, same exam."""
    seed = check_seed(seed)
    draw = Draw(NAMESPACE, seed)
    first, *rest = source.PARTS
    # Part I's shuffles are drawn first, then the seeds: each depends on the exam's seed only.
    choices = tuple(
        shuffled(_multiple_choice(item.label), draw, item.points) for item in first.questions
    )
    seeds = drill_seeds(draw)
    parts = [MockPart(first.number, first.title, choices)]
    for part in rest:
        questions = tuple(_question(part.number, item, seeds) for item in part.questions)
        parts.append(MockPart(part.number, part.title, questions))
    return MockExam(seed, source.MINUTES, tuple(parts))


def answer(question: DrillQuestion, full: dict[str, object] | None = None) -> dict[str, object]:
    """The part of the kind's JSON answer that `question` asks for (rounded as `--json` is);
    `full`, the kind's whole JSON record where the caller has it already."""
    whole = (full or schema.record(question.kind, question.seed))["answer"]
    keys = question.answer_keys or tuple(whole)
    return {key: whole[key] for key in keys}


# --- as JSON -------------------------------------------------------------------------------------


def _rubric(rubric: tuple[tuple[str, float], ...]) -> list[dict[str, object]]:
    return [{"for": what, "points": pts} for what, pts in rubric]


def question_record(question: Question, full: dict[str, object] | None = None) -> dict[str, object]:
    """One question as JSON: label, points, type, what it asks, its answer; `full` is the
    practice kind's JSON record of a drill, where the caller has it already."""
    common = {"label": question.label, "points": question.points}
    if isinstance(question, ChoiceQuestion):
        options = [
            {"letter": LETTERS[i], "text": o.text, "right": o.right, "why": o.why}
            for i, o in enumerate(question.options)
        ]
        return common | {
            "type": "multiple-choice",
            "prompt": question.prompt,
            "options": options,
            "answer": {"right": list(question.right)},
        }
    if isinstance(question, WordedQuestion):
        return common | {
            "type": "worded",
            "topic": question.topic,
            "statement": question.statement,
            "given": question.given,
            "answer": question.answer,
            "rubric": _rubric(question.rubric),
        }
    full = full or schema.record(question.kind, question.seed)
    return common | {
        "type": "practice",
        "topic": question.topic,
        "kind": question.kind,
        "seed": question.seed,
        "problem": full["problem"],
        "follow_up": question.follow_up,
        "answer": answer(question, full),
        "rubric": _rubric(question.rubric),
    }


def record(mock: MockExam) -> dict[str, object]:
    """The whole exam as JSON: seed, minutes, points, and every part with its questions."""
    # One practice record per (kind, seed): Part IV's three questions share theirs.
    practice = {
        (q.kind, q.seed): schema.record(q.kind, q.seed)
        for part in mock.parts
        for q in part.questions
        if isinstance(q, DrillQuestion)
    }

    def full(question: Question) -> dict[str, object] | None:
        if isinstance(question, DrillQuestion):
            return practice[question.kind, question.seed]
        return None

    return schema.clean(
        {
            "seed": mock.seed,
            "minutes": mock.minutes,
            "points": mock.points,
            "parts": [
                {
                    "number": part.number,
                    "title": part.title,
                    "points": part.points,
                    "questions": [question_record(q, full(q)) for q in part.questions],
                }
                for part in mock.parts
            ],
        }
    )
