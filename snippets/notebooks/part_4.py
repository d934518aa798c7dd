# %% [markdown]
# A small fully connected network maps the inputs $i_1, i_2$ through one hidden layer with
# ReLU to the outputs $o_1, o_2$, which are compared with the targets $t_1, t_2$ by the loss
# $L = \tfrac12 (t_1 - o_1)^2 + \tfrac12 (t_2 - o_2)^2$. A weight $w_{kj}$ leads from unit $k$
# of one layer to unit $j$ of the next. Its given values, and the network with them:

# %%
from snippets import exam
from snippets.backprop import solve
from snippets.render.backprop_figures import question_figure

problem = exam.BACKPROP
print("inputs  i1, i2 =", problem.inputs)
print("targets t1, t2 =", problem.targets)
print("weights:", problem.weights)
print("biases: ", problem.biases)
solution = solve(problem)
question_figure(solution)

# %% [question 4 a]

# %% [markdown]
# `solve` runs the forward pass, the backward pass and one step of gradient descent; its
# `forward` holds every value of the forward pass.

# %% answer
for name in ("h1", "h2", "h3", "h4", "o1", "o2"):
    print(f"{name} = {getattr(solution.forward, name):.4g}")

# %%
from snippets.render.backprop_figures import forward_figure

forward_figure(solution)

# %% try
from snippets.backprop import forward

inputs = (2.0, -1.0)  # i1, i2
weights = {"w11": 1.0, "w12": -0.5, "w21": 0.5, "w22": -1.0}  # into h1, h2
weights |= {"w31": 0.5, "w32": -1.0, "w41": -0.5, "w42": 1.0}  # into o1, o2
biases = {"b1": 0.5, "b2": -0.5, "b3": -1.0, "b4": 0.5}
targets = (1.0, 0.5)  # t1, t2
print(forward(inputs, weights, biases, targets))

# %% [question 4 b]

# %% answer
print(f"L = {solution.forward.loss:.4g}")

# %% try
from snippets.backprop import forward

targets = (1.0, 0.5)  # t1, t2; the other numbers are those of the cell under (a)
print(f"L = {forward(inputs, weights, biases, targets).loss:.4g}")

# %% [question 4 c]

# %% [markdown]
# The chain rule sums one product of local derivatives per path from the loss down to the
# asked weight; `solution.chain` lists them, and `solution.updated` holds every weight after
# one step of gradient descent.

# %%
for path, product in zip(solution.chain.paths, solution.chain.terms, strict=True):
    factors = " * ".join(f"({factor.expression} = {factor.value:g})" for factor in path)
    print(f"{factors} = {product:g}")

# %% answer
asked = solution.asked
print(f"dL/d{asked} = {solution.backward.grad(asked):.4g}")
print(f"new {asked} = {solution.updated.value(asked):.4g}")

# %%
from snippets.render.backprop_figures import backward_figure

backward_figure(solution)

# %% try
from snippets.backprop import backward, descent_step

learning_rate = 0.1
grads = backward(inputs, weights, biases, targets)
updated = descent_step(weights, biases, grads, learning_rate)
for name in ("w21", "w11", "b3"):
    print(f"{name}: gradient {grads.grad(name):.4g}, new value {updated.value(name):.4g}")
