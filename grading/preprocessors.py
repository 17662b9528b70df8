"""The autograder's steps inside `nbgrader autograde`; nbgrader_config.py lists them.

`make autograde` (grading.autograde) first runs every submission in a sandbox and compares the
check records of its test cells with those of the instructor's solution. `nbgrader autograde`
then only records the result; it runs no student code:

- ``RestoreCells`` (sanitize): the instructor's cells and their nbgrader flags come from the
  gradebook, deleted read-only cells are put back, and cells whose nbgrader metadata an editor
  stripped are recognised again by their cell id or their read-only text.
- ``InjectResults`` (instead of running the notebook): each test cell gets the grader's verdict
  as its only output, and the text of its released version (no hidden tests); no output
  produced during grading reaches the graded notebook or the feedback.
- ``SaveGrades`` (saving): a test cell earns all of its points when its verdict is a pass.
"""

import json
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells, SaveAutoGrades
from traitlets import Unicode


def is_test_cell(cell):
    """An autograded test cell: a code grade cell that is not the student's answer."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def grade_id_of(cell):
    """The cell's grade_id, or None (also when a student left the metadata malformed)."""
    meta = cell.metadata.get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def release_notebook(root, resources):
    """The released notebook of this submission (exercises/<assignment>/<notebook>.ipynb)."""
    info = resources["nbgrader"]
    path = Path(root) / "exercises" / info["assignment"] / f"{info['notebook']}.ipynb"
    return nbformat.read(path, as_version=4) if path.is_file() else None


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
      code runs before the checker is made;
    - gives a cell without nbgrader metadata (an editor that strips it, a copy-paste into a new
      notebook) its grade_id back when its cell id, or its read-only text, is that of a cell of
      the release: honest work keeps its points.
    """

    course_root = Unicode(".", help="The course directory (to find the release)").tag(config=True)

    def preprocess(self, nb, resources):
        with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
            notebook = source_notebook(gradebook, resources)
            source_cells = list(notebook.source_cells)
            self.flags = {cell.name: self.flags_of(cell, notebook) for cell in source_cells}
            self.adopt_stripped_cells(nb, release_notebook(self.course_root, resources))
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

    def adopt_stripped_cells(self, nb, release):
        if release is None:
            return
        known = {grade_id_of(cell): cell for cell in release.cells if grade_id_of(cell)}
        by_id = {cell.get("id"): name for name, cell in known.items() if cell.get("id")}
        by_text = {cell.source.strip(): name for name, cell in known.items()
                   if self.flags.get(name, {}).get("locked") and cell.source.strip()}
        present = {grade_id_of(cell) for cell in nb.cells} - {None}
        for cell in nb.cells:
            if grade_id_of(cell) is not None:
                continue
            name = by_id.get(cell.get("id"))
            if name is None or name in present or known[name].cell_type != cell.cell_type:
                name = by_text.get(cell.source.strip())
            if name is not None and name not in present and name in self.flags:
                self.log.warning("Cell '%s' had lost its nbgrader metadata: restored", name)
                cell.metadata["nbgrader"] = {"grade_id": name}
                present.add(name)

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


class InjectResults(NbGraderPreprocessor):
    """Put the grader's verdict on each test cell instead of running the notebook.

    The verdicts were computed by ``grading.autograde`` outside the sandbox (results_dir holds
    one JSON file per submission). A passed test cell gets a short text output; a failed one an
    error output naming the first check that did not match the reference (its ``what``) or the
    error that stopped it. Every test cell shows its released text: the hidden tests, the
    solution and anything the student's code printed never reach the graded notebook, the
    Formgrader view or the feedback.
    """

    results_dir = Unicode("", help="Folder of the verdicts written by grading.autograde").tag(
        config=True
    )

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        path = Path(self.results_dir) / info["assignment"] / info["student"] / (
            info["notebook"] + ".json"
        )
        done = Path(self.results_dir) / "phase-1-done"
        while not path.is_file() and not done.is_file():
            time.sleep(0.2)  # grading.autograde is still running this submission
        verdicts = json.loads(path.read_text())["tests"] if path.is_file() else {}
        release = release_notebook(Path.cwd(), resources)
        released = {grade_id_of(cell): cell.source for cell in (release.cells if release else [])}
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            if not is_test_cell(cell):
                continue
            grade_id = grade_id_of(cell)
            cell.source = released.get(grade_id, "# (test cell)")
            verdict = verdicts.get(grade_id) or {
                "passed": False,
                "message": "this test cell was not graded (the submission could not be run)",
            }
            if verdict["passed"]:
                cell.outputs = [new_output("stream", name="stdout", text=verdict["message"] + "\n")]
            else:
                cell.outputs = [new_output("error", ename="TestFailed", evalue=verdict["message"],
                                           traceback=[f"TestFailed: {verdict['message']}"])]
        return nb, resources


class SaveGrades(SaveAutoGrades):
    """Save the grades; a test cell earns all of its points when InjectResults passed it.

    Its only output is the grader's verdict: an error output means failed. Stock nbgrader
    would read a number shown as a test cell's result as partial credit. Written answers are
    saved as nbgrader does (they wait for manual grading); a manual score already given is kept.
    """

    def _add_score(self, cell, resources):
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
