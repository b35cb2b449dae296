"""The first start (issue 11, item 18): the bar moves while the demo exports are written, not only while they
load, and the bar and its box are gone once the warehouse is built, so the Overview is drawn without them."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import demo
from ui import frame, i18n


def test_generate_reports_each_file_as_it_is_written(tmp_path):
    seen = []
    paths = demo.generate(tmp_path, on_file=lambda path, written, total: seen.append((path, written, total, path.exists())))
    # the centers file, the master, the targets, and per year three POS exports, a register and a Tmall pair
    assert seen == [(path, index, 21, True) for index, path in enumerate(paths, start=1)]
    assert paths[0].name == "centers.csv"


def test_the_bar_gives_writing_its_share_and_loading_the_rest(monkeypatch):
    monkeypatch.setattr(i18n, "current", lambda: "en")
    progress = frame.DemoProgress()
    assert progress.wrote(Path("x/pos_sales_2019.csv"), 1, 13) == (pytest.approx(0.35 / 13), "Wrote pos_sales_2019.csv (1/13)")
    # the first export loads while the second is written: the bar counts both, in whichever order they come
    assert progress.loads(Path("a.csv"), 0, 13) == (pytest.approx(0.35 / 13), "Loading a.csv (1/13)")
    assert progress.wrote(Path("b.csv"), 2, 13)[0] == pytest.approx(0.35 * 2 / 13)
    assert progress.loads(Path("b.csv"), 1, 13)[0] == pytest.approx((0.35 * 2 + 0.65) / 13)
    assert progress.wrote(Path("m.csv"), 13, 13)[0] == pytest.approx(0.35 + 0.65 / 13)
    assert progress.loads(Path("m.csv"), 12, 13)[0] == pytest.approx(0.35 + 0.65 * 12 / 13)


def test_the_exports_load_while_they_are_written_and_the_warehouse_holds_every_one(tmp_path):
    from etl import demo, pipeline

    steps = []
    results = pipeline.build_demo(tmp_path / "w.duckdb", on_write=lambda p, n, total: steps.append(("wrote", n)),
                                  on_file=lambda p, i, total: steps.append(("loads", i + 1)))
    assert [r.status for r in results] == ["loaded"] * demo.TOTAL_FILES
    assert sorted(r.file for r in results) == sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert (results[0].file, results[1].file, results[-1].file) == ("centers.csv", "product_master.xlsx", "targets_2020_2021.csv")
    assert sorted(n for kind, n in steps if kind == "wrote") == list(range(1, demo.TOTAL_FILES + 1))
    assert [n for kind, n in steps if kind == "loads"] == list(range(1, demo.TOTAL_FILES + 1))
    # a file loads only once it is written: by the time the k-th starts loading, k have been heard of
    heard = 0
    for kind, n in steps:
        heard = n if kind == "wrote" else heard
        assert kind == "wrote" or heard >= n
    # and loading began before the last file was written
    assert steps.index(("loads", 1)) < steps.index(("wrote", demo.TOTAL_FILES))


def first_start(fail: bool = False):
    """The frame's build on a fake pipeline that writes and loads two files through the callbacks it is given."""
    from pathlib import Path

    import streamlit as st

    from etl import pipeline
    from etl.loader import LoadResult
    from ui import frame

    def build_demo(db, on_write=None, on_file=None, **_):
        assert on_write is not None and on_file is not None, "the build must report writing and loading"
        files = [Path("product_master.xlsx"), Path("pos_sales_2019.csv")]
        for written, path in enumerate(files, start=1):
            on_write(path, written, len(files))
        for index, path in enumerate(files):
            on_file(path, index, len(files))
        return [LoadResult(f.name, "failed" if fail and f.suffix == ".csv" else "loaded", message=f"{f.name}: **broken**")
                for f in files]

    pipeline.build_demo = build_demo
    frame.build_demo(Path("warehouse.duckdb"))
    st.title("Overview")


@pytest.fixture
def real_build():
    from etl import pipeline

    original = pipeline.build_demo
    yield
    pipeline.build_demo = original


def test_the_box_and_bar_are_gone_once_the_warehouse_is_built(real_build):
    at = AppTest.from_function(first_start).run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert not at.info and not at.get("progress") and not at.status


def test_a_failed_build_says_which_file_as_text(real_build):
    at = AppTest.from_function(first_start, kwargs={"fail": True}).run()
    assert not at.get("progress") and not at.info and not at.title
    assert at.error[0].value == "The demo data failed to load"
    assert at.code[0].value == "pos_sales_2019.csv: **broken**"


def test_files_still_being_written_into_a_warehouse_built_meanwhile_load_as_duplicates(tmp_path):
    # two first starts at once: the second waits for the writer lock, and finds the warehouse the first built
    from etl import demo, pipeline

    db = tmp_path / "w.duckdb"
    first = pipeline.build_demo(db)
    assert [r.status for r in first] == ["loaded"] * demo.TOTAL_FILES
    written = pipeline.Arriving(demo.TOTAL_FILES)
    for path in demo.generate(tmp_path / "demo"):
        written.arrived(path)
    second = pipeline.load_paths(db, written, centers=pipeline.DemoCenters(demo))
    assert [r.status for r in second] == ["duplicate"] * demo.TOTAL_FILES
    assert [r.load_id for r in second] == [r.load_id for r in first]
