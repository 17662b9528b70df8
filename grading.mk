# Grading verbs (nbgrader), included by the Makefile. The work is done by grading/course.py;
# `python -m grading VERB` runs the same thing. ASSIGNMENT=<name> limits autograde to one
# assignment and names the assignment for collect-zip. JOBS=<n> grades n submissions at once
# (default: one per core); UNSANDBOXED=1 grades without the sandbox (only on a machine you trust
# with every submission: student code then runs with your rights).
GRADING := $(PY) -m grading
JOBS ?=
UNSANDBOXED ?=

.PHONY: release autograde feedback grades collect-zip

# Regenerate exercises/ from solutions/ (every assignment in nbgrader_config.py), drop releases
# whose source is gone, and fail if a release shows solution code or hidden tests.
release: $(STAMP)
	$(GRADING) release

# Grade submitted/<student>/<assignment>/ into autograded/ and gradebook.db; each submission
# runs in a bubblewrap sandbox (apt-get install bubblewrap).
autograde: $(STAMP)
	JOBS="$(JOBS)" UNSANDBOXED="$(UNSANDBOXED)" $(GRADING) autograde $(ASSIGNMENT)

# One HTML report per student and assignment in feedback/.
feedback: $(STAMP)
	$(GRADING) feedback

# Every score in gradebook.db to grades.csv.
grades: $(STAMP)
	$(GRADING) grades

# Unpack an LMS download placed in downloaded/<assignment>/archive/ into submitted/.
collect-zip: $(STAMP)
	$(GRADING) collect-zip $(ASSIGNMENT)
