# attack: an infinite loop at the top level, while the file is being loaded
# expect: the load times out once (LOAD_TIMEOUT_S), no function is called; zero, every test says why
# exercise: numpy_rnn
# message: running the submission did not finish within
while True:
    pass
