# %% [markdown]
# Eight questions answered in a few sentences each. Where the answer is a number or a choice,
# an answer cell prints it; every question gets the computation the chapter backs its answer
# with.

# %% [question 2 1]

# %% [markdown]
# Possible reasons: the training loss a loop reports is averaged over an epoch in which the
# model improves, while the validation loss is measured at its end; the two sets may come
# from different distributions; a bug; regularisation such as dropout that acts only while
# training. The first, computed: a linear model trained by SGD, one sample per step.

# %%
from snippets import exam
from snippets.lr_experiment import make_regression, train_with_validation
from snippets.render.metrics import AVERAGING_EPOCHS
from snippets.render.short_figures import averaging_figure

train, validation = make_regression()
rate = exam.PUBLISHED_CURVES["D"]  # the good learning rate of question 4
history = train_with_validation(train, validation, rate, AVERAGING_EPOCHS)
rows = zip(history.reported, history.train_at_end, history.validation_at_end, strict=True)
for epoch, (reported, at_end, validation_loss) in enumerate(rows, start=1):
    print(
        f"epoch {epoch}: reported training loss {reported:.3f}, "
        f"training loss at the end {at_end:.3f}, validation loss at the end {validation_loss:.3f}"
    )
averaging_figure(history)

# %% [question 2 2]

# %% [markdown]
# One made-up day of applications, decided by a lenient and by a strict model. A false
# positive sends an offer to someone unsuited; a false negative rejects one good candidate
# among thousands of applicants.

# %%
from snippets.metrics import HIRING_DAY

for name, matrix in HIRING_DAY.items():
    print(
        f"{name:>7}: TP {matrix.tp:>3}, FP {matrix.fp:>3}, FN {matrix.fn:>3}, TN {matrix.tn:>4}; "
        f"precision {matrix.precision:.2f}, recall {matrix.recall:.2f}"
    )

# %% [markdown]
# The start-up wants few offers to unsuited people, that is high precision, and can accept a
# lower recall: the strict model.

# %% answer
print("matters more = precision")

# %% try
from snippets.metrics import confusion_matrix

targets = [1, 1, 0, 0, 1, 0, 0, 1, 0, 0]  # 1: the applicant would be a good hire
predictions = [1, 0, 0, 1, 1, 0, 0, 0, 0, 0]  # 1: the model sends an offer
matrix = confusion_matrix(targets, predictions)
print(matrix)
print(f"precision {matrix.precision:.2f}, recall {matrix.recall:.2f}")

# %% [question 2 3]

# %% [markdown]
# On a quadratic $f(x) = \tfrac12 x^\top A x - b^\top x$ the Hessian is $A$, and one Newton
# step $x - H^{-1} \nabla f(x)$ lands on the minimum. Gradient descent, with its best fixed
# step, zigzags.

# %%
from snippets.newton import example_problem, gradient_descent, newton
from snippets.render.newton import NEWTON_START, NEWTON_TOLERANCE
from snippets.render.short_figures import newton_figure

a, b = example_problem()
descent = gradient_descent(a, b, NEWTON_START, NEWTON_TOLERANCE)
one_step = newton(a, b, NEWTON_START, NEWTON_TOLERANCE)
print(f"gradient descent: {descent.iterations} iterations")
newton_figure(a, b, descent, one_step)

# %% answer
print("Newton iterations =", one_step.iterations)
print("fewer iterations than gradient descent =", one_step.iterations < descent.iterations)

# %% [markdown]
# The downside: with $n$ parameters the Hessian has $n^2$ entries, and each step solves a
# linear system with it. For the network of Part VI:

# %%
from snippets import exam
from snippets.architectures import exam_network, total_params
from snippets.newton import hessian_cost

cost = hessian_cost(total_params(exam_network(), exam.IMAGE_SHAPE))
print(f"parameters n:         {cost.parameters:,}")
print(f"gradient (float32):   {cost.gradient_bytes / 1e9:.2f} GB")
print(f"Hessian (float32):    {cost.hessian_bytes / 1e15:,.0f} PB")
print(f"one Newton step, n³/3: {cost.cholesky_flops:.1e} operations")

# %% try
from snippets.newton import example_problem, gradient_descent, hessian_cost, newton

kappa = 20.0  # how much the two curvatures of the quadratic differ
start = (-1.5, 2.5)
a, b = example_problem(kappa)
print("iterations of gradient descent:", gradient_descent(a, b, start).iterations)
print("iterations of Newton's method:", newton(a, b, start).iterations)
parameters = 1_000_000
print(f"Hessian of {parameters:,} parameters: {hessian_cost(parameters).hessian_bytes / 1e12:g} TB")

# %% [question 2 4]

# %% [markdown]
# The exam's plot was lost, so the curves are rebuilt by training a linear layer with SGD and
# L2 regularisation at the four learning rates, and labelled A to D as in the exam's figure.
# The code then reads the rates back from the curves' shapes alone: the curves sorted from the
# fastest fall (a rising curve first) pair up with the rates sorted from the largest.

# %%
from snippets import exam
from snippets.lr_experiment import learning_rate_experiment, read_curves
from snippets.render.short_figures import loss_curves_figure

