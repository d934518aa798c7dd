"""The claims audit's other half: sentences of the pages that state something checkable but
that no test can check, each with the reason. (Checked sentences are marked on their tests:
`@pytest.mark.claim("page.md", "the sentence")`.) The build lists both on the verification
page, and stops if a sentence listed here or on a test is no longer on its page."""

from __future__ import annotations

# page (relative to docs/) -> ((sentence as the page shows it, free of math), reason)
UNCHECKED: dict[str, tuple[tuple[str, str], ...]] = {
    "part-1-multiple-choice.md": (
        (
            "On paper the exam reads a crossed box as checked, a filled-in box as unchecked and "
            "a filled-in box with a circle around it as checked again",
            "the paper exam's instructions for marking boxes: a convention of how the exam is "
            "sat on paper, which no test of the code can observe",
        ),
        (
            "Xavier initialisation keeps activations well scaled at the start of training (for "
            "tanh-like activations); it does not limit what the network can fit.",
            "the guide implements no Xavier initialisation (its networks are He-initialised, "
            "layers.mlp_init) and no tanh network, the setting in which Xavier's scaling keeps "
            "the activations' variance; that an initialisation leaves the set of functions a "
            "network can represent unchanged is a matter of definition, not of computation",
        ),
        (
            "so training usually needs more epochs; it does nothing for the initialisation",
            "an empirical observation about training real networks with dropout, which no "
            "computation of this chapter reproduces (none trains a network with dropout); that "
            "dropout adds noise at every step is checked by "
            "test_dropout_draws_a_new_mask_at_every_step",
        ),
        (
            "Randomly silencing units stops them from co-adapting",
            "an explanation of why dropout regularises, from the paper that introduced it: "
            "co-adaptation of units in a trained network is not something a test can measure "
            "here (the ensemble reading that follows is checked by "
            "test_test_time_output_is_the_average_of_every_thinned_network)",
        ),
        (
            "(as a flipped photo of a dog still shows a dog)",
            "an analogy with image labels: the guide has no images to flip; the property it "
            "stands for, that the target is odd, is checked by "
            "test_target_is_odd_so_the_mirror_is_a_valid_augmentation",
        ),
        (
            "is averaged, as PyTorch does",
            "a statement about another library's implementation (PyTorch's BatchNorm keeps the "
            "unbiased variance in running_var), which is not a dependency of the guide; the "
            "averaging of the unbiased estimate itself is checked by "
            "test_running_statistics_average_batch_means_and_unbiased_variances",
        ),
        (
            "The learning rates were picked by hand for this bowl",
            "how the settings were chosen: a fact of the guide's writing, not of the code "
            "(that other rates leave what each optimiser remembers unchanged is checked by "
            "test_what_an_optimiser_remembers_does_not_depend_on_its_settings)",
        ),
        (
            "(the degradation that motivated ResNets)",
            "history: what motivated residual networks is a fact about their authors "
            "(He et al., 2015), not about the code; the degradation itself, a deeper plain "
            "network reaching a higher training loss, is checked by "
            "test_the_deepest_plain_network_stays_above_a_shallower_one_here",
        ),
        (
            "A deep plain network is harder to optimise: this is the degradation problem that "
            "motivated residual connections.",
            "an interpretation and a piece of history: that the deepest network's higher loss "
            "comes from optimisation rather than from what it can represent rests on two checked "
            "facts (test_a_deeper_plain_network_can_represent_a_shallower_one, "
            "test_the_deepest_plain_network_stays_above_a_shallower_one_here), but 'harder to "
            "optimise' in general and what motivated residual connections are not computed",
        ),
        (
            "a tuned rate or more steps can shrink the gap",
            "a caveat about runs the guide does not make (other learning rates and budgets on "
            "networks of every depth): a statement of what might happen, with nothing computed "
            "to compare it with",
        ),
        (
            "Not always: a listener who knows that deeper plain networks can train worse (the "
            "second option) may be more impressed by a small network that works.",
            "about how people at a party react: the exam's joke option has no property a test "
            "can check (that deeper plain networks can train worse is checked for the second "
            "option)",
        ),
        (
            "(the bottleneck of Inception and ResNet)",
            "a citation: which published architectures use 1 × 1 reductions is a bibliographic "
            "fact (Szegedy et al., 2014; He et al., 2015), not something the code computes",
        ),
        (
            "as in the bottlenecks of Inception and ResNet",
            "a citation: which published architectures use 1 × 1 reductions is a bibliographic "
            "fact (Szegedy et al., 2014; He et al., 2015), not something the code computes",
        ),
    ),
    "part-4-backpropagation.md": (
        (
            "by hand",
            "the exam is written on paper without a computer: a fact of how it is sat, which no "
            "test of the code can observe",
        ),
    ),
    "part-5-layers.md": (
        (
            "The exam's figure of this problem was lost",
            "the history of the exam's source: the repository holds only the text extracted "
            "from it (snippets/exam.py), not the figure, so nothing can be compared with it",
        ),
        (
            "Its text keeps the kernel, the input, the upstream gradient and the table of the "
            "kernel gradient",
            "what the original exam text holds: only its transcription (snippets/exam.py) is in "
            "the repository; that the figures show the transcribed numbers is checked by "
            "test_gradient_question_figure_shows_the_published_givens_and_question_marks",
        ),
        (
            "The output cells that the question gives are not in the text",
            "what the original exam text lacks: only its transcription is in the repository; "
            "that those cells are computed from the input and the kernel is checked by "
            "test_question_figure_shows_the_output_as_given_and_the_asked_cells_as_question_marks",
        ),
        (
            "Also accepted: a block easily learns the identity",
            "what the exam's published solution accepts: a fact of the exam's text (that a "
            "block with a zero last layer is the identity is checked by "
            "test_block_with_a_zero_last_layer_is_the_identity)",
        ),
        (
            "ResNets are built from residual blocks: a few layers, and a skip connection around "
            "them.",
            "a description of an architecture from the literature (He et al., 2016), which no "
            "computation of this chapter reproduces",
        ),
    ),
    "part-6-cnn-architectures.md": (
        (
            "The exam's figure of the network was lost",
            "the history of the exam's source: the repository holds only the text extracted "
            "from it (snippets/exam.py), not the figure, so nothing can be compared with it",
        ),
        (
            "The exam's text fixes the input (images of 256 × 256 pixels), the 1000 classes and "
            "the padding rule",
            "what the original exam text says: only its transcription (snippets/exam.py) is in "
            "the repository; that the network follows the transcription is checked by "
            "test_exam_network_follows_the_exam_data",
        ),
        (
            "AlexNet (Krizhevsky, Sutskever and Hinton, 2012)",
            "a citation: who wrote the paper and when is a bibliographic fact, not something "
            "the code computes (its layer list is checked: test_reconstruction_has_alexnets_layer_list)",
        ),
        (
            "It differs from AlexNet in three ways",
            "that the list is complete: each of the three differences is checked on its own, "
            "but no test holds AlexNet's whole description (input size, training, every "
            "layer's padding) to show there is no fourth",
        ),
        (
            "to reuse the features they learnt on the large dataset",
            "the reason for freezing: that pretrained features carry over to similar images is "
            "an empirical result of training on images, which no computation of this chapter "
            "reproduces",
        ),
        (
            "How much to freeze is a design choice, which the exam leaves open",
            "a reading of the exam: its question and published solution name no layer to "
            "freeze beyond the output layer to replace; a judgement, not a computation",
        ),
        (
            "with more data, or less similar images, one can also fine-tune the last "
            "convolutions with a small learning rate",
            "practical advice from experience with fine-tuning, which only training runs on "
            "real data could support",
        ),
    ),
    "practice/logistic-step.md": (
        (
            "The plot is read to about",
            "how closely a reader reads a value off a plot by eye is a fact about people, not "
            "about the code; what follows from it is checked: p and the two gradients are "
            "checked to that tolerance (test_p_and_the_two_gradients_are_checked_to_the_plots_"
            "tolerance, and in a browser test_the_tolerance_is_the_stated_one), and a reading "
            "off by that much keeps the new weight within its own tolerance "
            "(test_logistic_step_any_reading_within_tolerance_keeps_the_new_weight_right)",
        ),
    ),
    "practice/index.md": (
        (
            "small enough to work out by hand",
            "a judgement of what a reader can work out without a calculator; what is checked "
            "is the numbers' form: every number a variant gives is whole or has one decimal "
            "(test_every_number_a_variant_gives_is_whole_or_has_one_decimal) and the answers "
            "terminate (test_backprop_numbers_are_exam_friendly and the others of its kind)",
        ),
        (
            "as in the exam: no notes, no calculator beyond what the exam allows",
            "the rules under which the exam is sat: a fact of how it is taken, which no test "
            "of the code can observe",
        ),
    ),
    "index.md": (
        (
            "as in the exam: no notes, no calculator beyond what the exam allows",
            "the rules under which the exam is sat: a fact of how it is taken, which no test "
            "of the code can observe",
        ),
        (
            "no notes or other aids allowed",
            "the rules under which the exam is sat: a fact of how it is taken, which no test "
            "of the code can observe",
        ),
    ),
    "exam-sheet.md": (
        (
            "no notes or other aids allowed",
            "the rules under which the exam is sat: a fact of how it is taken, which no test "
            "of the code can observe",
        ),
        (
            "The exam's plot of the four loss curves was lost",
            "the history of the exam's source: the repository holds only the text extracted "
            "from it (snippets/exam.py), not the plot, so nothing can be compared with it",
        ),
        (
            "The exam's figure of this problem was lost",
            "the history of the exam's source: the repository holds only the text extracted "
            "from it (snippets/exam.py), not the figure, so nothing can be compared with it",
        ),
        (
            "Its text keeps the kernel, the input, the upstream gradient and the table of the "
            "kernel gradient",
            "what the original exam text holds: only its transcription (snippets/exam.py) is in "
            "the repository; that the figures show the transcribed numbers is checked by "
            "test_gradient_question_figure_shows_the_published_givens_and_question_marks",
        ),
        (
            "The output cells that the question gives are not in the text",
            "what the original exam text lacks: only its transcription is in the repository; "
            "that those cells are computed from the input and the kernel is checked by "
            "test_question_figure_shows_the_output_as_given_and_the_asked_cells_as_question_marks",
        ),
        (
            "The exam's figure of the network was lost",
            "the history of the exam's source: the repository holds only the text extracted "
            "from it (snippets/exam.py), not the figure, so nothing can be compared with it",
        ),
        (
            "the exam's optional, light-hearted option",
            "a description of the exam's text (that the option is optional and meant in fun), "
            "which only the original exam shows",
        ),
    ),
}
