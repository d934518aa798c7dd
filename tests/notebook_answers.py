"""What each chapter notebook's answer cells must print: the exam's published answers.

A notebook's cells tagged `answer` print one `name = value` line per answer
(`snippets/mdext/notebooks.py`); tests/test_notebooks.py runs every notebook and compares
what it printed with these values, taken from the exam's published solutions in
`snippets/exam.py` (never from the functions the notebook runs).
"""

from __future__ import annotations

from snippets import exam

# part -> {printed name: published value}; a float matches to the printed precision, any other
# value must print exactly as str(value).
EXPECTED: dict[int, dict[str, object]] = {
    # --- Part I ---
    # Each question's true options (the published key's truth flags), by their place among
    # its boxes, counted from 1 at the top, printed as one word: 2,4.
    1: {
        f"Q{question.label} true": ",".join(
            str(place) for place, option in enumerate(question.options, start=1) if option.right
        )
        or "none"
        for question in exam.MULTIPLE_CHOICE
    },
    # --- Part II ---
    2: {
        # The exam's solution picks precision; exam.py keeps no key for a choice that the
        # statement itself names (see exam.published_tells).
        "matters more": "precision",
        # The solution's first point, "true: fewer iterations"; on a quadratic one Newton step
        # lands on the minimum x* = A^-1 b.
        "Newton iterations": 1,
        "fewer iterations than gradient descent": True,
        **{f"curve {label}": rate for label, rate in exam.PUBLISHED_CURVES.items()},
        "output size per axis": exam.PUBLISHED_CONV_SHAPE[0],
        "output height": exam.PUBLISHED_CONV_SHAPE[0],
        "output width": exam.PUBLISHED_CONV_SHAPE[1],
        "output depth": exam.PUBLISHED_CONV_SHAPE[2],
    },
    # --- Part III ---
    3: {
        "dsigma/dz - sigma(1 - sigma)": 0,
        "dL/dz - (p - t)": 0,
        "z": exam.PUBLISHED_LOGISTIC_STEP.z,
        "p": exam.PUBLISHED_LOGISTIC_STEP.p,
        "dL/dz": exam.PUBLISHED_LOGISTIC_STEP.grad_z,
        "dL/dw1": exam.PUBLISHED_LOGISTIC_STEP.grad_w1,
        "new w1": exam.PUBLISHED_LOGISTIC_STEP.w1_new,
    },
    # --- Part IV ---
    4: {
        **dict(zip(("h1", "h2", "h3", "h4"), exam.PUBLISHED_BACKPROP.hidden, strict=True)),
        **dict(zip(("o1", "o2"), exam.PUBLISHED_BACKPROP.outputs, strict=True)),
        "L": exam.PUBLISHED_BACKPROP.loss,
        f"dL/d{exam.BACKPROP.asked}": exam.PUBLISHED_BACKPROP.grad_asked,
        f"new {exam.BACKPROP.asked}": exam.PUBLISHED_BACKPROP.updated_asked,
    },
    # --- Part V ---
    5: {
        **{
            f"Z[{i},{j}]": value
            for (i, j), value in zip(
                exam.CONV.asked_output, exam.PUBLISHED_CONV_OUTPUT, strict=True
            )
        },
        # The exam's figure of the kernel gradient: the given cells and the asked ones.
        **{
            f"dW[{a},{b}]": value
            for a, row in enumerate(exam.PUBLISHED_GRAD_KERNEL)
            for b, value in enumerate(row)
        },
        # The solution's two points for 1 (c): the same function with this kernel, but not the
        # same layer, since the kernel is trained.
        "same function as average pooling": True,
        "same function after one step of gradient descent": False,
        # The published answer of 2 (b): dH/dx = 1 + r.
        "dH/dx - (1 + r)": 0,
    },
    # --- Part VI ---
    6: {
        # (b): a fully-connected layer with one unit per class.
        "output units": exam.NUM_CLASSES,
        "first convolution parameters": exam.PUBLISHED_FIRST_CONV_PARAMS,
        # (e): "Yes, the total amount of parameters would increase".
        "total grows with the input size": True,
    },
}
