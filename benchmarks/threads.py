"""How many torch threads the course's CPU work should use.

The notebooks train tiny models (a 1-20-20-1 MLP on 200 points, a cubic on 2,000 points) for
thousands of steps. Each step is a few dozen operations on small tensors, so what costs time is
the overhead per operation, and on a many-core machine the cost of waking up a thread pool for
operations that are too small to share. This script runs the notebooks' kind of workload, and two
larger ones for comparison, with 1, 2, 4, 8 and 16 threads, each in a fresh process on the CPU, and
prints the best of three wall times in seconds (the runs of one count share a process).

    python benchmarks/threads.py            # every thread count up to the machine's cores
    python benchmarks/threads.py 2 16       # only these thread counts

Why the cap is 4 (course_utils.device.THREAD_CAP): a run of lecture 05 in Jupyter took 34.7 s
with torch's default of 16 threads on a 16-core machine, against 19.7 s on 2 cores. Each of the
course's operations is far too small for sharing it between threads to pay (torch's element-wise
kernels do not even split below about 32,000 elements, but its matrix products do), so extra
threads mostly add the cost of waking them; 4 keeps enough for the few larger operations a
student may try. COURSE_THREADS=N overrides it.

Results on the course's 2-core machine (x86-64, Python 3.11, torch 2.13.0 CPU; best of 3,
seconds; 2026-11-23, other jobs kept the machine busy, load average 2 to 3 during this run):

    workload      1 thr    2 thr    4 thr   16 thr
    mlp_05         0.69     7.48     0.97     3.99
    poly_04        0.06     2.81     0.20     0.07
    scalar_01      1.49     1.04     1.42     1.69
    mlp_wide       0.35     0.65     0.19     0.49
    matmul         0.39     0.21     0.24     0.24

What it shows: when the cores are not all free, a thread pool on tiny tensors is a gamble (the
1,500-step MLP took 0.69 s with one thread and 7.48 s with two, in a second run 1.94 s and
11.06 s), while the 1,024 x 1,024 product does gain from a second thread (0.39 s to 0.21 s). So the
course caps rather than forces one thread, and `make` runs the tests with OMP_NUM_THREADS=1.

Still to measure: the same table on a quiet 16-core machine (1, 2, 4, 8, 16 threads), to check
that 4 is as fast as 16 for the larger workloads and faster for the tiny ones; no such machine
was available when the cap was chosen.
"""

import json
import os
import subprocess
import sys
import time

WORKLOADS = {
    "mlp_05": "tiny: notebook 05's 1-20-20-1 ReLU MLP, 200 points, Adam, 1,500 steps",
    "poly_04": "tiny: notebook 04's cubic on 2,000 points, SGD, 1,000 steps",
    "scalar_01": "tiny: 20,000 scalar autograd graphs with backward (notebooks 01-02)",
    "mlp_wide": "larger: 784-512-512-10 MLP, batch 1,024, Adam, 10 steps",
    "matmul": "larger: 1,024 x 1,024 matmul, 30 times",
}


def _run_workload(name):
    import torch
    from torch import nn

    torch.manual_seed(0)
    start = time.perf_counter()
    if name == "mlp_05":
        x = torch.linspace(-2, 2, 200).reshape(-1, 1)
        y = x**2 + 0.1 * torch.randn_like(x)
        model = nn.Sequential(nn.Linear(1, 20), nn.ReLU(), nn.Linear(20, 20), nn.ReLU(), nn.Linear(20, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(1500):
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            loss.item()
    elif name == "poly_04":
        x = torch.linspace(-3.14, 3.14, 2000)
        y = torch.sin(x)
        coefficients = torch.zeros(4, requires_grad=True)
        powers = torch.stack([x**k for k in range(4)], dim=1)
        for _ in range(1000):
            loss = ((powers @ coefficients - y) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                coefficients -= 1e-3 * coefficients.grad
                coefficients.grad.zero_()
    elif name == "scalar_01":
        for i in range(20000):
            a = torch.tensor(float(i % 7), requires_grad=True)
            b = torch.tensor(2.0, requires_grad=True)
            (a * b + torch.sin(a) * b**2).backward()
    elif name == "mlp_wide":
        x = torch.randn(1024, 784)
        y = torch.randint(0, 10, (1024,))
        layers = [nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)]
        model = nn.Sequential(*layers)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        for _ in range(10):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
    elif name == "matmul":
        a = torch.randn(1024, 1024)
        for _ in range(30):
            a @ a
    else:
        raise ValueError(f"unknown workload {name!r}; choose one of {', '.join(WORKLOADS)}")
    return time.perf_counter() - start


def _child(name, threads, repeats):
    import torch

    torch.set_num_threads(threads)
    best = min(_run_workload(name) for _ in range(repeats))
    print(json.dumps({"seconds": best, "threads": torch.get_num_threads()}))


def measure(name, threads, repeats=3):
    """Best of ``repeats`` wall times of workload ``name``, in a fresh process with ``threads`` threads."""
    environment = dict(os.environ, CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS=str(threads))
    output = subprocess.run(
        [sys.executable, __file__, "--child", name, str(threads), str(repeats)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])["seconds"]


def main(argv):
    if argv[:1] == ["--child"]:
        _child(argv[1], int(argv[2]), int(argv[3]))
        return
    cores = os.cpu_count() or 1
    counts = [int(a) for a in argv] or [n for n in (1, 2, 4, 8, 16) if n <= cores]
    print(f"{cores} cores; best of 3 wall times in seconds")
    print(f"{'workload':10s} " + " ".join(f"{n:>4d} thr" for n in counts))
    for name in WORKLOADS:
        row = [measure(name, n) for n in counts]
        print(f"{name:10s} " + " ".join(f"{t:8.2f}" for t in row), flush=True)
    print()
    for name, description in WORKLOADS.items():
        print(f"{name:10s} {description}")


if __name__ == "__main__":
    main(sys.argv[1:])
