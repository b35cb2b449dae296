"""Raw files kept: every loaded file is kept once under raw/, and `rebuild` makes the same warehouse from them."""
from decimal import Decimal

import pytest

from conftest import rows, write_csv, write_xlsx
from etl import config, pipeline, warehouse
from etl.__main__ import main
from etl.publish import file_sha256
from fixtures import ITEMS, MASTER, ORDERS, POS, REGISTER


def totals(db):
    con = warehouse.connect(db, read_only=True)
    try:
        return (rows(con, "select channel, count(*), sum(net_rmb) from sales group by 1 order by 1"),
                rows(con, "select count(*), sum(deal_amount_rmb) from leads"),
                rows(con, "select file_name, format, rows_loaded from loads where status = 'loaded' order by load_id"))
    finally:
        con.close()


EXPECTED_SALES = [("exhibition", 1, Decimal("120000.00")), ("storefront", 4, Decimal("484.00")),
                  ("tmall", 4, Decimal("565.99"))]


@pytest.fixture
def loaded(tmp_path):
    """The five fixture exports loaded through the pipeline into tmp/w/warehouse.duckdb."""
    exports = tmp_path / "exports"
    exports.mkdir()
    files = [write_csv(exports / "master.csv", MASTER), write_csv(exports / "pos.csv", POS),
             write_csv(exports / "ExportOrderList202101051030.csv", ORDERS, "gbk"),
             write_csv(exports / "ExportOrderDetailList202101051030.csv", ITEMS, "gbk"),
             write_xlsx(exports / "register.xlsx", REGISTER)]
    db = tmp_path / "w" / "warehouse.duckdb"
    assert [r.status for r in pipeline.load_paths(db, files)] == ["loaded"] * 5
    return db, files


def test_every_loaded_file_is_kept_once_under_raw_named_by_its_content(loaded, tmp_path):
    db, files = loaded
    raw = db.parent / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(f"{file_sha256(f)[:12]}-{f.name}" for f in files)
    assert all((raw / f"{file_sha256(f)[:12]}-{f.name}").read_bytes() == f.read_bytes() for f in files)
    copy = write_csv(tmp_path / "pos.csv", POS)   # the same content again, from elsewhere
    refused = write_csv(tmp_path / "odd.csv", [["a", "b"], ["1", "2"]])
    assert [r.status for r in pipeline.load_paths(db, [copy, refused])] == ["duplicate", "refused"]
    assert len(list(raw.iterdir())) == 5


def test_an_upload_already_under_raw_is_not_copied_again(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    (tmp_path / "raw" / "uploads").mkdir(parents=True)
    upload = write_csv(tmp_path / "raw" / "uploads" / "0123456789ab-pos.csv", POS)
    assert pipeline.load_paths(db, [upload])[0].status == "loaded"
    assert sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "raw").rglob("*")) == [
        "raw/uploads", "raw/uploads/0123456789ab-pos.csv"]


def test_rebuild_makes_the_same_warehouse_from_the_kept_files(loaded):
    db, files = loaded
    before = totals(db)
    assert before[0] == EXPECTED_SALES
    assert before[1] == [(3, Decimal("120000.00"))]
    for f in files:
        f.unlink()   # the exports are gone; only raw/ is left
    results = pipeline.rebuild(db)
    assert [(r.file, r.status) for r in results] == [(f.name, "loaded") for f in files]
    assert totals(db) == before


def test_rebuild_of_a_lost_warehouse_uses_the_order_the_files_were_kept_in(loaded):
    db, files = loaded
    before = totals(db)
    db.unlink()
    assert main(["rebuild", "--db", str(db)]) == 0
    assert totals(db) == before


def test_rebuild_with_a_raw_file_missing_publishes_nothing(loaded, capsys):
    db, files = loaded
    sha = file_sha256(db)
    kept = db.parent / "raw" / f"{file_sha256(files[1])[:12]}-pos.csv"
    kept.unlink()
    assert main(["rebuild", "--db", str(db)]) == 1
    assert f"rebuild refused, {db} is unchanged: no kept raw file in {db.parent / 'raw'} for: pos.csv" in capsys.readouterr().err
    assert file_sha256(db) == sha
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []


