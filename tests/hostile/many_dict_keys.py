# attack: replies of many small values under the JSON size cap: a dict of 50 000 keys and a flat
#   list of 200 000 numbers (parsing and walking them costs far more than their bytes)
# expect: the values of a reply are counted while it is decoded (config.MAX_REPLY_VALUES); the
#   reply is unreadable; zero
# exercise: numpy_rnn
# message: returned data the grader cannot read
def init_rnn_params(*args, **kwargs):
    return {i: i for i in range(50_000)}


def rnn_forward(*args, **kwargs):
    return [0] * 200_000


def rnn_cell_step(*args, **kwargs):
    raise NotImplementedError


rnn_weights_from_torch = rnn_cell_step
