# attack: writing full-marks results.json / junit.xml into its working directory, the kit's
#   directories, Gradescope's results folder, /tmp and its own folder (RESULT_DIRS, when a test
#   prepends it)
# expect: every write fails or lands in the sandbox's private /tmp; the real results are written
#   by the trusted side only; the kit is unchanged; zero
# exercise: numpy_rnn
import json
import os

FAKE = json.dumps({"score": 58, "tests": [{"name": "all", "score": 58, "max_score": 58}]})
JUNIT = '<testsuite name="numpy_rnn" tests="18" failures="0"><testcase name="all"/></testsuite>'
TARGETS = [os.getcwd(), "/work/main", "/work/main/autograder", "/work/main/tests", "/work/main/tests/hostile",
           "/autograder/results", "/autograder/source", "/autograder/submission", "/tmp", "/var/tmp",
           "/work", "/", "/root", "/home"] + list(globals().get("RESULT_DIRS", []))
written = []
for folder in TARGETS:
    for name, text in (("results.json", FAKE), ("junit.xml", JUNIT), ("report.xml", JUNIT)):
        try:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, name), "w") as handle:
                handle.write(text)
            written.append(os.path.join(folder, name))
        except OSError:
            pass
print("wrote", written)


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
