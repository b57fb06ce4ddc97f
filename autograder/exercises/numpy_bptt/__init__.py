"""Exercise 4: backpropagation through time by hand for exercise 1's cell, checked against autograd."""
from autograder.exercises import Exercise

EXERCISE = Exercise(
    name="numpy_bptt",
    title="backpropagation through time by hand in NumPy",
    order=4,
    functions=("numerical_gradient", "rnn_cell_step_backward", "rnn_backward"),
    weight=0.2,
)
