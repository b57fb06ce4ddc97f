"""Exercise 1: the memory cell h_t = tanh(Wx x_t + Wh h_{t-1} + b) in NumPy, matched to nn.RNN."""
from autograder.exercises import Exercise

EXERCISE = Exercise(
    name="numpy_rnn",
    title="an RNN cell and its forward pass in NumPy",
    order=1,
    functions=("init_rnn_params", "rnn_cell_step", "rnn_forward", "rnn_weights_from_torch"),
    weight=0.17,
)
