"""Shared fixtures: a fresh warehouse per test and small export files written in the test."""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import warehouse  # noqa: E402
from etl.loader import load_file  # noqa: E402
from lake_fixtures import lake, postgres  # noqa: E402,F401  (the lake tests' fixtures, for every tests/test_lake*.py)

KEY = b"test-buyer-key"


@pytest.fixture(autouse=True)
def reads_every_center():
    """The tests read as a reader who sees every center (the dashboard's router says so per run; analytics.access
    reads nothing until someone does), and no test's limit or pick outlives it (AppTest runs in this thread)."""
    from analytics import access

    access.allow(None)
    access.choose(())
    yield
    access.allow(None)
    access.choose(())


@pytest.fixture(autouse=True)
def buyer_key_env(monkeypatch):
    """Tests never create or read the developer's .streamlit/secrets.toml."""
    monkeypatch.setenv("TPC_BUYER_KEY", KEY.decode())


@pytest.fixture
def db(tmp_path):
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def con(db):
    connection = warehouse.connect(db)
    yield connection
    connection.close()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", quote_all: bool = False) -> Path:
    """Rows written as a CSV file in the given encoding (utf-8-sig for a BOM, gbk, gb18030)."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def load(con, path: Path, forced: str | None = None):
    return load_file(con, path, KEY, forced)


def rows(con, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory) -> Path:
    """The fixtures of tests/fixtures.py loaded into one warehouse, shared by the page tests."""
    import os

    from etl import pipeline
    from fixtures import ITEMS, MASTER, ORDERS, POS, POS_2019, REGISTER

    folder = tmp_path_factory.mktemp("small")
    files = [write_csv(folder / "master.csv", MASTER), write_csv(folder / "pos.csv", POS),
             write_csv(folder / "ExportOrderList202101051030.csv", ORDERS, "gbk"),
             write_csv(folder / "ExportOrderDetailList202101051030.csv", ITEMS, "gbk"),
             write_xlsx(folder / "register.xlsx", REGISTER),
             write_csv(folder / "pos-2019.csv", POS_2019)]   # an earlier year, loaded last (issue 15)
    db = folder / "warehouse.duckdb"
    previous = os.environ.get("TPC_BUYER_KEY")
    os.environ["TPC_BUYER_KEY"] = KEY.decode()
    try:
        results = pipeline.load_paths(db, files)
    finally:
        if previous is None:
            os.environ.pop("TPC_BUYER_KEY")
    assert all(r.status == "loaded" for r in results)
    return db


@pytest.fixture
def small_app(small_warehouse, monkeypatch):
    """The dashboard pointed at the small warehouse."""
    monkeypatch.setenv("TPC_DB", str(small_warehouse))
    return small_warehouse


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The demo exports generated and loaded once for the run: (export folder, warehouse, load results).

    Under xdist the first worker to ask builds it in the run's shared temporary folder, holding a lock, and the
    others wait and read the same files (the build is 14-30 s; tests only read it)."""
    import fcntl
    import os
    import pickle

    from etl import pipeline

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent   # the run's folder, above each worker's own
    folder = shared / "demo-shared"
    folder.mkdir(exist_ok=True)
    db, done = folder / "warehouse.duckdb", folder / "results.pickle"
    with open(shared / "demo-shared.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            previous = os.environ.get("TPC_BUYER_KEY")
            os.environ["TPC_BUYER_KEY"] = KEY.decode()
            try:
                results = pipeline.build_demo(db, out_dir=folder / "exports")
            finally:
                if previous is None:
                    os.environ.pop("TPC_BUYER_KEY")
            done.write_bytes(pickle.dumps(results))
        results = pickle.loads(done.read_bytes())
    return folder / "exports", db, results


@pytest.fixture
def demo_app(demo_build, monkeypatch):
    monkeypatch.setenv("TPC_DB", str(demo_build[1]))
    return demo_build[1]


@pytest.fixture
def offered(monkeypatch):
    """offered(at, key) -> the bytes the page's download button with this key hands the reader.

    The pages pass callables (built on click); Streamlit registers each with its media file manager and runs it
    when the browser asks for the file. Recording the manager lets a test ask for the file the same way.
    """
    from streamlit.runtime.media_file_manager import MediaFileManager

    managers = {}
    real = MediaFileManager.add_deferred

    def recording(self, *args, **kwargs):
        file_id = real(self, *args, **kwargs)
        managers[file_id] = self
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)

    def download(at, key: str) -> bytes:
        button = next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))
        file_id = button.proto.deferred_file_id
        manager = managers[file_id]
        url = manager.execute_deferred(file_id)   # what a click asks the server for
        return manager._storage.get_file(url.rsplit("/", 1)[1]).content

    return download


