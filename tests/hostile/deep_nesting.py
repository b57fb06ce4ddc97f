# attack: returning a list nested 100 000 levels deep (recursion in encoders and decoders)
# expect: the sandbox cuts it at the wire's depth limit; the grader says what came back; zero
# exercise: numpy_rnn
# message: should be an np.ndarray
def nested():
    value = []
    for _ in range(100_000):
        value = [value]
    return value


def rnn_forward(inputs, *args, **kwargs):
    inputs[...] = 0.0
    return nested()


def init_rnn_params(*args, **kwargs):
    return nested()


rnn_cell_step = rnn_weights_from_torch = rnn_forward
