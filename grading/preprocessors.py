"""The autograder's extra steps; nbgrader_config.py puts them into `nbgrader autograde`.

Each class closes a hole that nbgrader 0.9.6 leaves open (each was reproduced with the stock
configuration before it was fixed; tests/test_grading_cheats.py keeps them closed):

- ``RestoreCells`` (sanitize): the instructor's cells and their nbgrader flags come from the
  gradebook, and deleted read-only cells are put back.
- ``CheckAnswers`` (before running): a submission whose code changes what the tests rely on
  gets no autograded points and is not run (rules in ``grading.answers``).
- ``GradingExecute`` (running): a submission whose kernel dies or hangs gets zero autograded
  points, recorded in the gradebook, and grading goes on with the next one.
- ``SaveGrades`` (saving): a test cell earns all of its points when it runs without an error
  and none otherwise.
"""

from queue import Empty

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import (
    Execute,
    NbGraderPreprocessor,
    OverwriteCells,
    SaveAutoGrades,
)
from traitlets import Integer

from grading.answers import find_problems


def is_test_cell(cell):
    """An autograded test cell: a code grade cell that is not the student's answer."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def fail_test_cells(nb, ename, message):
    """Give every test cell of ``nb`` an error output, so that it earns no points."""
    for cell in nb.cells:
        if is_test_cell(cell):
            cell.outputs.append(
                new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])
            )


def grade_id_of(cell):
    """The cell's grade_id, or None (also when a student left the metadata malformed)."""
    meta = cell.metadata.get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def source_notebook(gradebook, resources):
    info = resources["nbgrader"]
    return gradebook.find_notebook(info["notebook"], info["assignment"])