def test_a_file_loaded_before_is_a_duplicate_even_when_its_raw_copy_is_gone(loaded, tmp_path):
    """Files of a size no kept file has are hashed while they load; the check against the loads table
    still comes before anything is written."""
    db, files = loaded
    raw = db.parent / "raw"
    for kept in raw.iterdir():
        kept.unlink()
    before = totals(db)
    results = pipeline.load_paths(db, [files[1], files[2]])
    assert [(r.status, r.load_id) for r in results] == [("duplicate", 2), ("duplicate", 3)]
    assert results[0].message == "same content as load 2 (pos.csv); nothing to do"
    assert totals(db) == before
    assert list(raw.iterdir()) == []   # no copy kept, no part file left


def test_a_new_file_the_size_of_a_kept_one_loads(loaded, tmp_path):
    """Hashed before the lock (it might be loaded already), then loaded like any other."""
    db, files = loaded
    twin = tmp_path / "twin.csv"
    original = files[1].read_bytes()
    twin.write_bytes(original.replace(b"S20200106-0001", b"S20200107-0001"))   # same size, another receipt
    assert len(twin.read_bytes()) == len(original)
    result = pipeline.load_paths(db, [twin])[0]
    assert (result.status, result.rows_loaded) == ("loaded", 4)
    assert (db.parent / "raw" / f"{file_sha256(twin)[:12]}-twin.csv").read_bytes() == twin.read_bytes()


def test_two_files_of_one_name_from_two_folders_are_each_kept_whole(tmp_path):
    # the second file is scanned while the first's copy is still being kept: each copy needs its own part file
    files = []
    for month, lines in (("2020-01", 3000), ("2020-02", 2000)):
        folder = tmp_path / "exports" / month
        folder.mkdir(parents=True)
        files.append(write_csv(folder / "pos.csv", [POS[0]] + [
            [f"{month}-{i}", f"{month}-05 10:00:00", "4710000000011", "凤梨酥礼盒", "1", "1.00", "0", "1.00", "现金", "", "", "销售"]
            for i in range(lines)]))
    db = tmp_path / "w" / "warehouse.duckdb"
    assert [r.status for r in pipeline.load_paths(db, [tmp_path / "exports"])] == ["loaded", "loaded"]
    raw = db.parent / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(f"{file_sha256(f)[:12]}-pos.csv" for f in files)
    assert all((raw / f"{file_sha256(f)[:12]}-pos.csv").read_bytes() == f.read_bytes() for f in files)
    before = totals(db)
    pipeline.rebuild(db)
    assert totals(db) == before


def test_a_raw_copy_that_cannot_be_written_fails_the_run_only_for_a_file_that_loads(tmp_path, monkeypatch):
    from etl import publish

    def disk_full(scan, dst, chunk):
        scan.copy_error = OSError(28, "No space left on device")

    monkeypatch.setattr(publish.FileScan, "write", disk_full)
    db = tmp_path / "w" / "warehouse.duckdb"
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")
    result, = pipeline.load_paths(db, [junk])            # refused, never kept: the copy does not matter
    assert result.status == "refused"
    with pytest.raises(OSError, match="No space left"):   # loaded, but cannot be kept: nothing is published
        pipeline.load_paths(db, [write_csv(tmp_path / "pos.csv", POS)])
    con = warehouse.connect(db, read_only=True)
    try:
        assert rows(con, "select count(*) from pos_lines") == [(0,)]
    finally:
        con.close()
    assert not [p for p in (db.parent / "raw").iterdir() if p.name.endswith(".part")]


def test_a_warehouse_of_an_older_schema_is_not_loaded_into_but_rebuilt(tmp_path, loaded, capsys):
    db, files = loaded
    con = warehouse.connect(db)
    con.execute("update meta set value = '3' where key = 'schema_version'")
    con.close()
    extra = write_csv(tmp_path / "pos2.csv", [POS[0], ["S9", *POS[1][1:]]])
    with pytest.raises(warehouse.SchemaError, match="schema 3 .* python -m etl rebuild"):
        pipeline.load_paths(db, [extra])
    assert main(["load", str(extra), "--db", str(db)]) == 2
    assert "nothing loaded:" in capsys.readouterr().err
    pipeline.rebuild(db)
    con = warehouse.connect(db, read_only=True)
    try:
        assert warehouse.schema_version(con) == config.SCHEMA_VERSION
    finally:
        con.close()
    assert [r.status for r in pipeline.load_paths(db, [extra])] == ["loaded"]
