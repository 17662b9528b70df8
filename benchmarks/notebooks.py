"""Wall time of every lecture notebook, against the floor of a kernel that only imports.

Usage: .venv/bin/python benchmarks/notebooks.py [--limit SECONDS] [--repeat N] [notebooks ...]

Each notebook runs in a fresh kernel on the CPU, as nbval runs it. The floor is a notebook with
one cell that imports torch, matplotlib and course_utils, measured in the same run, so the
difference is the notebook's own work. Exits 1 if a notebook takes longer than --limit.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
FLOOR_SOURCE = "import torch\nimport matplotlib.pyplot as plt\nimport course_utils"


def run_seconds(notebook, cwd):
    start = time.perf_counter()
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return time.perf_counter() - start


def median_seconds(make_notebook, cwd, repeat):
    return statistics.median(run_seconds(make_notebook(), cwd) for _ in range(repeat))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--limit", type=float, default=20.0, help="seconds allowed per notebook")
    parser.add_argument("--repeat", type=int, default=1, help="runs per notebook (median)")
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        sys.exit("no notebooks found")
    os.environ["COURSE_DEVICE"] = "cpu"

    floor_notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    floor = median_seconds(lambda: nbformat.from_dict(floor_notebook), ROOT, args.repeat)
    print(f"{'notebook':34} {'seconds':>8} {'minus floor':>12}")
    print(f"{'(floor: kernel + imports)':34} {floor:8.1f} {0.0:12.1f}")
    total, too_slow = 0.0, []
    for path in paths:
        seconds = median_seconds(lambda p=path: nbformat.read(p, as_version=4), path.parent, args.repeat)
        total += seconds
        flag = "  over the limit" if seconds > args.limit else ""
        print(f"{path.name:34} {seconds:8.1f} {seconds - floor:12.1f}{flag}")
        if flag:
            too_slow.append(path.name)
    print(f"{'all notebooks':34} {total:8.1f} {total - floor * len(paths):12.1f}")
    print(f"cores: {os.cpu_count()}, limit per notebook: {args.limit:.0f} s")
    if too_slow:
        sys.exit(f"over {args.limit:.0f} s: {', '.join(too_slow)}")


if __name__ == "__main__":
    main()
