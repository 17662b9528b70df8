"""``python -m grading VERB [ASSIGNMENT]``: the grading verbs of grading.mk."""

import sys

from grading.course import main

if __name__ == "__main__":
    sys.exit(main())
