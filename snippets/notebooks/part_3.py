# %% [markdown]
# A classifier scores a sample with $z = x^\top w + b$ and turns the score into the
# probability of "dog" with the sigmoid $\sigma(z) = 1 / (1 + e^{-z})$.

# %% [question 3 a]

# %% answer
import sympy as sp

z = sp.symbols("z", real=True)
sigma = 1 / (1 + sp.exp(-z))
derivative = sp.diff(sigma, z)
# The derivative minus σ(1 - σ) simplifies to zero: the two are the same function.
print("dsigma/dz - sigma(1 - sigma) =", sp.simplify(derivative - sigma * (1 - sigma)))

# %% [question 3 b]

# %% answer
import sympy as sp

z, t = sp.symbols("z t", real=True)
p = 1 / (1 + sp.exp(-z))
loss = -(t * sp.log(p) + (1 - t) * sp.log(1 - p))
# The derivative of the loss with respect to the score minus (p - t) simplifies to zero.
print("dL/dz - (p - t) =", sp.simplify(sp.diff(loss, z) - (p - t)))

# %% [question 3 c]

# %% [markdown]
# The exam reads $\sigma(z)$ off this plot instead of computing it.

# %% given
from snippets.render.logistic_figures import sigmoid_figure

sigmoid_figure()

# %% answer
from snippets import exam
from snippets.logistic import descent_step

problem = exam.LOGISTIC_STEP
step = descent_step(problem.x, problem.w, problem.b, problem.t, problem.learning_rate)
read = descent_step(
    problem.x, problem.w, problem.b, problem.t, problem.learning_rate, p=exam.PLOT_READING_P
)
k = problem.asked_weight - 1  # the exam counts weights from 1
print(f"z = {step.z:.4g}")
print(f"p = {read.p:.4g}  (read off the plot; computed: {step.p:.4f})")
print(f"dL/dz = {read.grad_z:.4g}")
print(f"dL/dw{k + 1} = {read.grad_w[k]:.4g}")
print(f"new w{k + 1} = {read.w_new[k]:.4g}")

# %% try
from snippets.logistic import descent_step

x = [0.8, 0.5, -1.0]  # features
w = [0.5, 0.4, -0.3]  # weights
b, t, learning_rate = 0.2, 1.0, 0.1
step = descent_step(x, w, b, t, learning_rate)
print(f"z = {step.z:.4g}, p = {step.p:.4g}, new w = {[round(v, 4) for v in step.w_new]}")
