# The kit's two entry points: `make demo` (set up, then grade the bundled examples) and `make test`.
VENV   := .venv
PYTHON := $(VENV)/bin/python
SETUP  := $(VENV)/.setup-done

.PHONY: demo test nbgrader-course student-repo gradescope-zip clean

# torch is installed first and pinned exactly: any looser request may pull a multi-GB CUDA build.
$(SETUP): pyproject.toml
	@echo "Setting up $(VENV): torch 2.13.0 (CPU only, about 750 MB), nbgrader, JupyterLab, Dask, Selenium and the kit."
	@echo "This takes about 2-3 minutes on a fresh machine and prints little while pip works."
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e '.[nbgrader,reports,ci,cluster,browser,test]'
	touch $(SETUP)

# Grades the bundled example class (reference, untouched stubs, realistic bugs) into out/demo.
demo: $(SETUP)
	$(VENV)/bin/autograder grade-all examples/submissions -o out/demo

# The suite on TEST_JOBS pytest workers: the CI machine has two cores, and one process keeps about 1.5 busy.
TEST_JOBS ?= 2

test: $(SETUP)
	$(PYTHON) -m pytest -n $(TEST_JOBS) --dist loadgroup

# The nbgrader course of the unit in course/, built from assignments/, solutions/ and the graders
# (see "Grading with nbgrader" in the README). Rebuilding rewrites only course/source/ and the config.
nbgrader-course: $(SETUP)
	$(VENV)/bin/autograder nbgrader-course course

# The student repository (templates/student-repo/ plus the released notebooks) in out/student-repo:
#   make student-repo KIT='rnn-autograder[reports] @ git+https://github.com/ORG/REPO@v0.1.0' [FAIL_UNDER=SCORE]
student-repo: $(SETUP)
	$(PYTHON) templates/make_student_repo.py out/student-repo $(if $(KIT),--kit '$(KIT)') $(if $(FAIL_UNDER),--fail-under $(FAIL_UNDER))

# The autograder zip to upload to Gradescope, in out/autograder.zip (see "Grading on Gradescope").
gradescope-zip: $(SETUP)
	$(VENV)/bin/autograder gradescope-zip -o out/autograder.zip

clean:
	rm -rf $(VENV) out
