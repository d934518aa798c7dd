"""Practice kind param-count: weights plus biases of one layer (Part VI (d)).

A convolution has 1 to 256 input channels, 8 to 256 filters and an odd filter size from 1
to 11 (odd, as the exam's padding (f - 1) / 2 needs); a fully-connected layer has 16 to 1024
inputs and 2 to 1000 outputs. Sizes are the round numbers networks use, so the product is
one a student can work out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from snippets import exam
from snippets.architectures import Conv, Dense, LayerShape, layer_shape
from snippets.practice.asked import Asked
from snippets.practice.seeds import Draw

KIND = "param-count"
TITLE = "Parameter count"
PART = 6  # the chapter with the exam's own instance
EXAM_QUESTION = "Part VI (d)"
IN_CHANNELS = (1, 3, 16, 32, 64, 96, 128, 256)
OUT_CHANNELS = (8, 16, 32, 64, 96, 128, 256)
KERNEL_SIZES = (1, 3, 5, 7, 11)
IN_FEATURES = (16, 32, 64, 100, 128, 256, 512, 784, 1024)
OUT_FEATURES = (2, 10, 16, 32, 64, 100, 128, 256, 1000)


@dataclass(frozen=True)
class ParamCountProblem:
    """One layer: "conv" with in_channels, out_channels, kernel_size; "fc" with in/out features."""

    layer: Literal["conv", "fc"]
    in_channels: int | None = None
    out_channels: int | None = None
    kernel_size: int | None = None
    in_features: int | None = None
    out_features: int | None = None

    def __post_init__(self) -> None:
        sizes = {
            "conv": ("in_channels", "out_channels", "kernel_size"),
            "fc": ("in_features", "out_features"),
        }
        if self.layer not in sizes:
            raise ValueError(f"layer must be 'conv' or 'fc', got {self.layer!r}")
        for name in (n for names in sizes.values() for n in names):
            value, needed = getattr(self, name), name in sizes[self.layer]
            if needed and not (isinstance(value, int) and value >= 1):
                raise ValueError(
                    f"{name} must be a whole number >= 1 for {self.layer}, got {value!r}"
                )
            if not needed and value is not None:
                raise ValueError(f"{name} is not a size of a {self.layer} layer")

    @property
    def sizes(self) -> dict[str, int]:
        """The layer's sizes by name, in the documented order."""
        names = (
            ("in_channels", "out_channels", "kernel_size")
            if self.layer == "conv"
            else ("in_features", "out_features")
        )
        return {name: getattr(self, name) for name in names}


def layer_row(problem: ParamCountProblem) -> LayerShape:
    """The layer as a row of Part VI's shape table, on an input it fits (f × f × c, or n)."""
    if problem.layer == "conv":
        f = problem.kernel_size
        return layer_shape(Conv("conv", f, problem.out_channels), (f, f, problem.in_channels))
    return layer_shape(Dense("fc", problem.out_features), (problem.in_features,))


def params(problem: ParamCountProblem) -> int:
    """Weights plus biases, f·f·c_in·c_out + c_out or n·m + m, from snippets.architectures."""
    return layer_row(problem).params


def generate(seed: int) -> ParamCountProblem:
    """The param-count problem of `seed`: same seed, same problem."""
    draw = Draw(KIND, seed)  # every draw is exam-friendly: nothing to reject
    if draw.index(2) == 0:
        return ParamCountProblem(
            "conv",
            in_channels=draw.choice(IN_CHANNELS),
            out_channels=draw.choice(OUT_CHANNELS),
            kernel_size=draw.choice(KERNEL_SIZES),
        )
    return ParamCountProblem(
        "fc", in_features=draw.choice(IN_FEATURES), out_features=draw.choice(OUT_FEATURES)
    )


def exam_problem() -> ParamCountProblem:
    """The exam's own instance, Part VI (d): the first convolution of the network."""
    return ParamCountProblem(
        "conv",
        in_channels=exam.FIRST_CONV["in_channels"],
        out_channels=exam.FIRST_CONV["filters"],
        kernel_size=exam.FIRST_CONV["kernel_size"],
    )


def problem_data(problem: ParamCountProblem) -> dict[str, object]:
    """The JSON "problem": layer ("conv" or "fc") and its sizes."""
    return {"layer": problem.layer, **problem.sizes}


def answer_data(problem: ParamCountProblem) -> dict[str, object]:
    """The JSON "answer": params, weights plus biases."""
    return {"params": params(problem)}


def asked(problem: ParamCountProblem) -> tuple[Asked, ...]:
    """The number of parameters: a count, so it must be exact."""
    return (Asked("params", "parameters (weights + biases)", params(problem), 0),)
