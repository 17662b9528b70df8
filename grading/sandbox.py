"""Run one notebook's code cells in a kernel the grader does not trust, and report what happened.

Each kernel runs in a bubblewrap (``bwrap``) sandbox started by the grader:

- its own mount namespace: read-only the Python install, the virtual environment and the
  ``course_utils`` and ``grading`` packages (mounted at ``/opt/course``), a small writable tmpfs
  for ``/tmp`` and for the working folder ``/home/student`` (the submission's other files are
  mounted there read-only), and the folder with the kernel's sockets. Nothing else of the host:
  no course folder, no solutions, no gradebook, no other submission, no home folder, no .git;
- no network (its own network namespace: the grader talks to the kernel over Unix sockets),
  its own PID, IPC and UTS namespaces, a new session (no terminal), an empty environment;
- a user of its own (uid 60000 + the grading slot when the grader runs as root, without any
  capability), with limits on processes and threads (``RLIMIT_NPROC``), address space
  (``RLIMIT_AS``), file size and open files;
- every process of it dies when grading of the notebook ends: the grader kills the sandbox,
  whose PID namespace takes all its processes down with it (also those that detached).

The grader sends one cell at a time and keeps, per code cell, whether it ran without an error
and the check records it published (``grading.checks``). Everything that comes back is
untrusted: only records are kept, each size-limited, and the other outputs are counted and
dropped. A cell runs at most ``cell_timeout`` seconds and the whole notebook at most
``notebook_timeout``; a kernel that dies, ignores an interrupt or runs out of time stops the run.
"""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

import grading
from grading.checks import RECORD_ENV, RECORD_MIME

BWRAP = "bwrap"
INSIDE_PACKAGES = "/opt/course"
INSIDE_HOME = "/home/student"
INSIDE_KERNEL = "/run/kernel"
FIRST_UID = 60000

MAX_RECORDS_PER_CELL = 200
MAX_RECORD_BYTES = 64_000
MAX_MESSAGE_BYTES = 4_000_000  # one message from the kernel, larger ones are dropped
MAX_ENAME = 60


class SandboxError(Exception):
    """The sandbox cannot be started; the message says why and what to do."""


@dataclass
class Limits:
    """What one submission may use."""

    cell_timeout: float = 30.0
    notebook_timeout: float = 300.0
    interrupt_grace: float = 5.0
    memory_mb: int = 4096  # address space of each process
    processes: int = 128  # processes and threads of the sandbox's user
    file_mb: int = 64  # size of one file written
    tmp_mb: int = 128  # the writable tmpfs folders (each)
    startup_timeout: float = 120.0


# -- the sandbox ---------------------------------------------------------------------------------
def package_dirs():
    """The folders of the packages a kernel imports from the course: course_utils, grading."""
    import importlib.util

    dirs = {"grading": Path(grading.__file__).resolve().parent}
    spec = importlib.util.find_spec("course_utils")
    if spec is not None and spec.origin:
        dirs["course_utils"] = Path(spec.origin).resolve().parent
    return dirs


def python_dirs():
    """The Python install and the virtual environment the grader runs in (read-only inside)."""
    dirs = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    return sorted(d for d in dirs if not str(d).startswith("/usr"))


def missing_bwrap_message():
    return (
        "the grading sandbox needs bubblewrap (`bwrap`), which is not installed. Install it "
        "(Debian/Ubuntu: `apt-get install -y bubblewrap`) and run again. To grade without a "
        "sandbox on a machine you trust with every submission, run `make autograde UNSANDBOXED=1`: "
        "student code then runs with your rights and can read solutions and change grades."
    )


def _dir_chain(path):
    """``--dir`` arguments for every parent of ``path`` (world-traversable inside)."""
    args = []
    parents = list(reversed(Path(path).parents))[1:]  # without "/"
    for parent in parents:
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


