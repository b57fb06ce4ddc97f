# attack: exceptions whose messages hold a lone surrogate ("\ud800", which UTF-8 cannot encode),
#   printed bytes that are not UTF-8, and a returned value with a surrogate in it: writing a
#   report with that text fails, so `grade -o` exits 1 after half of its reports and leaves a
#   temporary file behind
# expect: text is cleaned of what cannot be encoded before it is written; every report is written;
#   zero
# exercise: numpy_rnn
# message: raised ValueError
import sys

sys.stdout.buffer.write(b"not utf-8: \xed\xa0\x80 \xff\n")
sys.stdout.flush()


def rnn_forward(*args, **kwargs):
    raise ValueError("lone surrogate \ud800 here")


def rnn_cell_step(*args, **kwargs):
    raise type("Bad\udfffError", (Exception,), {})("and \udc80 here")


def init_rnn_params(*args, **kwargs):
    return "\ud800"


def rnn_weights_from_torch(*args, **kwargs):
    return {"\udc00": "\ud800"}
