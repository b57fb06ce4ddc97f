"""Step 1: submissions become code cells; unreadable ones give a plain message, not a traceback."""
from __future__ import annotations

import json
import re
import time

import pytest

from autograder.errors import UsageError
from autograder.exercises import names as exercise_names
from autograder.load import SubmissionError, load_source
from autograder.matching import ExerciseFile, exercise_files


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": t, "source": s, "metadata": {}} for t, s in cells]})


def test_notebook_code_cells_keep_their_jupyter_numbers(tmp_path):
    path = tmp_path / "numpy_rnn.ipynb"
    path.write_text(notebook(("markdown", "# hi"), ("code", "x = 1"), ("code", ""), ("code", ["y = ", "2"])))
    assert load_source(path).cells == [(2, "x = 1"), (4, "y = 2")]  # plain Python: unchanged


def test_magics_and_shell_lines_become_calls_of_get_ipython(tmp_path):
    path = tmp_path / "a.ipynb"
    path.write_text(notebook(("code", "%matplotlib inline\n!pip list\nfiles = !ls\nx = 1"), ("code", "%%time\ny = 2")))
    cells = [code for _, code in load_source(path).cells]
    compile(cells[0], "c", "exec"), compile(cells[1], "c", "exec")
    assert "get_ipython().run_line_magic('matplotlib', 'inline')" in cells[0]
    assert "run_cell_magic('time'" in cells[1]


@pytest.mark.parametrize("content, message", [
    ("{not json", "not a valid notebook (not JSON"),
    ('{"cells": 3}', "no list of cells"),
    (notebook(("markdown", "only text")), "has no code cells"),
    ('["a list"]', "no list of cells"),
    ('{"nbformat": 4, "cells": ["x = 1"]}', "cell 1 is not a cell"),
    ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}', "the source of cell 1 is not text"),
    ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["x", 1]}]}', "the source of cell 1 is not text"),
    ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x", "outputs": {}}]}', "outputs of cell 1"),
    ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x", "outputs": ["a"]}]}', "outputs of cell 1"),
    ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x", "metadata": []}]}', "metadata of cell 1"),
    ('{"nbformat": "4", "cells": []}', "nbformat version"),
    ('{"nbformat": 3, "worksheets": 5}', "could not be upgraded"),
    ('{"cells": ' + "[" * 100_000, "nested too deeply"),
])
def test_broken_notebooks_are_explained(tmp_path, content, message):
    path = tmp_path / "char_rnn.ipynb"
    path.write_text(content)
    with pytest.raises(SubmissionError, match=re.escape(message)):
        load_source(path)
    if "no code cells" not in message:
        with pytest.raises(SubmissionError, match="re-download it from JupyterLab with File > Download"):
            load_source(path)


def test_nbformat_3_notebooks_are_upgraded(tmp_path):
    """An old notebook (nbformat 3: worksheets, "input") gives its code cells, magics transformed."""
    from nbformat import v3

    cells = [v3.new_code_cell(input="x = 1"), v3.new_text_cell("markdown", source="# hi"),
             v3.new_code_cell(input="%matplotlib inline\nfiles = !ls")]
    path = tmp_path / "numpy_rnn.ipynb"
    path.write_text(v3.writes_json(v3.new_notebook(worksheets=[v3.new_worksheet(cells=cells)])))
    assert json.loads(path.read_text())["nbformat"] == 3
    source = load_source(path)
    assert [n for n, _ in source.cells] == [1, 3] and source.cells[0][1] == "x = 1"
    assert "get_ipython().getoutput('ls')" in source.cells[1][1]


def test_ipython_transform_is_bounded(tmp_path):
    """Only cells with IPython syntax are transformed, Settings().max_ipython_lines lines per notebook:
    a cell of 300 shell lines is run as it is (and fails), in milliseconds, and says so."""
    from autograder.config import Settings

    path = tmp_path / "numpy_rnn.ipynb"
    path.write_text(notebook(("code", "%matplotlib inline"), ("code", "x = !true\n" * 300),
                             ("code", "y = 1\n" * 100_000)))
    started = time.monotonic()
    source = load_source(path)
    assert time.monotonic() - started < 1.0
    assert source.cells[0][1].startswith("get_ipython().run_line_magic")
    assert source.cells[1][1] == "x = !true\n" * 300 and source.cells[2][1] == "y = 1\n" * 100_000
    assert "cell(s) 2 ran as plain Python" in source.problems[0] and source.limits == ["IPython syntax limit"]
    assert Settings().max_ipython_lines < 300