def bwrap_command(conn_dir, files, slot, limits, argv, env):
    """The command that runs ``argv`` in a sandbox (see the module docstring)."""
    args = [
        BWRAP, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
        "--ro-bind", "/usr", "/usr",
    ]  # fmt: skip
    for name in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / name
        if target.is_symlink():
            args += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            args += ["--ro-bind", str(target), str(target)]
    # /tmp first: a course (or its environment) kept under /tmp is bound on top of it below.
    size = str(limits.tmp_mb * 1024 * 1024)
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
    for folder in python_dirs():
        args += _dir_chain(folder) + ["--ro-bind", str(folder), str(folder)]
    args += ["--perms", "0755", "--dir", INSIDE_PACKAGES]
    for name, folder in package_dirs().items():
        args += ["--ro-bind", str(folder), f"{INSIDE_PACKAGES}/{name}"]
    args += ["--perms", "0755", "--dir", "/home"]
    args += ["--perms", "1777", "--size", size, "--tmpfs", INSIDE_HOME]
    for path in files:
        args += ["--ro-bind", str(path), f"{INSIDE_HOME}/{path.name}"]
    args += _dir_chain(INSIDE_KERNEL) + ["--bind", str(conn_dir), INSIDE_KERNEL]
    for key, value in env.items():
        args += ["--setenv", key, value]
    args += ["--chdir", INSIDE_HOME]
    if os.geteuid() == 0:
        # Root outside: switch to a user of our own, so that the process limit applies (it
        # does not to root) and no capability is left.
        uid = str(FIRST_UID + slot)
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                 "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]  # fmt: skip
    else:
        args += ["--unshare-user", "--"]
    mb = 1024 * 1024
    args += [
        "/usr/bin/prlimit",
        f"--nproc={limits.processes}",
        f"--as={limits.memory_mb * mb}",
        f"--fsize={limits.file_mb * mb}",
        "--nofile=256",
        "--core=0",
        "--",
        *argv,
    ]
    return args


def kernel_env(python_bin):
    return {
        "PATH": f"{python_bin}:/usr/bin:/bin",
        "HOME": INSIDE_HOME,
        "USER": "student",  # getpass.getuser() without an /etc/passwd
        "LOGNAME": "student",
        "PYTHONPATH": INSIDE_PACKAGES,
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        "COURSE_DEVICE": "cpu",
        "LANG": "C.UTF-8",
        RECORD_ENV: "1",
    }


def check_sandbox(limits=None):
    """Raise SandboxError unless a sandboxed Python starts here (bwrap installed and usable)."""
    if shutil.which(BWRAP) is None:
        raise SandboxError(missing_bwrap_message())
    for tool in ("/usr/bin/prlimit", "/usr/bin/setpriv"):
        if not Path(tool).exists():
            raise SandboxError(f"the grading sandbox needs {tool} (Debian package util-linux)")
    limits = limits or Limits()
    with tempfile.TemporaryDirectory() as scratch:
        python = str(Path(sys.executable))
        command = bwrap_command(
            scratch, [], 0, limits, [python, "-c", "import grading.checks, course_utils"],
            kernel_env(str(Path(sys.executable).parent)),
        )
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise SandboxError(
            "the grading sandbox (bubblewrap) cannot start on this machine:\n"
            + result.stderr.strip()[-2000:]
            + "\nFix it (bwrap needs user or mount namespaces), or grade without a sandbox on a "
            "machine you trust with every submission: `make autograde UNSANDBOXED=1`."
        )


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel inside the sandbox; the grader talks to it over Unix sockets."""

    def setup_sandbox(self, conn_dir, files, slot, limits):
        self._sandbox = (Path(conn_dir), list(files), slot, limits)
        self.transport = "ipc"
        self.ip = str(Path(conn_dir) / "k")
        self.connection_file = str(Path(conn_dir) / "grader.json")

    def format_kernel_cmd(self, extra_arguments=None):
        conn_dir, files, slot, limits = self._sandbox
        info = self.get_connection_info(session=False)
        info = {key: (value.decode() if isinstance(value, bytes) else value)
                for key, value in info.items()}
        info["ip"] = f"{INSIDE_KERNEL}/k"
        inside = conn_dir / "kernel.json"
        inside.write_text(json.dumps(info))
        inside.chmod(0o644)
        python = sys.executable
        argv = [python, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                "-f", f"{INSIDE_KERNEL}/kernel.json", "--HistoryManager.enabled=False"]
        env = kernel_env(str(Path(python).parent))
        return bwrap_command(conn_dir, files, slot, limits, argv, env)


class PlainKernelManager(AsyncKernelManager):
    """No sandbox (UNSANDBOXED=1): the kernel runs with the grader's rights."""

    def setup_sandbox(self, conn_dir, files, slot, limits):
        self._workdir = Path(conn_dir) / "work"
        self._workdir.mkdir()
        for path in files:
            if path.is_dir():
                shutil.copytree(path, self._workdir / path.name)
            else:
                shutil.copy(path, self._workdir / path.name)

    def format_kernel_cmd(self, extra_arguments=None):
        return [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file,
                "--HistoryManager.enabled=False"]


