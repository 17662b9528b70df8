"""The course's grading: the checker, the sandboxed autograder and the grading verbs.

- ``grading.checks``: ``make_checker()``, the ``check`` object graded test cells use; each check
  records what it observed, and ``matches`` compares a student's record with the reference's.
- ``grading.sandbox``: runs one notebook's cells in a bubblewrap sandbox and reports, per cell,
  whether it ran cleanly and the records it published.
- ``grading.autograde``: `make autograde`: the reference run of each solution, every submission
  in a sandbox (JOBS at a time), and the verdict per test cell.
- ``grading.preprocessors``: nbgrader steps (restored cells, injected verdicts, pass/fail grades).
- ``grading.course``: the verbs behind grading.mk, run as ``python -m grading VERB``.
"""