class RestoreCells(OverwriteCells):
    """Restore the instructor's cells from the gradebook before a submission is graded.

    nbgrader's OverwriteCells puts back the source, type, read-only flag and points of every
    cell it recognises by its grade_id. This step also:
    - takes every nbgrader flag (grade, solution, task, locked, points) from the gradebook.
      Stock nbgrader stops grading the whole notebook with an error when a student turned off
      `grade` or turned on `solution` in a test cell, or renamed its grade_id;
    - turns a cell with an unknown grade_id or malformed metadata, or an earlier copy of a cell
      with the same grade_id, into a plain student cell (stock nbgrader stops on malformed
      metadata);
    - puts a deleted (or renamed) read-only cell back after the cell that preceded it: test
      cells, so that their tests still run (stock nbgrader leaves their points to manual
      grading), and the setup cell, so that `check` is always the course's checker;
    - moves the setup cell above every code cell a student added before it, so that no student
      code runs before the checker takes its references.
    """

    def preprocess(self, nb, resources):
        with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
            notebook = source_notebook(gradebook, resources)
            source_cells = list(notebook.source_cells)
            self.flags = {cell.name: self.flags_of(cell, notebook) for cell in source_cells}
            self.restore_flags(nb)
            self.put_back_missing_cells(nb, source_cells)
            self.run_setup_first(nb, source_cells)
        return super().preprocess(nb, resources)

    @staticmethod
    def flags_of(source_cell, notebook):
        name = source_cell.name
        points = {cell.name: cell.max_score for cell in notebook.grade_cells}
        flags = {
            "grade": name in points,
            "grade_id": name,
            "locked": bool(source_cell.locked),
            "schema_version": 3,
            "solution": name in {cell.name for cell in notebook.solution_cells},
            "task": name in {cell.name for cell in notebook.task_cells},
        }
        if flags["grade"]:
            flags["points"] = float(points[name])
        return flags

    def restore_flags(self, nb):
        seen = set()
        for cell in reversed(nb.cells):  # of repeated cells the last one counts, as in nbgrader
            grade_id = grade_id_of(cell)
            if grade_id is None:
                cell.metadata.pop("nbgrader", None)
            elif grade_id not in self.flags or grade_id in seen:
                self.log.warning("Cell '%s' is unknown or repeated: graded as plain code", grade_id)
                del cell.metadata["nbgrader"]
            else:
                seen.add(grade_id)
                cell.metadata["nbgrader"] = dict(self.flags[grade_id])

    def put_back_missing_cells(self, nb, source_cells):
        position = 0
        for source in source_cells:
            present = [i for i, cell in enumerate(nb.cells) if grade_id_of(cell) == source.name]
            if present:
                position = present[0] + 1
            elif source.locked or self.flags[source.name]["grade"]:
                self.log.warning("Cell '%s' is missing: put back from the gradebook", source.name)
                nb.cells.insert(position, self.rebuild(source, nb))
                position += 1

    def run_setup_first(self, nb, source_cells):
        """Move the read-only code cells that precede the first answer (the setup cell) above
        every other code cell: code a student put above them would run before the checker is
        made and could replace what it keeps."""
        setup_ids = []
        for source in source_cells:
            if self.flags[source.name]["solution"]:
                break
            if source.locked and source.cell_type == "code":
                setup_ids.append(source.name)
        setup = [cell for cell in nb.cells if grade_id_of(cell) in setup_ids]
        for cell in setup:
            nb.cells.remove(cell)
        code = [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
        position = code[0] if code else len(nb.cells)
        nb.cells[position:position] = setup

    def rebuild(self, source, nb):
        make = new_code_cell if source.cell_type == "code" else new_markdown_cell
        cell = make(source.source)
        cell.metadata["nbgrader"] = dict(self.flags[source.name], checksum=source.checksum)
        if nb.nbformat_minor < 5:
            cell.pop("id", None)
        return cell


class CheckAnswers(NbGraderPreprocessor):
    """Refuse a submission whose code changes what the tests rely on (see grading.answers).

    Every code cell that is not one of the instructor's read-only cells is checked before
    anything runs. When a cell breaks a rule, every test cell of the notebook gets an error
    output that lists the problems (the student sees it in the feedback, the instructor in the
    log), the notebook is not run, and so it earns no autograded points. Written answers are
    still graded by hand.
    """

    def preprocess(self, nb, resources):
        with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
            cells = source_notebook(gradebook, resources).source_cells
            trusted = {cell.source for cell in cells if cell.locked and cell.cell_type == "code"}
        problems = []
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code" or cell.source in trusted:
                continue
            grade_id = grade_id_of(cell)
            where = f"answer cell '{grade_id}'" if grade_id else f"cell {number}"
            problems += [f"{where}, {problem}" for problem in find_problems(cell.source)]
        resources["refused"] = problems
        if problems:
            message = (
                "This submission changes what the tests rely on, so its autograded tasks get no "
                "points. Remove this code and submit again:\n" + "\n".join(problems)
            )
            self.log.warning("%s: %s", resources["nbgrader"]["student"], message)
            fail_test_cells(nb, "RefusedCode", message)
        return nb, resources


class GradingExecute(Execute):
    """Run the notebook; a kernel that dies or hangs costs that submission, nothing more.

    - A notebook refused by CheckAnswers is not run.
    - A failed cell whose error was hidden (`showtraceback` silenced) still fails: nbgrader 0.9's
      Execute adds an error output when the kernel's reply says "error"; this class keeps that.
    - A cell running longer than `Execute.timeout` is interrupted (nbgrader). If the kernel
      still does not answer `interrupt_grace` seconds later, it is shut down.
    - When the kernel dies (os._exit, a crash, out of memory) or was shut down, no further cell
      runs and every test cell fails with a message saying so: the notebook gets zero
      autograded points in the gradebook and autograde goes on with the next submission. Stock
      nbgrader stops that notebook with an error, deletes its autograded copy and records no
      grades (they wait for manual grading).
    """

    interrupt_grace = Integer(
        10, help="Seconds to wait for a kernel after interrupting a timed-out cell"
    ).tag(config=True)

    def preprocess(self, nb, resources, km=None):
        if resources.get("refused"):
            return nb, resources
        self.stopped = None
        nb, resources = super().preprocess(nb, resources, km)
        if self.stopped:
            self.log.warning("%s: %s", resources["nbgrader"]["student"], self.stopped)
            fail_test_cells(nb, "KernelStopped", self.stopped)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if self.stopped:
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError as error:
            self.stopped = (
                f"The kernel stopped while cell {index + 1} ran ({error}), so no test could run "
                "to the end. Code that stops the kernel (exit(), sys.exit(), os._exit()), "
                "crashes it or runs forever gets no autograded points."
            )
        except CellTimeoutError as error:
            cell.outputs.append(new_output("error", ename="CellTimeoutError", evalue=str(error),
                                           traceback=[str(error)]))
        return cell, resources

    async def _async_handle_timeout(self, timeout, cell=None):
        reply = await super()._async_handle_timeout(timeout, cell)
        if not await self._kernel_answers(self.interrupt_grace):
            self.log.error("The kernel ignored the interrupt: shutting it down")
            await ensure_async(self.km.shutdown_kernel(now=True))
            raise DeadKernelError(f"it ran past the {timeout} s limit and ignored the interrupt")
        return reply

    async def _kernel_answers(self, seconds):
        """Whether the kernel replies to a kernel_info request within ``seconds``."""
        request = self.kc.kernel_info()
        try:
            while True:
                reply = await ensure_async(self.kc.shell_channel.get_msg(timeout=seconds))
                if reply["parent_header"].get("msg_id") == request:
                    return True
        except Empty:
            return False


class SaveGrades(SaveAutoGrades):
    """Save the grades; a test cell is pass/fail: all its points without an error, else none.

    Stock nbgrader reads a number shown as a test cell's result as partial credit, even when an
    error follows it: a student's function that calls sys.displayhook(3) and then fails its
    test earned 3 points. It also fails a test cell that merely wrote to stderr. Here only an
    error decides. Written answers are saved as nbgrader does (they wait for manual grading).
    """

    def _add_score(self, cell: NotebookNode, resources) -> None:
        if not is_test_cell(cell):
            return super()._add_score(cell, resources)
        info = resources["nbgrader"]
        grade = self.gradebook.find_grade(
            cell.metadata.nbgrader["grade_id"], info["notebook"], info["assignment"], info["student"]
        )
        failed = any(output.output_type == "error" for output in cell.outputs)
        grade.auto_score = 0.0 if failed else float(grade.max_score)
        grade.needs_manual_grade = grade.manual_score is not None
        self.gradebook.db.commit()