_SLOT_LOCK = None


def claim_slot():
    """A sandbox user of our own for this process (uid FIRST_UID + slot), not used by any other
    grading process on the machine: the process limit counts per user, so two sandboxes must
    never share one (a fork storm in one would starve the other)."""
    global _SLOT_LOCK
    import fcntl

    folder = Path(tempfile.gettempdir()) / "grading-sandbox-users"
    folder.mkdir(mode=0o700, exist_ok=True)
    for slot in range(1000):
        handle = open(folder / str(slot), "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _SLOT_LOCK = handle  # held until this process ends
        return slot
    raise SandboxError("no free sandbox user: 1000 grading sandboxes are running")


# -- running a notebook --------------------------------------------------------------------------
def _short_name(value):
    text = value if isinstance(value, str) else ""
    if len(text) <= MAX_ENAME and all(ch.isalnum() or ch in "_." for ch in text) and text:
        return text
    return "Error"


def clean_record(data):
    """A record from the sandbox, or None when it is not a well-formed, small record."""
    try:
        text = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None
    if len(text) > MAX_RECORD_BYTES:
        return None
    record = json.loads(text)
    if not isinstance(record, dict) or not isinstance(record.get("check"), str):
        return None
    if not isinstance(record.get("what"), str):
        return None
    return {key: record.get(key) for key in ("check", "what", "observed", "tol", "bound")}


class _Client(NotebookClient):
    """nbclient's executor that keeps only check records and the reply status of each cell."""

    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.records = {}
        self.replies = {}
        self.dropped_bytes = 0

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content") or {}
        data = content.get("data") if isinstance(content, dict) else None
        if msg.get("msg_type") == "display_data" and isinstance(data, dict) and RECORD_MIME in data:
            found = self.records.setdefault(cell_index, [])
            record = clean_record(data[RECORD_MIME])
            if len(found) < MAX_RECORDS_PER_CELL:
                found.append(record)  # None marks a malformed record: it matches nothing
            return None
        self.dropped_bytes += len(str(content)[:MAX_MESSAGE_BYTES])
        return None  # other outputs are neither kept nor trusted

    def clear_output(self, outs, msg, cell_index):
        return None

    async def _check_raise_for_error(self, cell, cell_index, exec_reply):
        content = (exec_reply or {}).get("content") or {}
        status = content.get("status") if isinstance(content, dict) else None
        self.replies[cell_index] = (status, _short_name(content.get("ename")))


async def _interrupt_and_wait(client, seconds):
    """Interrupt the kernel; whether it answers a kernel_info request within ``seconds``."""
    kc = client.kc
    kc.control_channel.send(kc.session.msg("interrupt_request", content={}))
    request = kc.kernel_info()
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            reply = await kc.shell_channel.get_msg(timeout=left)
            if reply["parent_header"].get("msg_id") == request:
                return True
    except Empty:
        return False


async def _run(cells, files, limits, slot, sandboxed):
    results = [None] * len(cells)
    stopped = None
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    with tempfile.TemporaryDirectory(prefix="grading-") as scratch:
        conn_dir = Path(scratch) / "kernel"
        conn_dir.mkdir()
        km_class = SandboxKernelManager if sandboxed else PlainKernelManager
        km = km_class(kernel_name="python3")
        km.setup_sandbox(conn_dir, files, slot, limits)
        if sandboxed and os.geteuid() == 0:
            os.chown(conn_dir, FIRST_UID + slot, FIRST_UID + slot)  # the kernel makes its sockets
        resources = {"metadata": {"path": str(getattr(km, "_workdir", scratch))}}
        extra_env = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if not sandboxed:
            extra_env["env"] = dict(os.environ, **{RECORD_ENV: "1"})
        client = _Client(nb, km=km, timeout=limits.cell_timeout, allow_errors=True,
                         startup_timeout=limits.startup_timeout, record_timing=False,
                         interrupt_on_timeout=False, iopub_timeout=4, resources=resources)
        deadline = time.monotonic() + limits.notebook_timeout
        try:
            async with client.async_setup_kernel(**extra_env):
                if sandboxed and os.geteuid() == 0:
                    os.chown(conn_dir, 0, 0)  # sockets made: nothing more may be written there
                    conn_dir.chmod(0o755)
                for index, cell in enumerate(nb.cells):
                    left = deadline - time.monotonic()
                    if stopped is None and left < 1:
                        stopped = f"the notebook ran past its {limits.notebook_timeout:.0f} s limit"
                    if stopped is not None:
                        results[index] = {"status": "stopped", "ename": None, "records": []}
                        continue
                    client.timeout = max(1, int(min(limits.cell_timeout, left)))
                    status, ename = "ok", None
                    try:
                        await client.async_execute_cell(cell, index, store_history=True)
                        reply, ename = client.replies.get(index, (None, None))
                        if reply != "ok":
                            status = "error"
                        else:
                            ename = None
                    except CellTimeoutError:
                        status, ename = "timeout", "CellTimeoutError"
                        if not await _interrupt_and_wait(client, limits.interrupt_grace):
                            stopped = "the kernel ignored the interrupt after a cell ran too long"
                    except DeadKernelError:
                        status, ename = "stopped", "DeadKernelError"
                        stopped = "the kernel stopped (exit, crash or out of memory)"
                    except Exception as error:  # noqa: BLE001 (bad messages: stop this kernel)
                        status, ename = "stopped", _short_name(type(error).__name__)
                        stopped = f"the kernel sent what the grader cannot accept ({ename})"
                    results[index] = {"status": status, "ename": ename,
                                      "records": client.records.get(index, [])}
        except Exception as error:  # noqa: BLE001 (whatever the kernel did, grading goes on)
            stopped = stopped or f"the kernel could not start or stopped: {error}"[:500]
        finally:
            try:
                await client._async_cleanup_kernel()
            except Exception:  # noqa: BLE001 (the kernel is being killed anyway)
                pass
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
    for index, result in enumerate(results):
        if result is None:
            results[index] = {"status": "stopped", "ename": None, "records": []}
    return {"cells": results, "stopped": stopped, "dropped_bytes": client.dropped_bytes}


def run_cells(cells, files=(), limits=None, slot=None, sandboxed=True):
    """Run the code ``cells`` (sources) in order in a fresh kernel; return what happened.

    ``{"cells": [{"status": "ok"|"error"|"timeout"|"stopped", "ename": str|None,
    "records": [record or None, ...]}, ...], "stopped": reason or None}``, one entry per cell.
    ``files`` are host paths mounted read-only into the kernel's working folder.
    """
    if slot is None:
        slot = claim_slot() if _SLOT_LOCK is None else int(Path(_SLOT_LOCK.name).name)
    return asyncio.run(_run(list(cells), [Path(f) for f in files], limits or Limits(), slot,
                            sandboxed))
