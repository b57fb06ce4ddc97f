# attack: returning a tuple subclass, ints and an object whose __eq__ is always True (__ne__ never)
# expect: only plain data crosses the boundary: the wrong shape (0, 0, 0) is seen as such and the
#   object arrives as "Unsupported"; zero
# exercise: rnn_shapes
# message: shape should be
class Liar(tuple):
    __eq__ = lambda self, other: True
    __ne__ = lambda self, other: False
    __hash__ = tuple.__hash__


class LyingInt(int):
    __eq__ = lambda self, other: True
    __ne__ = lambda self, other: False
    __hash__ = int.__hash__


class Anything:
    __eq__ = lambda self, other: True
    __ne__ = lambda self, other: False


def rnn_output_shapes(*args, **kwargs):
    return Liar((Liar((LyingInt(0),) * 3), Anything()))


def make_rnn(*args, **kwargs):
    return Anything()
