# attack: rnn_output_shapes returns shapes holding a 4 MiB string, which graders put into their
#   failure message ("got (1, 10, '888...')"): every test's report copies it
# expect: a reply's JSON part is capped, so the string never reaches a grader; the failure says the
#   reply was unreadable; reports stay small; zero
# exercise: rnn_shapes
# message: sent an unreadable reply
def rnn_output_shapes(*args, **kwargs):
    return (1, 10, "8" * 4 * 2**20), (1, 1, 8)


def make_rnn(*args, **kwargs):
    raise NotImplementedError
