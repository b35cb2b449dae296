"""The command line: exit codes, summaries, templates, and every command documented in the README."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, write_csv
from etl.__main__ import main, parser
from etl.formats import detect
from etl.readers import open_source
from fixtures import POS


def test_load_prints_a_summary_per_file_and_exits_zero(tmp_path, capsys):
    path = write_csv(tmp_path / "pos.csv", POS)
    assert main(["load", str(path), "--db", str(tmp_path / "w.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "pos.csv" in out and "loaded" in out and "storefront_pos" in out
    assert main(["load", str(path), "--db", str(tmp_path / "w.duckdb")]) == 0
    assert "skipped, same content as load 1" in capsys.readouterr().out


def test_refused_file_exits_non_zero_with_the_columns(tmp_path, capsys):
    path = write_csv(tmp_path / "odd.csv", [["a", "b"], ["1", "2"]])
    assert main(["load", str(path), "--db", str(tmp_path / "w.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "odd.csv: the header row matches no known export format" in err
    assert "found: a, b" in err


def test_folder_load_and_rejects_listing(tmp_path, capsys):
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(folder / "pos.csv", POS[:2] + [["S9", "yesterday", "x", "x", "1", "1", "0", "1", "现金", "", "", "销售"]])
    db = str(tmp_path / "w.duckdb")
    assert main(["load", str(folder), "--db", db]) == 0
    capsys.readouterr()
    main(["rejects", "--db", db])
    assert capsys.readouterr().out.strip() == (
        "pos.csv [load 1] row 3, column 销售时间: not a date and time (expected e.g. 2020-03-01 09:05:00 or 2020/3/1 9:05) (yesterday)")


def test_db_from_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TPC_DB", str(tmp_path / "env.duckdb"))
    assert main(["load", str(write_csv(tmp_path / "pos.csv", POS))]) == 0
    assert (tmp_path / "env.duckdb").exists()
    capsys.readouterr()
    main(["status"])
    assert re.search(r"storefront\s+4\s+484\.00\s+2020-01-05\s+2020-01-10", capsys.readouterr().out)


@pytest.mark.parametrize("kind, fmt", [("register", "exhibition_register"), ("master", "product_master"), ("pos", "storefront_pos")])
def test_template_is_detected_as_its_own_format(tmp_path, kind, fmt):
    out = tmp_path / f"{kind}.xlsx"
    assert main(["template", kind, "--out", str(out)]) == 0
    assert detect(out.name, open_source(out).head).format.name == fmt


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"python -m etl {name}" in readme, name


def test_module_runs_as_a_program(tmp_path):
    done = subprocess.run([sys.executable, "-m", "etl", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "load" in done.stdout
