# attack: reading the hidden graders and reference solutions from disk (by known and derived paths)
#   and importing `solutions` and `autograder.exercises`, to return the reference's answers
# expect: the files are not there (empty read-only tmpfs) and the imports fail; zero, and no grader
#   or solution text reaches the output
# exercise: numpy_rnn
# message: could not import the reference
import glob
import os

import autograder

found = {}
kit = os.path.dirname(os.path.dirname(autograder.__file__))
patterns = [kit + "/solutions/*.py", kit + "/autograder/exercises/*/*.py", "/work/main/solutions/*.py",
            "/work/main/autograder/exercises/*/*.py", "/work/*/solutions/*.py", "/autograder/source/**/*.py",
            "/proc/*/cwd/solutions/*.py", "/proc/*/root/work/main/solutions/*.py"]
for pattern in patterns:
    for path in glob.glob(pattern, recursive=True):
        try:
            found[path] = open(path).read()
        except OSError:
            pass
print("found", sorted(found), "".join(found.values())[:5000])

reference = None
try:
    from solutions import numpy_rnn as reference
except Exception as error:
    print("import solutions:", error)
try:
    import autograder.exercises.numpy_rnn.test_numpy_rnn as graders
    reference = graders.reference
except Exception as error:
    print("import graders:", error)


def init_rnn_params(*args, **kwargs):
    if reference is None:
        raise ImportError("could not import the reference")
    return reference.init_rnn_params(*args, **kwargs)


def rnn_cell_step(*args, **kwargs):
    if reference is None:
        raise ImportError("could not import the reference")
    return reference.rnn_cell_step(*args, **kwargs)


def rnn_forward(*args, **kwargs):
    if reference is None:
        raise ImportError("could not import the reference")
    return reference.rnn_forward(*args, **kwargs)


def rnn_weights_from_torch(*args, **kwargs):
    if reference is None:
        raise ImportError("could not import the reference")
    return reference.rnn_weights_from_torch(*args, **kwargs)
