"""Short error messages in notebooks.

An error raised deep inside PyTorch prints a page of PyTorch's own source code, with the paths of
the machine that ran it, before the one line that matters: the line of *your* cell that failed.
``short_errors()`` makes IPython show only the frames of notebook cells and the exception itself::

    RuntimeError                              Traceback (most recent call last)
    Cell In[5], line 3
          1 # The graph behind z was freed by the previous call.
    ----> 3 torch.autograd.grad(z, x)

    RuntimeError: Trying to backward through the graph a second time ...

The error is still an error: the cell stops, the kernel reports the failure (so ``nbval``,
``jupyter nbconvert --execute`` and graders see it), and ``%debug`` still opens the full
traceback. ``short_errors(False)`` brings back IPython's full tracebacks. Outside IPython (a plain
Python script) it does nothing.
"""

from __future__ import annotations

import sys
import types

__all__ = ["short_errors"]


def _ipython_shell():
    """The running IPython shell, or None outside IPython."""
    if "IPython" not in sys.modules:  # a plain script never imported IPython: nothing to change
        return None
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython half-installed
        return None
    return get_ipython()


def _is_cell_file(shell, filename: str) -> bool:
    """True when ``filename`` is the pseudo-file IPython compiled a cell into."""
    cell_files = getattr(getattr(shell, "compile", None), "_filename_map", None) or {}
    return filename in cell_files or filename.startswith("<ipython-input-")


def _cell_frames_only(shell, tb: types.TracebackType | None) -> types.TracebackType | None:
    """A new traceback chain holding only the frames of notebook cells, in the same order."""
    kept = []
    while tb is not None:
        if _is_cell_file(shell, tb.tb_frame.f_code.co_filename):
            kept.append(tb)
        tb = tb.tb_next
    chain = None
    for entry in reversed(kept):
        chain = types.TracebackType(chain, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return chain


def _short_traceback(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: show the cell frames only, and return what it showed."""
    if issubclass(etype, SyntaxError):  # a cell that does not parse: IPython's own short message
        shell.showsyntaxerror()
        return None
    # %debug and %tb look here: keep the full traceback for them.
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
    if sys.version_info >= (3, 12):
        sys.last_exc = value
    short_tb = _cell_frames_only(shell, tb)
    # Chained exceptions ("During handling of the above exception...") would bring the library
    # frames back: show the last exception only, and leave the exception itself as it was.
    saved = (value.__cause__, value.__context__, value.__suppress_context__)
    value.__cause__, value.__context__, value.__suppress_context__ = None, None, True
    try:
        if short_tb is None:  # raised outside any cell: the message alone
            stb = shell.InteractiveTB.get_exception_only(etype, value)
        else:
            stb = shell.InteractiveTB.structured_traceback(etype, value, short_tb, tb_offset=0)
    finally:
        value.__cause__, value.__context__, value.__suppress_context__ = saved
    # IPython ignores what a custom handler returns: showing the traceback is the handler's job.
    # In a kernel, _showtraceback also sends the error to the front end (nbval, nbconvert, Jupyter).
    shell._showtraceback(etype, value, stb)
    return stb


def short_errors(enable: bool = True) -> None:
    """Show errors in notebooks as the failing line(s) of your cells and the message only.

    In IPython or Jupyter, an ``Exception`` raised by a cell is printed with the frames of notebook
    cells only (no library internals, no file paths); ``KeyboardInterrupt`` and ``SystemExit`` are
    left alone. ``short_errors(False)`` restores IPython's full tracebacks. Outside IPython this
    does nothing. Calling it again is harmless.
    """
    if not isinstance(enable, bool):
        raise TypeError(f"short_errors(enable) expects True or False, got {type(enable).__name__}")
    shell = _ipython_shell()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    if enable:
        shell.set_custom_exc((Exception,), _short_traceback)
    else:
        shell.set_custom_exc((), None)
