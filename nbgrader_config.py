"""nbgrader configuration of the course (the repository root is the course directory).

nbgrader's folders map onto the repository: solutions/ is the source (instructor notebooks with
solutions and hidden tests), exercises/ the release students get. submitted/, autograded/,
feedback/ and gradebook.db are working state and are not committed.

`make autograde` runs every submission in a bubblewrap sandbox and compares its check records
with the reference run of the solution (grading/autograde.py); nbgrader then records the verdicts
through the steps of grading/preprocessors.py listed below. `make release`, `make feedback` and
`make grades` (grading.mk) run nbgrader with this file.
"""

import os
import sys

# Every assignment of the course, in order; one notebook each, named like its folder.
# `make release` generates these from solutions/, and the tests grade every one of them.
ASSIGNMENTS = [
    "01_autograd",
    "02_computational_graph",
    "03_linear_regression",
    "04_polynomial_fit",
    "05_mlp",
    "06_backprop",
    "07_sgd_data",
    "08_extending_autograd",
    "09_optimizers",
    "10_performance",
]

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))
if COURSE_ROOT not in sys.path:
    sys.path.insert(0, COURSE_ROOT)  # so that nbgrader can import the grading package below

c = get_config()  # noqa: F821 (defined by the traitlets config loader)

c.CourseDirectory.course_id = "autograd-course"
c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = f"sqlite:///{os.path.join(COURSE_ROOT, 'gradebook.db')}"

# A student's cell gets 30 s; a cell that runs longer is interrupted and counts as failed.
c.Execute.timeout = 30
c.Execute.startup_timeout = 120
c.Execute.interrupt_on_timeout = True
# Limits of each submission's sandbox (grading/sandbox.py): the whole notebook, memory (address
# space per process), processes and threads, one file, each writable tmpfs.
c.Sandbox.notebook_timeout = 300
c.Sandbox.memory_mb = 4096
c.Sandbox.processes = 128
c.Sandbox.file_mb = 64
c.Sandbox.tmp_mb = 128

# The extensions in grading/ replace or extend nbgrader's own steps (order matters).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "grading.preprocessors.RestoreCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "grading.preprocessors.InjectResults",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "grading.preprocessors.SaveGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Students download exercises from the course site or the LMS and upload them to the LMS; the
# LMS download is unpacked with `nbgrader zip_collect` (see grading.mk, `make collect-zip`).
# A file is named <student_id>_[anything_]<notebook>[-N].ipynb, as LMS downloads are (Canvas:
# name_userid_submissionid_01_autograd-1.ipynb); the student id is the part before the first "_".
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:[^/]*_)?(?P<file_id>\d{2}_[a-z_]+?)(?:-\d+)?\.ipynb$"
)
