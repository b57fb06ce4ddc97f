"""Exercise 2: the shapes nn.RNN takes and returns (batch_first, layers, directions)."""
from autograder.exercises import Exercise

EXERCISE = Exercise(
    name="rnn_shapes",
    title="the shapes `nn.RNN` takes and returns",
    order=2,
    functions=("make_rnn", "rnn_output_shapes"),
    weight=0.18,
)
