# %% [markdown]
# Problem 1 follows one convolution layer with a single kernel and no bias, applied with a
# stride and zero padding to a one-channel input; the gradient of the loss with respect to
# its output arrives from the layer above. A convolution here is a cross-correlation: the
# kernel is not flipped. The layer's numbers:

# %%
import numpy as np

from snippets import exam

np.set_printoptions(precision=4, suppress=True)  # arrays below print with four decimals
problem = exam.CONV
print("kernel W =\n", np.array(problem.kernel))
print("input X =\n", np.array(problem.input))
print("stride =", problem.stride, " padding =", problem.padding)
print("upstream gradient dZ =\n", np.array(problem.grad_output))

# %% [question 5 1 (a)]

# %% given
from snippets.render.conv_figures import conv_forward_figure

conv_forward_figure(
    problem.input,
    problem.kernel,
    problem.stride,
    problem.padding,
    problem.asked_output,
    reveal=False,
)

# %% [markdown]
# `conv2d` slides the kernel over the padded input: output cell $(i, j)$ is the sum of the
# window at $(s\,i, s\,j)$ weighted by the kernel. Cells are counted from 0 at the top left.

# %% answer
from snippets.conv import conv2d

z = conv2d(problem.input, problem.kernel, problem.stride, problem.padding)
for i, j in problem.asked_output:
    print(f"Z[{i},{j}] = {z[i, j]:.4g}")

# %% [markdown]
# Each asked cell's window on the padded input, outlined in the style of its cell:

# %%
conv_forward_figure(
    problem.input, problem.kernel, problem.stride, problem.padding, problem.asked_output
)

# %% try
from snippets.conv import conv2d

image = [
    [3, 1, 6, 8, 0],
    [2, 3, 2, 7, -6],
    [-8, 0, 6, -5, -8],
    [1, 2, 5, -2, -4],
    [8, 7, -2, -1, 7],
]
kernel = np.full((3, 3), 1 / 9)  # every weight 1/9: the average of the window
stride, padding = 2, 1
print(conv2d(image, kernel, stride, padding))

# %% [question 5 1 (b)]

# %% [markdown]
# `conv2d_backward` returns the gradients of the kernel and of the input. Weight $W_{a,b}$
# meets input $X^{pad}_{s i + a,\, s j + b}$ in the window of output $(i, j)$, so its gradient
# sums those inputs weighted by the upstream gradient. The exam gives some cells of the
# kernel's gradient and asks for the others; all nine are printed, row by row.

# %% answer
from snippets.conv import conv2d_backward

grads = conv2d_backward(
    problem.input, problem.kernel, problem.grad_output, problem.stride, problem.padding
)
for (a, b), value in np.ndenumerate(grads.grad_kernel):
    print(f"dW[{a},{b}] = {value:.4g}")

# %% [markdown]
# For each asked cell of the kernel's gradient, the inputs that meet its weight; those under
# a zero upstream gradient are crossed out.

# %%
from snippets.render.conv_figures import grad_kernel_figure

grad_kernel_figure(
    problem.input,
    len(problem.kernel),
    problem.grad_output,
    problem.stride,
    problem.padding,
    problem.asked_grad_kernel,
)

# %% try
from snippets.conv import conv2d_backward

grad_output = [[1, 1, 1], [1, 0, 1], [1, 1, 1]]  # the gradient arriving at each output cell
result = conv2d_backward(image, kernel, grad_output, stride, padding)
print("gradient of the kernel:\n", result.grad_kernel)
print("gradient of the input:\n", result.grad_input)

# %% [question 5 1 (c)]

# %% [markdown]
# With all its weights equal to one over the window's size, the layer averages each window.
# Compare it with average pooling of the same window, stride and padding, before and after
# one step of gradient descent on the kernel: pooling has no parameters, so it stays as it is.

# %% answer
from snippets.conv import avg_pool2d, conv2d, sgd_step

size, stride, padding = len(problem.kernel), problem.stride, problem.padding
pooled = avg_pool2d(problem.input, size, stride, padding)
z = conv2d(problem.input, problem.kernel, stride, padding)
learning_rate = 0.01  # not from the exam: any positive rate moves the kernel
trained = sgd_step(problem.kernel, grads.grad_kernel, learning_rate)
z_trained = conv2d(problem.input, trained, stride, padding)
print(f"same function as average pooling = {np.allclose(z, pooled)}")
print(f"same function after one step of gradient descent = {np.allclose(z_trained, pooled)}")

# %%
print("average pooling:\n", pooled)
print("the convolution after one step:\n", z_trained)

# %% try
from snippets.conv import avg_pool2d, conv2d

kernel = np.full((3, 3), 1 / 9)  # change one weight and the two differ
stride, padding = 2, 1
print(conv2d(image, kernel, stride, padding) - avg_pool2d(image, 3, stride, padding))

# %% [markdown]
# Problem 2 is about a residual block: a few layers, and a skip connection around them.

# %% [question 5 2 (a)]

# %%
from snippets.render.residual_figures import residual_block_figure

residual_block_figure()

# %% [question 5 2 (b)]

# %% [markdown]
# The package's derivation of $\partial H / \partial x$, one rule a step; sympy checks each
# step against the one before it, with the given $\partial R / \partial x = r$ substituted.
# Below it, sympy differentiates $H(x) = x + R(x)$ directly.

# %%
from snippets.residual import check_derivation, residual_derivation, residual_givens

steps = residual_derivation()
print(steps[0].expression)
for step, equal in zip(steps[1:], check_derivation(steps, residual_givens()), strict=True):
    print(f"  {step.expression}    (equal to the step before: {equal})")

# %% answer
import sympy as sp

from snippets.residual import R, r, residual_givens, x

block = x + R(x)  # H(x): the skip connection adds the input to the branch
derivative = sp.diff(block, x).subs(residual_givens())
print("dH/dx - (1 + r) =", sp.simplify(derivative - (1 + r)))

# %% try
import sympy as sp

from snippets.residual import residual_block_derivative, x

inner, outer = sp.tanh(2 * x), 3 * x**2  # the two layers l1, l2 as functions of x
block_derivative, branch_derivative = residual_block_derivative(inner, outer)
print("dH/dx - (1 + dR/dx) =", sp.simplify(block_derivative - (1 + branch_derivative)))

# %% [question 5 2 (c)]

# %% [markdown]
# An experiment: stacks of blocks with random weights, with and without skip connections.
# The same gradient arrives at the top of every stack; backpropagation gives the norm of the
# first layer's weight gradient at each depth.

# %%
from snippets.render.residual_figures import gradient_depth_figure
from snippets.residual import gradient_norm_experiment

experiment = gradient_norm_experiment()
print(f"depth {experiment.depths[-1]}: plain {experiment.plain[-1]:.3g}, "
      f"residual {experiment.residual[-1]:.3g}")  # fmt: skip
gradient_depth_figure(experiment)

# %% try
from snippets.residual import gradient_norm_experiment

experiment = gradient_norm_experiment(max_depth=50, width=16, gain=0.8, seed=0)
for depth in (1, 10, 50):
    k = depth - 1
    print(f"depth {depth}: plain {experiment.plain[k]:.3g}, residual {experiment.residual[k]:.3g}")
