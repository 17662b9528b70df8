"""Session-wide checks for the course's tests.

The tests compare graphs drawn by Graphviz's `dot` program with committed SVG (tests and lecture
notebooks alike), so a run without `dot` stops at once with the command that installs it, rather
than failing minutes later on a missing image. `make test` checks the same before it starts.
"""

import shutil

import pytest

DOT_INSTALL = (
    "sudo apt-get install graphviz (Debian/Ubuntu) | brew install graphviz (macOS) | "
    "conda install -c conda-forge graphviz"
)


def pytest_sessionstart(session):
    if shutil.which("dot") is None:
        message = f"the tests need Graphviz's dot program, which is not on PATH. Install it: {DOT_INSTALL}"
        pytest.exit(message, returncode=4)
