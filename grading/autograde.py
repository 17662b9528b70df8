"""`make autograde`: run every submission in a sandbox, compare, then let nbgrader record it.

Phase 1 (this module, the trusted grader process and its worker processes):

1. per assignment, the instructor's solution runs once in a sandboxed *reference* kernel with
   check recording on (cached in ``.grading-cache/`` until the solution or the checker
   changes); every graded test cell must run cleanly and record at least one check;
2. each submission is restored (RestoreCells: the read-only cells and hidden tests from the
   gradebook) and its code cells run in a sandbox of its own (``grading.sandbox``), ``JOBS``
   at a time; the kernel never sees the reference;
3. per test cell, the verdict: passed iff the cell ran without an error and its list of check
   records matches the reference's (``grading.checks.matches``), else the ``what`` of the first
   check that differs. Verdicts go to a scratch folder, one JSON file per submission.

Phase 2: ``nbgrader autograde`` with ``InjectResults`` in place of running code writes
autograded/ and the gradebook (one process, the only writer), as stock nbgrader would. It starts
as soon as the references are in and takes each verdict when it is written.
"""

import hashlib
import json
import multiprocessing
import shutil
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from grading.checks import matches
from grading.preprocessors import RestoreCells, grade_id_of, is_test_cell
from grading.sandbox import Limits, SandboxError, check_sandbox, claim_slot, run_cells

CACHE = ".grading-cache"
DONE = "phase-1-done"  # written into the verdicts folder when every submission has run
MAX_NOTEBOOK_BYTES = 20_000_000


class ConfigurationError(Exception):
    """The instructor's solution or tests cannot serve as the reference."""


