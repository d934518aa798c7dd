# %% [markdown]
# Any number of a question's options may be true, none included. Each answer cell names the
# true options by their place in the list of boxes, counted from 1 at the top; the cell after
# it gives the reason for every box. Where the chapter backs the reasons with an experiment,
# the experiment follows, run here with the same functions.

# %%
import numpy as np

from snippets import exam

np.set_printoptions(precision=4, suppress=True)  # arrays below print with four decimals
QUESTIONS = {question.label: question for question in exam.MULTIPLE_CHOICE}


def true_options(label):
    """The places of question `label`'s true options, counted from 1 as its boxes are listed,
    as one word (2,4) so that the answer line reads `name = value`."""
    options = QUESTIONS[label].options
    places = [str(place) for place, option in enumerate(options, start=1) if option.right]
    return ",".join(places) or "none"


def reasons(label):
    """Print every option of question `label` with its verdict and the reason for it."""
    for place, option in enumerate(QUESTIONS[label].options, start=1):
        verdict = "true " if option.right else "false"
        print(f"{place}. {verdict}  {option.text}\n          {option.why}")


# %% [question 1 1]

# %% answer
print("Q1 true =", true_options("1"))

# %%
reasons("1")

# %% [markdown]
# A polynomial with as many weights as there are noisy samples, trained by gradient descent:
# the validation loss finds the epoch to stop at, and mirrored, jittered copies of the samples
# (augmentation) lower the validation loss too.

# %%
from snippets.overfitting import overfitting_experiment
from snippets.render.demo_figures import overfitting_figure

experiment = overfitting_experiment()
plain, augmented = experiment.plain, experiment.augmented
print(f"early stopping keeps epoch {plain.best_epoch} of {experiment.epochs}")
for name, run in (("without augmentation", plain), ("with augmentation", augmented)):
    print(
        f"{name}: validation loss {run.best_validation:.4f} at best, "
        f"{run.final_validation:.4f} at the last epoch; "
        f"test loss {run.test[run.best_epoch - 1]:.4f} at best, {run.test[-1]:.4f} at the last"
    )
overfitting_figure(experiment)

# %% [question 1 2]

# %% answer
print("Q2 true =", true_options("2"))

# %%
reasons("2")

# %% [markdown]
# Inverted dropout on one sample's activations: a random mask while training, the input
# unchanged at test time, and the two equal on average.

# %%
from snippets.layers import dropout_experiment
from snippets.render.demo_figures import dropout_figure

experiment = dropout_experiment()
print("input x          ", experiment.x)
print("mask, one pass   ", experiment.mask)
print("training output  ", experiment.train)
print("test output      ", experiment.test)
print("mean over masks  ", experiment.expectation)
print(f"largest |mean - x| over all masks: {experiment.expectation_gap:.1e}")
dropout_figure(experiment.x, experiment.expectation, experiment.unscaled)

# %% try
from snippets.layers import dropout_experiment

x = [1.2, -0.6, 2.0, 0.4, -1.4, 0.8]  # one sample's activations
p = 0.5  # drop probability
experiment = dropout_experiment(x, p)
print("training output", experiment.train)
print("mean over masks", experiment.expectation)

# %% [question 1 3]

# %% answer
print("Q3 true =", true_options("3"))

# %%
reasons("3")

# %% [markdown]
# One batch of three features on very different scales, normalised with its own statistics;
# the normalisation undone by choosing gamma and beta; and one sample normalised in two
# batches and at test time, with the running statistics.

# %%
from snippets.layers import batch_norm_experiment

experiment = batch_norm_experiment()
print("batch mean per feature      ", experiment.train.mean)
print("mean of the normalised batch", experiment.train.y.mean(axis=0))
print("variance of the normalised  ", experiment.train.y.var(axis=0))
print(f"largest |y - x| with gamma = batch std, beta = batch mean: {experiment.identity_gap:.1e}")
print("data mean, running mean     ", experiment.means, experiment.running_mean)
print("one sample in batch A       ", experiment.in_a)
print("the same sample in batch B  ", experiment.in_b)
print("the same sample at test time", experiment.at_test)

# %% [question 1 4]

# %% answer
print("Q4 true =", true_options("4"))

# %%
reasons("4")

