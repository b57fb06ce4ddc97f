# The kit's two entry points: `make demo` (set up, then grade the bundled examples) and `make test`.
VENV   := .venv
PYTHON := $(VENV)/bin/python
SETUP  := $(VENV)/.setup-done

.PHONY: demo test clean

# torch is installed first and pinned exactly: any looser request may pull a multi-GB CUDA build.
$(SETUP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[nbgrader,reports]'
	touch $(SETUP)

demo: $(SETUP)
	$(VENV)/bin/autograder grade examples/submissions/*

test: $(SETUP)
	$(PYTHON) -m pytest

clean:
	rm -rf $(VENV) out
