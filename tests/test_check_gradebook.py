"""tools/check_gradebook.py repairs a gradebook.db that nbgrader made without its migration record."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import check_gradebook  # noqa: E402

BIN = Path(sys.executable).parent


def _half_created(path):
    """What nbgrader leaves when `alembic` is not on PATH: its tables, no alembic_version."""
    from nbgrader.api import Base

    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(bind=engine)
    engine.dispose()
    return path


def _tables(path):
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_missing_and_healthy_gradebooks_are_left_alone(tmp_path):
    assert check_gradebook.check(tmp_path / "gradebook.db") == "absent"
    path = _half_created(tmp_path / "gradebook.db")
    assert check_gradebook.check(path, revision=lambda: "abc123") == "repaired"
    assert check_gradebook.check(path, revision=lambda: pytest.fail("not asked again")) == "ok"


def test_repaired_gradebook_upgrades_with_nbgrader(tmp_path, monkeypatch, capsys):
    path = _half_created(tmp_path / "gradebook.db")
    environment = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PATH", environment["PATH"])  # nbgrader asks the `alembic` program
    check_gradebook.main([str(path)])
    assert "recorded the current schema revision" in capsys.readouterr().out
    assert "alembic_version" in _tables(path)
    upgrade = subprocess.run(
        [sys.executable, "-m", "nbgrader", "db", "upgrade", f"--CourseDirectory.db_url=sqlite:///{path}"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    assert upgrade.returncode == 0, upgrade.stderr


def test_a_database_that_is_not_a_gradebook_is_explained(tmp_path):
    path = tmp_path / "gradebook.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(SystemExit, match="it is not a gradebook"):
        check_gradebook.check(path)
