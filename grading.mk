# Grading verbs (nbgrader), included by the Makefile. The work is done by grading/course.py;
# `python -m grading VERB` runs the same thing. ASSIGNMENT=<name> limits autograde to one
# assignment and names the assignment for collect-zip.
GRADING := $(PY) -m grading

.PHONY: release autograde feedback grades collect-zip

# Regenerate exercises/ from solutions/ (every assignment in nbgrader_config.py), drop releases
# whose source is gone, and fail if a release shows solution code or hidden tests.
release: $(STAMP)
	$(GRADING) release

# Grade submitted/<student>/<assignment>/ into autograded/ and gradebook.db.
autograde: $(STAMP)
	$(GRADING) autograde $(ASSIGNMENT)

# One HTML report per student and assignment in feedback/.
feedback: $(STAMP)
	$(GRADING) feedback

# Every score in gradebook.db to grades.csv.
grades: $(STAMP)
	$(GRADING) grades

# Unpack an LMS download placed in downloaded/<assignment>/archive/ into submitted/.
collect-zip: $(STAMP)
	$(GRADING) collect-zip $(ASSIGNMENT)
