#!/bin/sh
# Print the path of a Python that the course's pinned packages install on, or say how to get one.
#   tools/find_python.sh            tries python3.12, python3.11, python3 (the first that fits wins)
#   tools/find_python.sh PYTHON     checks only that one (make lab PYTHON=/path/to/python)
# The range comes from the pins: soupsieve (needed by nbconvert and nbgrader) requires 3.11.5;
# torch 2.13.0 publishes wheels up to 3.14. tests/test_project_files.py keeps it in step with
# requires-python in pyproject.toml.
MIN="3.11.5"
BELOW="3.15"
CHECK='import sys, venv, ensurepip
sys.exit(0 if (3, 11, 5) <= sys.version_info[:3] < (3, 15) else 3)'

if [ -n "$1" ]; then
    candidates="$1"
else
    candidates="python3.12 python3.11 python3"
fi

tried=""
for candidate in $candidates; do
    if ! command -v "$candidate" >/dev/null 2>&1; then
        tried="$tried
  $candidate: not found"
        continue
    fi
    "$candidate" -c "$CHECK" >/dev/null 2>&1
    status=$?
    if [ "$status" -eq 0 ]; then
        "$candidate" -c 'import sys; print(sys.executable)'
        exit 0
    fi
    version=$("$candidate" -c 'import platform; print(platform.python_version())' 2>/dev/null)
    if [ -z "$version" ]; then
        tried="$tried
  $candidate: does not run"
    elif [ "$status" -eq 3 ]; then
        tried="$tried
  $candidate: Python $version, outside $MIN <= version < $BELOW"
    else
        tried="$tried
  $candidate: Python $version has no venv/ensurepip (Debian/Ubuntu: sudo apt-get install python${version%.*}-venv)"
    fi
done

cat >&2 <<MSG
No Python that the course's pinned packages install on: they need Python $MIN or newer, below $BELOW.
Tried:$tried
Install one, then run make again:
  Ubuntu 24.04:        sudo apt-get install python3.12-venv
  macOS (Homebrew):    brew install python@3.12
  Debian 12 and others (Debian's python3 is 3.11.2, too old), with uv:
                       curl -LsSf https://astral.sh/uv/install.sh | sh && ~/.local/bin/uv python install 3.12
                       make lab PYTHON="\$(~/.local/bin/uv python find 3.12)"
  conda:               conda env create -f environment.yml   (see README, Conda)
Or name one yourself: make lab PYTHON=/path/to/python3.12
MSG
exit 1
