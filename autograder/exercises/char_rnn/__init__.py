"""Exercise 3: a character RNN (nn.RNN + nn.Linear, cross-entropy, Adam) that learns "apple" -> "pple!"."""
from dataclasses import dataclass

from autograder.exercises import Exercise


@dataclass(frozen=True)
class Training:
    """How the graders judge train_char_rnn (bench/convergence.py measures these over many seeds)."""
    seeds: tuple[int, ...] = (0, 1, 2)         # seeds of the apple -> pple! runs
    unseen_words: tuple[str, ...] = ("hello", "tensor")  # word -> word[1:] + "!", hidden = vocabulary size
    converged_loss: float = 0.05               # final cross-entropy (recomputed by the grader) must be below this
    loop_epochs: int = 5                       # epochs the grader replays with the contract's loop (Adam, mean CE)
    loop_atol: float = 5e-5                    # replayed vs reported losses, and the returned net's loss
    first_loss_atol: float = 2e-6              # the first reported loss vs the untrained net's (no update yet)
    loop_weights_atol: float = 5e-4            # the returned net's weights vs the replayed net's, at the end
    learnt_margin: float = 1e-3                # a trained net's loss must be this much below its untrained loss
    plot_seed: int = 0                         # the run whose losses the feedback page plots


EXERCISE = Exercise(
    name="char_rnn",
    title='a character RNN that learns `"apple"` -> `"pple!"`',
    order=3,
    functions=("build_vocab", "make_char_maps", "encode_pair", "Net", "decode", "train_char_rnn"),
    call_timeouts={"train_char_rnn": 30.0},
    weight=1.45,
    params=Training(),
)
