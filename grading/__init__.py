"""The course's additions to nbgrader: grading verbs and autograder protections.

- ``grading.course``: the verbs behind grading.mk (release, autograde, feedback, grades,
  collect-zip), run as ``python -m grading VERB``.
- ``grading.preprocessors``: nbgrader steps, registered in nbgrader_config.py, that close the
  holes nbgrader 0.9 leaves (restored cells and flags, deleted cells put back, refused code,
  dead or hung kernels, pass/fail test cells).
- ``grading.answers``: the static check of student code that ``CheckAnswers`` applies.

The tests' own defence, ``course_utils.checks.make_checker``, lives in course_utils because the
notebooks import it.
"""
