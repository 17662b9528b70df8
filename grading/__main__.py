"""``python -m grading VERB [ASSIGNMENT]``: the grading verbs of grading.mk."""

import sys

from grading.course import main

sys.exit(main())
