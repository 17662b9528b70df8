"""CPU against GPU: time a matrix product, an MLP training step and host-to-device copies.

Usage: python3 benchmarks/crossover.py [--out notebooks/data/crossover.csv] [--quick]

Run it on a machine with a CUDA GPU to regenerate the recorded curves that lecture 10 draws
(without a GPU it measures the CPU alone). Every time is the median of the blocks measured by
torch.utils.benchmark.Timer, which warms up first and synchronizes CUDA around its timed region.

The CSV starts with lines "# key: value" (device, torch version, date, command, seconds taken),
then one row per measurement:

    task      matmul (n x n times n x n), mlp_step (a training step, see mlp_step) or
              h2d (host-to-device copy of n float32 numbers)
    device    cpu or cuda
    variant   matmul/mlp_step: float32, tf32 or bfloat16 (GPU); h2d: pageable or pinned
    threads   CPU threads torch used (torch.get_num_threads())
    n         the size
    seconds   median time of one operation
    rate      GFLOP/s for matmul and mlp_step, GB/s for h2d
"""

import argparse
import csv
import datetime
import os
import platform
import shlex
import sys
import time
from pathlib import Path

import torch
from torch.utils import benchmark

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "notebooks" / "data" / "crossover.csv"
FIELDS = ["task", "device", "variant", "threads", "n", "seconds", "rate"]

MATMUL_SIZES = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]
MLP_WIDTHS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
MLP_BATCH = 512
H2D_SIZES = [2**k for k in range(10, 29, 3)]  # 1 Ki to 256 Mi float32 numbers (4 KiB to 1 GiB)
CPU_LIMIT = 4096  # larger sizes take seconds per product on a CPU
ONE_THREAD_LIMIT = 1024  # the one-thread curve is about small sizes


def median_seconds(statement, env, min_run_time):
    timer = benchmark.Timer(stmt=statement, globals=env)
    timer.timeit(1)  # warm-up: first call allocates, loads kernels, picks algorithms
    return timer.blocked_autorange(min_run_time=min_run_time).median


def matmul_flops(n):
    return 2.0 * n**3


def mlp_flops(n):
    # Three n x n layers; a training step costs about 6 flops per weight per example
    # (2 forward, 4 backward: gradients of inputs and of weights).
    return 6.0 * MLP_BATCH * 3 * n * n


def make_mlp_step(n, device, dtype):
    """A closure that runs one gradient-descent training step of a 3-layer MLP of width n."""
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(MLP_BATCH, n, generator=generator).to(device=device, dtype=dtype)
    y = torch.randn(MLP_BATCH, n, generator=generator).to(device=device, dtype=dtype)
    model = torch.nn.Sequential(
        torch.nn.Linear(n, n), torch.nn.ReLU(), torch.nn.Linear(n, n), torch.nn.ReLU(), torch.nn.Linear(n, n)
    ).to(device=device, dtype=dtype)

    def step():  # the update of plain gradient descent, written out as lecture 10 does
        model.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        with torch.no_grad():
            for parameter in model.parameters():
                parameter -= 1e-3 * parameter.grad

    return step


def precision(variant):
    """Set float32 matrix products to TF32 or full precision; return the dtype to use."""
    torch.set_float32_matmul_precision("high" if variant == "tf32" else "highest")
    return torch.bfloat16 if variant == "bfloat16" else torch.float32


def record(rows, task, device, variant, threads, n, seconds, rate):
    rows.append([task, device, variant, threads, n, seconds, rate])
    print(f"{task:8s} {device:4s} {variant:8s} threads={threads:2d} n={n:9d} {seconds:.3e} s", flush=True)


def measure_compute(device, variants, threads, min_run_time, sizes, widths, rows):
    for variant in variants:
        dtype = precision(variant)
        for n in sizes:
            a = torch.randn(n, n).to(device=device, dtype=dtype)
            b = torch.randn(n, n).to(device=device, dtype=dtype)
            seconds = median_seconds("a @ b", {"a": a, "b": b}, min_run_time)
            record(rows, "matmul", device, variant, threads, n, seconds, matmul_flops(n) / seconds / 1e9)
        for n in widths:
            step = make_mlp_step(n, device, dtype)
            seconds = median_seconds("step()", {"step": step}, min_run_time)
            record(rows, "mlp_step", device, variant, threads, n, seconds, mlp_flops(n) / seconds / 1e9)
    precision("float32")


def measure_transfers(threads, min_run_time, rows):
    for variant in ["pageable", "pinned"]:
        for n in H2D_SIZES:
            host = torch.randn(n)
            if variant == "pinned":
                host = host.pin_memory()
            seconds = median_seconds("host.to('cuda')", {"host": host}, min_run_time)
            record(rows, "h2d", "cuda", variant, threads, n, seconds, 4.0 * n / seconds / 1e9)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV to write")
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs (a smoke test)")
    args = parser.parse_args()
    start = time.perf_counter()
    min_run_time = 0.02 if args.quick else 0.2
    sizes = [n for n in MATMUL_SIZES if n <= 256] if args.quick else MATMUL_SIZES
    widths = [n for n in MLP_WIDTHS if n <= 256] if args.quick else MLP_WIDTHS
    all_threads = torch.get_num_threads()

    rows = []
    for threads in sorted({1, all_threads}):
        limit = ONE_THREAD_LIMIT if threads == 1 else CPU_LIMIT
        cpu_sizes = [n for n in sizes if n <= limit]
        cpu_widths = [n for n in widths if n <= limit]
        torch.set_num_threads(threads)
        measure_compute("cpu", ["float32"], threads, min_run_time, cpu_sizes, cpu_widths, rows)
    torch.set_num_threads(all_threads)
    has_cuda = torch.cuda.is_available()
    if has_cuda:
        variants = ["float32", "tf32"]
        if torch.cuda.is_bf16_supported():
            variants.append("bfloat16")
        measure_compute("cuda", variants, all_threads, min_run_time, sizes, widths, rows)
        measure_transfers(all_threads, min_run_time, rows)

    meta = {
        "device": torch.cuda.get_device_name() if has_cuda else "none (CPU only)",
        "cpu": f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical cores",
        "torch": torch.__version__,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python3 " + " ".join(shlex.quote(arg) for arg in sys.argv),
        "seconds_taken": f"{time.perf_counter() - start:.0f}",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as handle:
        for key, value in meta.items():
            handle.write(f"# {key}: {value}\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FIELDS)
        for task, device, variant, threads, n, seconds, rate in rows:
            writer.writerow([task, device, variant, threads, n, f"{seconds:.6e}", f"{rate:.4g}"])
    print(f"wrote {len(rows)} rows to {args.out} in {meta['seconds_taken']} s")


if __name__ == "__main__":
    main()