@pytest.fixture
def card_values(monkeypatch):
    """The exact values behind the KPI cards of a run, in the order drawn: [(value, unit)], not the rounded text
    (money cards are written in one unit by ui.widgets.money_in, the others by ui.fmt.metric_value)."""
    from ui import fmt, widgets

    shown = []
    real_value, real_money = fmt.metric_value, widgets.money_in

    def recording(value, unit):
        shown.append((value, unit))
        return real_value(value, unit)

    def recording_money(value, scale):
        shown.append((value, "money"))
        return real_money(value, scale)

    monkeypatch.setattr(fmt, "metric_value", recording)
    monkeypatch.setattr(widgets, "money_in", recording_money)
    return shown


def warehouse_rows(db: Path, sql: str, params=()) -> list[tuple]:
    """A query straight on a test warehouse (its views, not the dashboard's marts or named queries).

    Opened the app's own way: DuckDB refuses a second connection to one file with other settings.
    """
    from etl import warehouse

    with warehouse.connect(db, read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchall()


CENTERS_FILE = [["中心代码", "中心名称", "城市", "开业日期"],
                ["SH", "上海旗艦中心", "上海", "2015-06-01"],
                ["NJ", "南京中心", "南京", "2018-03-01"]]
# NJ's storefront: a 2019 receipt of 200.00, a 2020 one of 300.00, and SH's first receipt number reused (its own)
POS_NJ = [
    ["销售单号", "销售时间", "商品条码", "商品名称", "数量", "单价", "折扣金额", "实收金额", "支付方式"],
    ["S20190105-0001", "2019-01-05 10:00:00", "TW-A002", "高山乌龙茶", "1", "200.00", "0", "200.00", "现金"],
    ["S20200105-0001", "2020-01-08 16:00:00", "TW-A003", "牛轧糖", "5", "60.00", "0", "300.00", "现金"],
]
TARGETS_FILE = [["年份", "月份", "中心代码", "通路", "目标金额(元)"],
                ["2020", "", "SH", "storefront", "1000"], ["2020", "", "NJ", "storefront", "500"]]


@pytest.fixture(scope="session")
def centers_warehouse(tmp_path_factory) -> Path:
    """Two centers: SH holds the small warehouse's files (POS, Tmall, the fair), NJ a storefront of its own
    (2019: 200.00; 2020: 300.00, under a receipt number SH uses too); 2020 storefront targets SH 1,000, NJ 500."""
    import os

    from etl import pipeline
    from fixtures import ITEMS, MASTER, ORDERS, POS, POS_2019, REGISTER

    folder = tmp_path_factory.mktemp("centers")
    db = folder / "warehouse.duckdb"
    previous = os.environ.get("TPC_BUYER_KEY")
    os.environ["TPC_BUYER_KEY"] = KEY.decode()
    try:
        results = pipeline.load_paths(db, [write_csv(folder / "centers.csv", CENTERS_FILE),
                                           write_csv(folder / "master.csv", MASTER)])
        results += pipeline.load_paths(db, [write_csv(folder / "pos.csv", POS),
                                            write_csv(folder / "ExportOrderList202101051030.csv", ORDERS, "gbk"),
                                            write_csv(folder / "ExportOrderDetailList202101051030.csv", ITEMS, "gbk"),
                                            write_xlsx(folder / "register.xlsx", REGISTER),
                                            write_csv(folder / "pos-2019.csv", POS_2019)], center="SH")
        results += pipeline.load_paths(db, [write_csv(folder / "pos-nj.csv", POS_NJ)], center="NJ")
        results += pipeline.load_paths(db, [write_csv(folder / "targets.csv", TARGETS_FILE)])
    finally:
        if previous is None:
            os.environ.pop("TPC_BUYER_KEY")
    assert [r.status for r in results] == ["loaded"] * 9
    return db


@pytest.fixture
def centers_app(centers_warehouse, monkeypatch):
    monkeypatch.setenv("TPC_DB", str(centers_warehouse))
    return centers_warehouse


BROWSER_TESTS = ("tests/test_browser.py", "tests/test_phone.py", "tests/test_offline.py")   # marked xdist_group("browser")


def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup that works with this pytest: xdist 3.8 groups by a suffix it writes to item._nodeid, which
    pytest 9 no longer reads, so the browser tests would run on both workers (two servers, two Chromiums racing
    on two cores). This scheduler groups them by file: one unit of work, one worker; every other test on its own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class BrowserGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(BROWSER_TESTS):
                return "browser"
            return super()._split_scope(nodeid)

    return BrowserGroupScheduling(config, log)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test of the session (they share one xdist worker: group "browser")."""
    from browser import chromium_running

    with chromium_running() as launched:
        yield launched


@pytest.fixture(scope="session")
def app_url(small_warehouse):
    """One dashboard server on the small warehouse for every browser test of the session; yields its base URL."""
    from browser import running_app

    with running_app(small_warehouse, {"TPC_BUYER_KEY": KEY.decode()}) as url:
        yield url
