# The kit's two entry points: `make demo` (set up, then grade the bundled examples) and `make test`.
VENV   := .venv
PYTHON := $(VENV)/bin/python
SETUP  := $(VENV)/.setup-done

.PHONY: demo test nbgrader-course clean

# torch is installed first and pinned exactly: any looser request may pull a multi-GB CUDA build.
$(SETUP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[nbgrader,reports]'
	touch $(SETUP)

# Grades the bundled example class (reference, untouched stubs, realistic bugs) into out/demo.
demo: $(SETUP)
	$(VENV)/bin/autograder grade-all examples/submissions -o out/demo

test: $(SETUP)
	$(PYTHON) -m pytest

# The nbgrader course of the unit in course/, built from assignments/, solutions/ and the graders
# (see "Grading with nbgrader" in the README). Rebuilding rewrites only course/source/ and the config.
nbgrader-course: $(SETUP)
	$(PYTHON) -m autograder.commands.nbgrader_course course

clean:
	rm -rf $(VENV) out
