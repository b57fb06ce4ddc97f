# attack: returning a tuple subclass and ints whose __eq__ is always True (and __ne__ never)
# expect: only plain data crosses the boundary: the wrong shapes (0, 0, 0) are seen as such; zero
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
    return Liar((Liar((LyingInt(0),) * 3), Liar((LyingInt(0),) * 3)))


def make_rnn(*args, **kwargs):
    return Anything()
