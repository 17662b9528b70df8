"""Repair a gradebook.db that nbgrader created without its migration record, or explain it.

nbgrader creates gradebook.db on first use: it creates the tables for its current schema, then
asks the `alembic` program for the schema's revision and records it in the table
alembic_version. When JupyterLab was started without the environment's bin folder on PATH
(older versions of `make lab` did that), `alembic` was not found: the tables exist but the
record does not, Formgrader fails, and `nbgrader db upgrade` fails on the file later.

Such a file has exactly the current schema (the tables were created a moment before the
failure), so recording the current revision is the repair. `make lab` runs this first:

    python tools/check_gradebook.py [gradebook.db]
"""

import sqlite3
import sys
from pathlib import Path


def current_revision():
    """The revision of nbgrader's newest gradebook schema (its alembic head)."""
    from nbgrader.api import get_alembic_version  # needs the `alembic` program on PATH

    return get_alembic_version()


def check(path, revision=current_revision):
    """Return what was done to the gradebook at ``path``: 'absent', 'ok', 'empty' or 'repaired'."""
    path = Path(path)
    if not path.exists():
        return "absent"
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" in tables:
            return "ok"
        if not tables:
            return "empty"  # nbgrader treats a file without tables as a new gradebook
        missing = {"assignment", "notebook", "student", "submitted_assignment"} - tables
        if missing:
            raise SystemExit(
                f"{path} has tables but not nbgrader's ({', '.join(sorted(missing))} missing): it is not a "
                f"gradebook. Move it away (mv {path} {path}.bak) and nbgrader creates a new one."
            )
        head = revision()
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))
    return "repaired"


def main(argv):
    path = argv[0] if argv else "gradebook.db"
    result = check(path)
    if result == "repaired":
        print(
            f"{path} had nbgrader's tables but no migration record (made while `alembic` was not on PATH); "
            f"recorded the current schema revision, so Formgrader and `nbgrader db upgrade` work again."
        )


if __name__ == "__main__":
    main(sys.argv[1:])
