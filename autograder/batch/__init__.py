"""Grading a whole class: find the submissions, grade them in warm parallel workers, keep results.

grade_class.py  the class-grading step: stored results kept, the rest graded in the pool
discover.py  which student submitted which file for which exercise
store.py     one result file per student and exercise, written atomically, keyed by content hash
workers.py   a pool of trusted worker processes, each with its own warm sandbox zygote
"""
