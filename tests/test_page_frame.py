"""The shared frame: a warehouse that cannot be read gets a message on the page, never a traceback."""
import duckdb
import pytest

from apptest import open_page


def test_corrupt_warehouse_says_so(tmp_path, monkeypatch):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(b"this is not a duckdb file" * 100)
    monkeypatch.setenv("TPC_DB", str(db))
    at = open_page("overview")
    assert not at.exception
    assert at.error[0].value.startswith("The warehouse")
    assert "cannot be read" in at.error[0].value


def test_older_schema_says_so(small_warehouse, tmp_path, monkeypatch):
    import shutil

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(small_warehouse, db)
    con = duckdb.connect(str(db))
    con.execute("update meta set value = '0' where key = 'schema_version'")
    con.close()
    monkeypatch.setenv("TPC_DB", str(db))
    at = open_page("annual")
    assert not at.exception
    assert "older version" in at.error[0].value


def test_locked_warehouse_says_so(small_warehouse, tmp_path, monkeypatch):
    import shutil
    import subprocess
    import sys
    import time

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(small_warehouse, db)
    writer = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                               "print('open', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "open"
        monkeypatch.setenv("TPC_DB", str(db))
        at = open_page("overview")
        assert not at.exception
        assert "open for writing by another program" in at.error[0].value
    finally:
        writer.kill()