def test_a_py_file_is_one_cell_run_as_a_module(tmp_path):
    path = tmp_path / "rnn_shapes.py"
    path.write_text("def f():\n    return 1\n")
    source = load_source(path)
    assert source.cells == [(1, "def f():\n    return 1\n")] and source.module_name == "submission"


def test_folder_files_are_matched_to_exercises_notebooks_first(tmp_path):
    for name in ("numpy_rnn.py", "numpy_rnn.ipynb", "my_char_rnn_final.py", "notes.py"):
        (tmp_path / name).write_text("")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "rnn_shapes.ipynb").write_text("")
    found = exercise_files(tmp_path)
    assert set(found) == set(exercise_names())  # every exercise is accounted for
    assert found["numpy_rnn"].path == tmp_path / "numpy_rnn.ipynb" and not found["numpy_rnn"].refusal
    assert "numpy_rnn.py" in found["numpy_rnn"].notes[0]  # the other candidate is named, not dropped
    assert not found["char_rnn"].found  # no substring matching: my_char_rnn_final.py is not char_rnn
    assert "no char_rnn notebook found; found: numpy_rnn.ipynb, my_char_rnn_final.py" in found["char_rnn"].refusal


def test_a_file_named_after_no_exercise_needs_one(tmp_path):
    path = tmp_path / "homework.py"
    path.write_text("")
    with pytest.raises(UsageError, match="cannot tell which exercise"):
        exercise_files(path)
    assert exercise_files(path, ["rnn_shapes"]) == {"rnn_shapes": ExerciseFile(path)}


def test_magics_that_wrap_python_still_run_it(tmp_path, grade_file):
    """%time and %%time run their code, %%capture binds its variable: no false cell errors."""
    path = tmp_path / "char_rnn.ipynb"
    path.write_text(notebook(
        ("code", "def train():\n    return [0.5], 'pple!'"),
        ("code", "%time losses, prediction = train()"),
        ("code", "assert prediction == 'pple!'"),
        ("code", "%%capture cap\nprint('hidden')"),
        ("code", "assert cap.stdout == 'hidden\\n'"),
        ("code", "%%time\nz = 3"),
        ("code", "assert z == 3\n%load_ext autoreload\n!pip list"),
    ))
    assert grade_file(path, "char_rnn").problems == []


def test_unchanged_kit_cells_are_left_out_edited_ones_run(tmp_path):
    """Public checks and demonstrations are the kit's code: unchanged, they are not run again."""
    from autograder import config, notebooks
    from autograder.load import kit_cells

    release = notebooks.read(config.RELEASE_DIR / "char_rnn.ipynb")
    path = tmp_path / "char_rnn.ipynb"
    notebooks.write(release, path)
    everything = load_source(path).cells
    graded = load_source(path, "char_rnn").cells
    kit = kit_cells("char_rnn")
    assert len(kit) >= 6 and len(graded) == len(everything) - len(kit)
    assert not any(code.strip() in kit for _, code in graded)
    assert any("import torch" in code for _, code in graded)  # imports and stubs stay

    check = next(i for i, c in enumerate(release["cells"]) if notebooks.cell_source(c).strip() in kit)
    release["cells"][check]["source"] = notebooks.cell_source(release["cells"][check]) + "\nprint('mine')"
    notebooks.write(release, path)
    assert len(load_source(path, "char_rnn").cells) == len(graded) + 1


def test_locked_nbgrader_cells_are_left_out(tmp_path):
    """nbgrader restores read-only cells before running them; the CLI must not run edited copies."""
    path = tmp_path / "numpy_rnn.ipynb"
    cells = [{"cell_type": "code", "source": "x = 1", "metadata": {}},
             {"cell_type": "code", "source": "assert False  # edited check", "metadata": {"nbgrader": {"locked": True}}},
             {"cell_type": "code", "source": "def f(): pass", "metadata": {"nbgrader": {"solution": True, "locked": False}}}]
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    assert [n for n, _ in load_source(path).cells] == [1, 3]
