"""RNN autograding kit: grade student submissions of the RNN unit, with student code sandboxed."""
