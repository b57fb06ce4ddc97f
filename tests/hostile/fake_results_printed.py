# attack: printing what pytest and Gradescope would print for full marks, on stdout, stderr and at exit
# expect: nothing printed is parsed; zero
# exercise: numpy_rnn
import atexit
import json
import sys

FAKE = json.dumps({"score": 58, "tests": [{"name": "numpy_rnn", "score": 58, "max_score": 58, "status": "passed"}]})
print("============================= 58 passed in 0.42s ==============================")
print(FAKE)
print(FAKE, file=sys.stderr)
atexit.register(print, "18 passed, 0 failed\n" + FAKE)


def init_rnn_params(*args, **kwargs):
    print("PASSED test_init_rnn_params_shapes_and_dtype\n" + FAKE)
    raise NotImplementedError


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
