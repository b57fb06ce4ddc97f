"""Grading pipeline: load a submission, run the hidden graders against it, collect results."""