runs = learning_rate_experiment(exam.LEARNING_RATES)
curves = {label: runs[rate] for label, rate in exam.PUBLISHED_CURVES.items()}
readings = read_curves({label: curve.losses for label, curve in curves.items()})
for reading in readings:
    print(f"curve {reading.label}: {reading.verdict}")
loss_curves_figure(curves)

# %% answer
from snippets.lr_experiment import assign_learning_rates

rates = assign_learning_rates(readings, exam.LEARNING_RATES)
for label in sorted(rates):
    print(f"curve {label} = {rates[label]:g}")

# %% try
from snippets.lr_experiment import learning_rate_experiment, read_curves

learning_rates = (3e-4, 4e-1, 2e-5, 8e-3)
runs = learning_rate_experiment(learning_rates)
readings = read_curves({f"{rate:g}": curve.losses for rate, curve in runs.items()})
for reading in readings:
    print(f"learning rate {reading.label}: {reading.verdict}, final loss {reading.final:.3g}")

# %% [question 2 5]

# %% [markdown]
# A gradient of norm one arrives at the last hidden state of a plain RNN and of two LSTMs that
# read the same sequence; the LSTMs differ only in the bias of their forget gate. Along the
# LSTM's cell state the gradient is multiplied only by the forget gate.

# %%
from snippets.render.short_figures import gradient_flow_figure
from snippets.rnn import gradient_flow

flow = gradient_flow()
steps = flow.steps_back[-1]
print(f"vanilla RNN: gradient norm {flow.rnn[-1]:.1e} after {steps} steps back")
for bias, norms in flow.lstm.items():
    print(
        f"LSTM with forget bias {bias:g} (forget gates {flow.mean_forget[bias]:.2f} on average): "
        f"{norms[-1]:.1e} after {steps} steps back"
    )
gradient_flow_figure(flow)

# %% [question 2 6]

# %% [markdown]
# Without activation functions, two affine layers are one affine layer, $W = W_2 W_1$ and
# $b = W_2 b_1 + b_2$. With a ReLU in between, $f(x) = |x|$ fails the midpoint test that
# every affine map passes.

# %%
import numpy as np

from snippets.linear_maps import (
    absolute_value_layers,
    collapse,
    compose,
    midpoint_defect,
    random_layers,
)
from snippets.render.linear_maps import (
    COLLAPSE_SEED,
    COLLAPSE_SIZES,
    DEEP_RANGE,
    DEEP_SEED,
    DEEP_SIZES,
)
from snippets.render.short_figures import linear_stack_figure

first, second = random_layers(COLLAPSE_SIZES, seed=COLLAPSE_SEED, decimals=1)
both = compose(first, second)
x = np.ones(COLLAPSE_SIZES[0])
print("two layers:", second(first(x)), " one layer:", both(x))
defect = midpoint_defect(absolute_value_layers(), np.array([-1.0]), np.array([1.0]), True)
print("midpoint defect with ReLU:", defect)
deep = random_layers(DEEP_SIZES, seed=DEEP_SEED)
line = collapse(deep)
print(f"{len(deep)} layers without activation: f(x) = {line.w[0, 0]:.3f} x {line.b[0]:+.3f}")
linear_stack_figure(deep, DEEP_RANGE)

# %% [question 2 7]

# %% [markdown]
# An affine layer followed by ReLU: forward returns the output and keeps a cache; backward
# takes the upstream gradient and the cache and returns a gradient for every input of forward,
# checked against central differences.

# %%
from snippets.layer_cache import (
    affine_relu_backward,
    affine_relu_forward,
    example_inputs,
    gradient_check,
    unmasked_backward_error,
)

x, w, b, grad_out = example_inputs()
out, cache = affine_relu_forward(x, w, b)
grads = affine_relu_backward(grad_out, cache)
print("out =\n", out)
print("cached:", ", ".join(name for name in vars(cache)))
print("dL/dx =\n", grads.x, "\ndL/dW =\n", grads.w, "\ndL/db =", grads.b)
check = gradient_check(x, w, b, grad_out)
for name, error in check.errors.items():
    print(f"largest relative error of dL/d{name}: {error:.1e}")
print(f"without the ReLU mask: {unmasked_backward_error(x, w, b, grad_out):.3f}")

# %% [question 2 8]

# %% [markdown]
# Along each spatial axis the output size is $\lfloor (n - f + 2p) / s \rfloor + 1$; the depth
# is the number of filters.

# %% answer
from snippets import exam
from snippets.conv import conv_output_shape, output_size

problem = exam.CONV_SHAPE
height = problem.input_shape[0]
print(
    "output size per axis =",
    output_size(height, problem.kernel_size, problem.stride, problem.padding),
)
shape = conv_output_shape(
    problem.input_shape, problem.filters, problem.kernel_size, problem.stride, problem.padding
)
for axis, size in zip(("height", "width", "depth"), shape, strict=True):
    print(f"output {axis} = {size}")

# %% try
from snippets.conv import conv_output_shape

input_shape = (32, 32, 32)  # height, width, channels
filters, kernel_size, stride, padding = 8, 6, 2, 1
print(conv_output_shape(input_shape, filters, kernel_size, stride, padding))
