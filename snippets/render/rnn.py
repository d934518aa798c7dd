"""Short Question 5 as Markdown, one unit (md.unit): plain RNNs and vanishing gradients, and
how the LSTM's cell state keeps the gradient alive, computed."""

from __future__ import annotations

from snippets.render import markdown as md
from snippets.render.numbers import num, significant
from snippets.render.short_figures import gradient_flow_figure
from snippets.render.svg import figure_svg
from snippets.rnn import (
    HIDDEN,
    LENGTH,
    gradient_flow,
    lstm_state_gradients,
    rnn_state_gradients,
)

PART = 2


def lstm_against_rnn_answer() -> list[str]:
    """What earns question 5's two points: vanishing gradients, and the cell state."""
    return [
        "**Plain RNNs learn long-term dependencies poorly**: backpropagation through time "
        "multiplies the gradient, at every step back, by the same recurrent weight matrix and "
        "by tanh's derivative, so over many steps it keeps shrinking (vanishing gradients).",
        "**The LSTM's cell state improves the gradient flow**: it is updated additively, "
        "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$, so along it the gradient is multiplied "
        "only by the forget gate $f_t$; with forget gates near one it survives many steps.",
    ]


def lstm_against_rnn() -> str:
    """Question 5: vanishing gradients, and the cell state, computed."""
    flow = gradient_flow()
    biases = sorted(flow.lstm)
    forgetting, remembering = biases[0], biases[-1]
    per_step = (flow.rnn[-1] / flow.rnn[0]) ** (1 / LENGTH)  # geometric mean factor
    alt = (
        f"Gradient norm against the number of steps back, over {LENGTH} steps, on a log scale. "
        f"The vanilla RNN's gradient falls at every step, to {flow.rnn[-1]:.1e}; an LSTM "
        f"whose forget gates average {flow.mean_forget[forgetting]:.2f} falls to "
        f"{flow.lstm[forgetting][-1]:.1e}; an LSTM whose forget gates average "
        f"{flow.mean_forget[remembering]:.2f} never falls below "
        f"{flow.lstm[remembering].min():.2g}."
    )
    worked = md.join(
        [
            "**Why plain RNNs struggle.** Backpropagation through time multiplies the "
            "gradient, at every step back, by $\\partial h_t / \\partial h_{t-1} = "
            "\\operatorname{diag}(1 - h_t^2)\\, W$: the same weight matrix again and again, and "
            "the derivative of tanh, which is at most one. In the computation below this "
            f"product shrinks exponentially, by a factor of about {per_step:.2f} per step, so "
            "the loss at the end of a sequence sends almost no signal to the early inputs.",
            "**How the LSTM helps.** Its cell state is updated additively, "
            "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$, so along the cell state "
            "$\\partial c_t / \\partial c_{t-1} = \\operatorname{diag}(f_t)$: no weight matrix, "
            "no squashing, only the forget gate.",
            f"**Computed.** A vanilla RNN and two LSTMs with {HIDDEN} units each read the same "
            f"random sequence of {LENGTH} inputs; their recurrent weights are drawn with the "
            "same seed and scale (the LSTM's candidate weights are exactly the RNN's). A "
            "gradient of norm one arrives at the last hidden state and is propagated back; "
            "the two LSTMs differ only in the bias of their forget gate.",
            figure_svg(gradient_flow_figure(flow), name="rnn-lstm-gradients", alt=alt),
            md.table(
                ("model", "mean forget gate", f"gradient norm {LENGTH} steps back"),
                [
                    ("vanilla RNN", "no gates", f"${significant(flow.rnn[-1])}$"),
                    *[
                        (
                            f"LSTM, forget bias {num(bias)}",
                            f"{flow.mean_forget[bias]:.2f}",
                            f"${significant(flow.lstm[bias][-1])}$",
                        )
                        for bias in biases
                    ],
                ],
                align="lrr",
            ),
            "The LSTM's advantage is not automatic: with forget gates near one half its "
            "gradient vanishes like the RNN's. With forget gates near one, which a positive "
            f"forget bias gives from the start, the gradient never falls below "
            f"{flow.lstm[remembering].min():.2g} over all {LENGTH} steps.",
        ]
    )
    return md.unit(
        PART,
        "5",
        answer=lstm_against_rnn_answer(),
        worked=worked,
        evidence=(rnn_state_gradients, lstm_state_gradients, gradient_flow),
    )
