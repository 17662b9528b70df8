"""short_errors: a cell's error shows the cell's lines and the message, and is still an error."""

import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_utils import short_errors

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PATH = re.compile(r"[/\\][\w.-]+[/\\]")

BACKWARD_TWICE = "x = torch.ones(3, requires_grad=True)\ny = (x * x).sum()\ny.backward()\ny.backward()"


def plain(text: str) -> str:
    return ANSI.sub("", text)


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_cell("import torch")
    yield ip
    ip.set_custom_exc((), None)


def test_only_the_cell_lines_and_the_message(shell, capsys):
    shell.run_cell("from course_utils import short_errors\nshort_errors()")
    result = shell.run_cell(BACKWARD_TWICE)
    shown = plain(capsys.readouterr().out)
    assert not result.success and isinstance(result.error_in_exec, RuntimeError)
    assert "----> 4 y.backward()" in shown
    assert "RuntimeError: Trying to backward through the graph a second time" in shown
    assert "site-packages" not in shown and "torch/" not in shown and "File " not in shown


def test_functions_defined_in_cells_are_kept(shell, capsys):
    short_errors()
    shell.run_cell("def reshape(t):\n    return t.view(5)\n")
    result = shell.run_cell("reshape(torch.ones(3))")
    shown = plain(capsys.readouterr().out)
    assert not result.success
    assert "----> 1 reshape(torch.ones(3))" in shown
    assert "----> 2     return t.view(5)" in shown
    assert "RuntimeError: shape '[5]' is invalid for input of size 3" in shown


def test_chained_exception_shows_the_last_one_only_and_is_left_intact(shell, capsys):
    short_errors()
    result = shell.run_cell("try:\n    {}['key']\nexcept KeyError:\n    raise ValueError('no key')")
    shown = plain(capsys.readouterr().out)
    assert "ValueError: no key" in shown and "During handling" not in shown
    assert isinstance(result.error_in_exec.__context__, KeyError)


def test_full_tracebacks_come_back(shell, capsys):
    short_errors()
    short_errors(False)
    shell.run_cell(BACKWARD_TWICE)
    assert "torch" + "/" in plain(capsys.readouterr().out).replace("\\", "/")


def test_syntax_errors_and_debugging_still_work(shell, capsys):
    short_errors()
    result = shell.run_cell("def broken(:\n    pass")
    assert isinstance(result.error_before_exec, SyntaxError)
    assert "SyntaxError" in plain(capsys.readouterr().out)
    shell.run_cell(BACKWARD_TWICE)
    frames = []
    tb = sys.last_traceback
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    assert any("torch" in name for name in frames)  # %debug sees the whole traceback


def test_bad_argument_is_refused():
    with pytest.raises(TypeError, match="True or False"):
        short_errors("yes")


def test_outside_ipython_it_does_nothing():
    code = (
        "import sys, course_utils\n"
        "course_utils.short_errors()\n"
        "assert 'IPython' not in sys.modules or sys.modules['IPython'].get_ipython() is None\n"
        "assert sys.excepthook is sys.__excepthook__\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def _notebook(error_cell_tags):
    cells = [
        nbformat.v4.new_code_cell("import torch\nfrom course_utils import short_errors\n\nshort_errors()"),
        nbformat.v4.new_code_cell("# NBVAL_RAISES_EXCEPTION\n" + BACKWARD_TWICE),
        nbformat.v4.new_code_cell("print('after')"),
    ]
    cells[1].metadata["tags"] = error_cell_tags
    return nbformat.v4.new_notebook(cells=cells)


def _client(notebook, folder):
    resources = {"metadata": {"path": folder}}
    return NotebookClient(notebook, timeout=120, kernel_name="python3", resources=resources)


def test_kernel_reports_the_error_with_a_short_machine_independent_output(tmp_path):
    notebook = _notebook(["raises-exception"])
    _client(notebook, tmp_path).execute()
    (error,) = notebook.cells[1].outputs
    assert error.output_type == "error" and error.ename == "RuntimeError"
    text = plain("\n".join(error.traceback))
    assert "Cell In[2], line 5" in text and "----> 5 y.backward()" in text
    assert "site-packages" not in text and not PATH.search(text)  # no file path of this machine
    assert notebook.cells[2].outputs[0].text == "after\n"


def test_untagged_error_still_stops_the_notebook(tmp_path):
    notebook = _notebook([])
    client = _client(notebook, tmp_path)
    with pytest.raises(CellExecutionError, match="RuntimeError"):
        client.execute()
