# attack: os._exit(0) while the file is loaded: no exception, no reply, a "clean" exit
# expect: the load fails once with the exit status; every test fails with that message; zero
# exercise: numpy_rnn
# message: running the submission stopped the process: it exited with status 0
import os

print("58 passed in 0.01s", flush=True)
os._exit(0)