def code_cells(nb):
    """[(index in nb.cells, grade_id or None, source)] of the code cells, in order."""
    return [(i, grade_id_of(c), c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def test_ids(nb):
    return [grade_id_of(c) for c in nb.cells if is_test_cell(c)]


def files_beside(notebook_path):
    """The other files of a submission folder (mounted read-only in the sandbox)."""
    folder = Path(notebook_path).parent
    return sorted(p for p in folder.iterdir() if p.suffix != ".ipynb" and not p.is_symlink())


# -- the reference ---------------------------------------------------------------------------------
def reference_key(source_path):
    digest = hashlib.sha256(Path(source_path).read_bytes())
    digest.update((Path(__file__).parent / "checks.py").read_bytes())
    return digest.hexdigest()


def run_reference(source_path, limits, sandboxed, slot=None):
    """{grade_id: [record, ...]} of every test cell of the solution notebook, or a list of
    configuration problems."""
    nb = nbformat.read(source_path, as_version=4)
    cells = code_cells(nb)
    outcome = run_cells([source for _, _, source in cells], files_beside(source_path), limits,
                        slot, sandboxed)
    tests, problems = {}, []
    for (_, grade_id, _), result in zip(cells, outcome["cells"], strict=True):
        cell = next(c for c in nb.cells if grade_id_of(c) == grade_id) if grade_id else None
        if cell is None or not is_test_cell(cell):
            if result["status"] != "ok":
                where = f"cell '{grade_id}'" if grade_id else "a code cell"
                problems.append(f"{where} fails in the solution ({result['ename']})")
            continue
        if result["status"] != "ok":
            problems.append(f"test cell '{grade_id}' fails on the solution ({result['ename']})")
        elif not result["records"] or any(r is None for r in result["records"]):
            problems.append(f"test cell '{grade_id}' makes no check (every graded test cell "
                            "must call check.* at least once)")
        tests[grade_id] = result["records"]
    return {"tests": tests, "problems": problems}


def reference(root, assignment, notebook, limits, sandboxed, pool):
    """The cached reference of one notebook (a future when ``pool`` must compute it)."""
    source = Path(root) / "solutions" / assignment / f"{notebook}.ipynb"
    cache = Path(root) / CACHE / "reference" / f"{assignment}-{notebook}.json"
    key = reference_key(source)
    if cache.is_file():
        saved = json.loads(cache.read_text())
        if saved.get("key") == key and not saved["problems"]:
            return saved
    return pool.submit(_reference_job, str(source), str(cache), key, limits, sandboxed)


def _reference_job(source, cache, key, limits, sandboxed):
    found = run_reference(source, limits, sandboxed, _SLOT)
    found["key"] = key
    Path(cache).parent.mkdir(parents=True, exist_ok=True)
    Path(cache).write_text(json.dumps(found))
    return found


# -- one submission -------------------------------------------------------------------------------
def restored(config, db_url, assignment, student, path):
    """The submission with the instructor's cells and flags restored (hidden tests included)."""
    if Path(path).stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError("the notebook file is larger than 20 MB")
    nb = nbformat.read(path, as_version=4)
    resources = {"nbgrader": {"db_url": db_url, "notebook": Path(path).stem,
                              "assignment": assignment, "student": student}}
    nb, _ = RestoreCells(config=config).preprocess(nb, resources)
    return nb


def compare(result, wanted):
    """(passed, message) for one test cell: its run ``result`` against the reference records."""
    got = result["records"] if result else []
    first_difference = None
    for index, record in enumerate(wanted):
        try:
            same = index < len(got) and matches(got[index], record)
        except (TypeError, KeyError, ValueError, OverflowError):
            same = False
        if not same:
            first_difference = record.get("what", "?")
            break
    status = result["status"] if result else "stopped"
    if status != "ok":
        why = {"timeout": "it ran past the time limit", "stopped": "the kernel had stopped"}.get(
            status) or f"it raised {result.get('ename') or 'an error'}"
        extra = f"; the first check that differs: {first_difference}" if first_difference else ""
        return False, f"This test cell did not run to the end: {why}{extra}."
    if first_difference is not None:
        return False, f"Does not match the reference answer: {first_difference}"
    if len(got) != len(wanted):
        return False, "This test cell made other checks than the reference run."
    return True, f"Passed: all {len(wanted)} check(s) match the reference answer."


def _grade_job(config, db_url, assignment, student, path, wanted, limits, sandboxed, out):
    try:
        nb = restored(config, db_url, assignment, student, path)
    except Exception as error:  # noqa: BLE001 (a damaged file; nbgrader reports it in phase 2)
        return f"{student}: could not read {Path(path).name}: {error}"[:300]
    cells = code_cells(nb)
    outcome = run_cells([source for _, _, source in cells], files_beside(path), limits, _SLOT,
                        sandboxed)
    by_id = {grade_id: result for (_, grade_id, _), result in
             zip(cells, outcome["cells"], strict=True) if grade_id}
    tests = {}
    for grade_id in test_ids(nb):
        passed, message = compare(by_id.get(grade_id), wanted.get(grade_id, []))
        tests[grade_id] = {"passed": passed, "message": message}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    partial = Path(out).with_suffix(".partial")
    partial.write_text(json.dumps({"tests": tests, "stopped": outcome["stopped"]}))
    partial.rename(out)  # whole or not at all: phase 2 may be waiting for it
    return None


_SLOT = None


def _nothing(_):
    return None


def _take_slot():
    global _SLOT
    _SLOT = claim_slot()


def limits_from(config):
    limits = Limits()
    execute = config.Execute
    limits.cell_timeout = float(execute.get("timeout", 30) or 30)
    limits.startup_timeout = float(execute.get("startup_timeout", 120) or 120)
    sandbox = config.get("Sandbox", {})
    for name in ("notebook_timeout", "memory_mb", "processes", "file_mb", "tmp_mb",
                 "interrupt_grace"):
        if name in sandbox:
            setattr(limits, name, type(getattr(limits, name))(sandbox[name]))
    return limits


def run_all(root, config, work, jobs, sandboxed, record=None):
    """Phase 1 for every (assignment, student, notebook path) in ``work``.

    Once the references are in, ``record(verdicts_dir)`` (phase 2, nbgrader) is started in a
    thread: it takes each verdict as soon as it is written (InjectResults waits for it), so the
    gradebook fills while later submissions still run. Returns (verdicts_dir, problems,
    what ``record`` returned)."""
    root = Path(root).resolve()
    db_url = config.CourseDirectory.db_url
    limits = limits_from(config)
    config.RestoreCells.course_root = str(root)
    (root / CACHE).mkdir(exist_ok=True)
    context = multiprocessing.get_context("fork")
    results_dir = Path(tempfile.mkdtemp(prefix="verdicts-", dir=root / CACHE))
    problems, config_errors, recorded = [], [], []
    work = sorted(work, key=lambda item: (item[0], item[1], str(item[2])))  # nbgrader's order
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_take_slot) as pool:
        references = {}
        for assignment, _, path in work:
            key = (assignment, Path(path).stem)
            if key not in references:
                references[key] = reference(root, *key, limits, sandboxed, pool)
        for key, found in list(references.items()):
            found = found.result() if hasattr(found, "result") else found
            references[key] = found
            config_errors += [f"{key[0]}: {problem}" for problem in found["problems"]]
        if config_errors:
            raise ConfigurationError(
                "the solution cannot serve as the reference, so nothing was graded:\n"
                + "\n".join(config_errors)
            )
        # Every worker is forked now, before the recording thread exists: a process forked
        # while another thread holds a lock can hang for ever.
        for _ in pool.map(_nothing, range(jobs)):
            pass
        thread = None
        if record is not None:
            thread = threading.Thread(target=lambda: recorded.append(record(results_dir)))
            thread.start()
        try:
            futures = []
            for assignment, student, path in work:
                wanted = references[(assignment, Path(path).stem)]["tests"]
                out = results_dir / assignment / student / f"{Path(path).stem}.json"
                futures.append(pool.submit(_grade_job, config, db_url, assignment, student,
                                           str(path), wanted, limits, sandboxed, str(out)))
            problems = [f.result() for f in futures]
        finally:
            (results_dir / DONE).touch()  # phase 2 stops waiting for verdicts that never come
            if thread is not None:
                thread.join()
    return results_dir, [p for p in problems if p], (recorded[0] if recorded else None)


def prepare(root, unsandboxed):
    """Check the sandbox; returns whether grading runs sandboxed (prints the mode each run)."""
    if unsandboxed:
        print("WARNING: grading WITHOUT a sandbox (UNSANDBOXED=1): student code runs with your "
              "rights and can read the solutions and change any grade.")
        return False
    try:
        check_sandbox()
    except SandboxError as error:
        raise SandboxError(f"refusing to grade: {error}") from None
    print("grading in a sandbox (bubblewrap): no network, no course files, limits on time, "
          "memory and processes")
    return True


def cleanup(results_dir):
    shutil.rmtree(results_dir, ignore_errors=True)