# %% [markdown]
# Each optimiser takes one step and returns the state it carries to the next; what that state
# holds says which moments it keeps. Then each one's path on a stretched bowl.

# %%
from snippets.optim import bowl_experiment
from snippets.render.demo_figures import trajectories_figure

experiment = bowl_experiment()
width = max(len(memory.name) for memory in experiment.memories)
print(f"{'optimiser':<{width}}  first moment  second moment")
for memory in experiment.memories:
    first, second = (
        "yes" if kept else "no" for kept in (memory.first_moment, memory.second_moment)
    )
    print(f"{memory.name:<{width}}  {first:<12}  {second}")
names = [optimiser.name for optimiser in experiment.optimisers]
trajectories_figure(experiment.problem, list(zip(names, experiment.paths, strict=True)))

# %% [question 1 5]

# %% answer
print("Q5 true =", true_options("5"))

# %%
reasons("5")

# %% [markdown]
# Plain ReLU networks of growing depth, each trained with the same budget of Adam steps
# (this cell takes a few seconds): the cost grows with every layer, the training loss does
# not keep falling.

# %%
from snippets.optim import depth_experiment
from snippets.render.demo_figures import depth_figure

experiment = depth_experiment()
for run in experiment.runs:
    print(
        f"{run.hidden_layers:>2} hidden layers: {run.params:>6} parameters, "
        f"{run.mult_adds:>6} multiply-adds per sample, lowest training loss {run.lowest_loss:.2e}"
    )
depth_figure(experiment.runs)

# %% [question 1 6]

# %% answer
print("Q6 true =", true_options("6"))

# %%
reasons("6")

# %% [markdown]
# One step of an LSTM cell with two hidden units: the three gates (sigmoids), the candidate
# (tanh), and the gradient that flows back along the cell state, which is the forget gate.

# %%
from snippets.layers import GATES, lstm_experiment

experiment = lstm_experiment()
step = experiment.step
for gate in GATES:
    print(f"{gate} = {getattr(step, gate)}")
print("cell state c_t  ", step.c)
print("hidden state h_t", step.h)
print("dc_t/dc_(t-1)   ", experiment.carry)

# %% [question 1 7]

# %% answer
print("Q7 true =", true_options("7"))

# %%
reasons("7")

# %% [markdown]
# A 1 × 1 convolution that reduces the channels before a 3 × 3 convolution, and a 1 × 1
# convolution computed as one matrix product per pixel.

# %%
from snippets.layers import one_by_one_experiment
from snippets.render.demo_figures import bottleneck_figure

experiment = one_by_one_experiment()
costs = experiment.costs
print(f"3 x 3 directly: {costs.direct_mult_adds:,} multiply-adds")
print(f"1 x 1 first:    {costs.reduced_mult_adds:,} multiply-adds ({experiment.saved:.0%} saved)")
print(f"largest |convolution - matrix product|: {experiment.gap:.1e}")
reduce, then = costs.reduced
bottleneck_figure(costs.direct[0].mult_adds, reduce.mult_adds, then.mult_adds)

# %% try
from snippets.layers import bottleneck_costs

input_shape = (28, 28, 256)  # height, width, channels
reduced_channels, filters = 64, 256
costs = bottleneck_costs(input_shape, reduced_channels, filters)
print(f"directly: {costs.direct_mult_adds:,}; with 1 x 1 first: {costs.reduced_mult_adds:,}")

# %% [markdown]
# ## Score your own answers
#
# The exam's rule: a question earns its points only when every box is right, so the score
# below counts the questions whose boxes are all right.

# %% try
from snippets.render.quiz import score

checked = {  # cross a box: change its False to True (boxes counted from the top)
    "1": [False, False, False, False],
    "2": [False, False, False, False],
    "3": [False, False, False, False],
    "4": [False, False, False, False],
    "5": [False, False, False, False],
    "6": [False, False, False, False],
    "7": [False, False, False, False],
}
right_questions = 0
for label, boxes in checked.items():
    right = [option.right for option in QUESTIONS[label].options]
    every_box_right = score(right, boxes, points=1) == 1
    right_questions += every_box_right
    print(f"question {label}: {'every box right' if every_box_right else 'not every box right'}")
print(f"{right_questions} of {len(checked)} questions earn their points")
