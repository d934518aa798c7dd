# %% [markdown]
# An image-classification contest: square colour images, each of one of many classes, and a
# CNN to start from. Under each arrow of the figure stand the filter size $f$ of the
# convolution or pooling and its stride $s$ (none written means $s = 1$); every convolution and
# pooling layer pads its input by $p = (f - 1)/2$. The exam's figure was lost, so the layer
# list is a reconstruction: the input, the classes and the first convolution are the exam's.

# %%
from snippets import exam
from snippets.architectures import EXAM_CLASSIFIER, EXAM_FEATURES, propagate
from snippets.render.architecture_figures import network_figure

print("input (height, width, channels) =", exam.IMAGE_SHAPE)
print("classes =", exam.NUM_CLASSES)
question_rows = propagate((*EXAM_FEATURES, *EXAM_CLASSIFIER), exam.IMAGE_SHAPE)
network_figure(question_rows, exam.IMAGE_SHAPE, show_sizes=False)

# %% [question 6 a]

# %% [markdown]
# The layer list of the reconstruction, with the output layer of (b): look for a large first
# filter with a large stride, overlapping max pooling, and fully-connected layers at the end.

# %%
from snippets.architectures import exam_network

layers = exam_network()
for layer in layers:
    print(layer)

# %% [question 6 b]

# %% [markdown]
# One score per class from a fully-connected layer; softmax turns the scores into
# probabilities, and the cross-entropy loss compares them with the one-hot target.

# %% answer
from snippets.architectures import output_layer

print(f"output units = {output_layer().units}")

# %% try
from snippets.architectures import Dense, layer_shape

num_classes = 1000
row = layer_shape(Dense("output", num_classes), (4096,))  # it reads the 4096 units before it
print(f"{row.output_shape[0]} units, {row.params:,} parameters")

# %% [question 6 c]

# %% [markdown]
# Along each axis, $n_{out} = \lfloor (n_{in} - f + 2p)/s \rfloor + 1$; the channels are the
# number of filters of a convolution, and pooling keeps them. `propagate` applies it layer by
# layer and counts each layer's parameters and multiply-adds:

# %%
rows = propagate(layers, exam.IMAGE_SHAPE)
print(f"{'layer':8} {'output size':>16} {'parameters':>12} {'multiply-adds':>15}")
print(f"{'input':8} {exam.IMAGE_SHAPE!s:>16}")
for row in rows:
    print(f"{row.layer.name:8} {row.output_shape!s:>16} {row.params:>12,} {row.mult_adds:>15,}")
print(f"{'total':8} {'':>16} {sum(r.params for r in rows):>12,}")

# %%
network_figure(rows, exam.IMAGE_SHAPE)

# %% try
from snippets.conv import output_size

n_in, f, s = 256, 11, 4  # the first convolution's input size, filter size and stride
p = (f - 1) // 2  # the exam's padding
print("n_out =", output_size(n_in, f, s, p))

# %% [question 6 d]

# %% answer
print(f"first convolution parameters = {rows[0].params}")

# %% try
from snippets.architectures import Conv, layer_shape

kernel_size, filters, stride = 11, 96, 4
row = layer_shape(Conv("conv1", kernel_size, filters, stride), (256, 256, 3))
print(f"{kernel_size} * {kernel_size} * 3 * {filters} + {filters} = {row.params:,}")

# %% [question 6 e]

# %% [markdown]
# The parameters by role, for the exam's input size and for larger ones: the convolutions, the
# first fully-connected layer (which reads the flattened last volume), and the others.

# %%
from snippets.architectures import parameter_split

size = exam.IMAGE_SHAPE[0]
splits = [parameter_split(layers, n) for n in range(size // 4, 2 * size + 1)]
for split in splits[:: size // 4]:
    print(
        f"{split.input_size:>4} px: convolutions {split.conv:>10,}, {split.first_dense_name} "
        f"{split.first_dense:>11,}, others {split.other_dense:>10,}, total {split.total:>11,}"
    )

# %% answer
exams = parameter_split(layers, size)
larger = [split for split in splits if split.input_size > size]
print(f"total grows with the input size = {all(s.total > exams.total for s in larger)}")

# %%
from snippets.render.architecture_figures import parameters_vs_input_figure

parameters_vs_input_figure(splits, marked_size=size)

# %% try
from snippets.architectures import exam_network, parameter_split

for n in (128, 256, 384, 512):  # input height = width, in pixels
    print(f"{n:>4} px: {parameter_split(exam_network(), n).total:,} parameters")

# %% [question 6 f]

# %% [markdown]
# Pretrain on the large dataset, then fine-tune on the contest's: the convolutions keep their
# pretrained weights (frozen), the output layer is replaced by one sized for the contest's
# classes, and the other fully-connected layers are retrained. How much to freeze is a design
# choice.

# %%
from snippets.architectures import transfer_learning

counts = transfer_learning(layers, exam.IMAGE_SHAPE, exam.NUM_CLASSES)
print("frozen:", ", ".join(counts.frozen_layers), f"({counts.frozen_params:,} parameters)")
print("trained:", ", ".join(counts.retrained_layers), f"({counts.retrained_params:,} parameters)")

# %% try
from snippets.architectures import exam_network, transfer_learning

num_classes = 1000  # the contest's classes
counts = transfer_learning(exam_network(), (256, 256, 3), num_classes)
print(f"frozen {counts.frozen_params:,}, trained {counts.retrained_params:,}")
