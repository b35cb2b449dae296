"""The lake on s3:// object storage: lake init, export and status with the warehouse in a bucket of moto's S3 server
on 127.0.0.1 (tests/s3.py), its files objects in the bucket and none on disk; the endpoint, region and key pair
from the environment or from secrets.toml's [lake] table, and a clear error when one is missing."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

import s3
from etl import config
from etl.__main__ import main
from lake_fixtures import s3_lake, s3_server  # noqa: F401  (the s3:// lake's fixtures)

pytest.importorskip("pyiceberg")
from etl.lake import catalog as lake_catalog  # noqa: E402
from etl.lake.tables import TABLES  # noqa: E402
from test_lake import lake_rows, same_as_embedded  # noqa: E402

SALES_PARTITIONS = ["center=NJ/channel=storefront/sale_date_month=2019-01",
                    "center=NJ/channel=storefront/sale_date_month=2020-01",
                    "center=SH/channel=exhibition/sale_date_month=2020-12",
                    "center=SH/channel=storefront/sale_date_month=2019-01",
                    "center=SH/channel=storefront/sale_date_month=2019-03",
                    "center=SH/channel=storefront/sale_date_month=2020-01",
                    "center=SH/channel=tmall/sale_date_month=2020-11"]
# the marts: by center (NJ and SH have paid lines)
PARTITIONS = {"sales": SALES_PARTITIONS, "leads": ["center=SH"], **{mart: ["center=NJ", "center=SH"] for mart in
                                                                    ("sales_daily", "orders_daily", "buyers_daily")}}


def init_and_export(db) -> None:
    assert main(["lake", "init"]) == 0
    assert main(["lake", "export", "--db", str(db)]) == 0


def shape(key: str) -> str:
    """An object key with its UUIDs and snapshot id written as <uuid> and <id>."""
    key = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", key)
    return re.sub(r"snap-\d+-", "snap-<id>-", key)


def expected_objects(table: str) -> list[str]:
    """What one export of the small warehouse leaves of a table: a data file per partition, the metadata of the
    create and of the export's commit, its manifest and its manifest list."""
    folder = f"warehouse/tpc/{table}"
    data = [f"{folder}/data/{p}/00000-0-<uuid>.parquet" for p in PARTITIONS[table]] if table in PARTITIONS \
        else [f"{folder}/data/00000-0-<uuid>.parquet"]
    return data + [f"{folder}/metadata/00000-<uuid>.metadata.json", f"{folder}/metadata/00001-<uuid>.metadata.json",
                   f"{folder}/metadata/<uuid>-m0.avro", f"{folder}/metadata/snap-<id>-0-<uuid>.avro"]


def test_init_export_and_status_on_an_s3_warehouse_give_the_embedded_rows_to_the_fen(s3_lake, centers_warehouse,
                                                                                      capsys):
    assert main(["lake", "init"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"tpc.{name}: created" for name in TABLES]
    assert main(["lake", "export", "--db", str(centers_warehouse)]) == 0
    exported = [re.sub(r"snapshot \d+", "snapshot <id>", line) for line in capsys.readouterr().out.splitlines()]
    assert exported == [f"tpc.{table}: 0 rows replaced by {rows} (snapshot <id>)" for table, rows in
                        (("centers", 2), ("products", 3), ("targets", 2), ("sales", 13), ("leads", 3),
                         ("sales_daily", 12), ("orders_daily", 9), ("buyers_daily", 9), ("rejects", 2), ("loads", 9))]
    assert main(["lake", "status"]) == 0
    status = capsys.readouterr().out.splitlines()
    sales = status.index(next(line for line in status if line.startswith("sales: snapshot ")))
    assert status[sales].endswith(", 13 rows in 7 data files")
    assert status[sales + 1:sales + 8] == [f"  {p}: 1 files, {n} rows" for p, n in zip(SALES_PARTITIONS,
                                                                                       (1, 1, 1, 1, 1, 4, 4))]
    catalog = lake_catalog.open_catalog()
    for table in TABLES:
        same_as_embedded(catalog, centers_warehouse, table)
    totals = "select center, channel, count(*), sum(net_rmb), sum(paid_rmb) from t group by all order by all"
    assert lake_rows(catalog, "sales", totals) == [
        ("NJ", "storefront", 2, Decimal("500.00"), Decimal("500.00")),
        ("SH", "exhibition", 1, Decimal("120000.00"), Decimal("120000.00")),
        ("SH", "storefront", 6, Decimal("1392.00"), Decimal("1392.00")),
        ("SH", "tmall", 4, Decimal("565.99"), Decimal("576.00"))]


def test_the_lake_s_files_are_objects_in_the_bucket_and_none_is_on_disk(s3_lake, centers_warehouse, tmp_path,
                                                                         monkeypatch):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    init_and_export(centers_warehouse)
    objects = s3_lake.objects()
    assert [shape(key) for key in objects] == [key for table in sorted(TABLES) for key in expected_objects(table)]
    catalog = lake_catalog.open_catalog()
    for table in TABLES:
        lake = catalog.load_table(lake_catalog.identifier(table))
        assert lake.metadata_location.removeprefix(f"s3://{s3_lake.bucket}/") in objects
        data_files = sorted(task.file.file_path for task in lake.scan().plan_files())
        assert data_files == [f"s3://{s3_lake.bucket}/{key}" for key in objects
                              if key.startswith(f"warehouse/tpc/{table}/data/")]
    # the key pair reaches the S3 client only: no metadata file holds it
    assert [key for key in objects if s3.SECRET_ACCESS_KEY.encode() in s3_lake.server.read(s3_lake.bucket, key)] == []
    assert list(workdir.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd"]


@pytest.mark.parametrize("unset, named", [
    (("AWS_ACCESS_KEY_ID",), "AWS_ACCESS_KEY_ID (or s3_access_key_id in [lake] of {secrets})"),
    (("AWS_SECRET_ACCESS_KEY",), "AWS_SECRET_ACCESS_KEY (or s3_secret_access_key in [lake] of {secrets})"),
    (("AWS_REGION",), "AWS_REGION (or s3_region in [lake] of {secrets})"),
    (("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
     "AWS_REGION (or s3_region in [lake] of {secrets}), AWS_ACCESS_KEY_ID (or s3_access_key_id in [lake] of "
     "{secrets}), AWS_SECRET_ACCESS_KEY (or s3_secret_access_key in [lake] of {secrets})"),
], ids=["key-id", "secret", "region", "all-three"])
def test_an_s3_warehouse_without_its_region_or_key_pair_exits_2_naming_them(s3_lake, centers_warehouse, unset, named,
                                                                            monkeypatch, capsys):
    for name in unset:
        monkeypatch.delenv(name)
    for command in (["lake", "init"], ["lake", "status"], ["lake", "export", "--db", str(centers_warehouse)]):
        assert main(command) == 2
        assert capsys.readouterr().err == (f"the s3:// lake warehouse needs {named.format(secrets=config.SECRETS_FILE)}"
                                           "\n")
    assert s3_lake.objects() == []


def test_the_endpoint_region_and_key_pair_in_secrets_toml_work_as_well_as_env_vars(s3_lake, centers_warehouse,
                                                                                     monkeypatch):
    for name, _ in config.LAKE_S3_SETTINGS.values():
        monkeypatch.delenv(name)
    config.SECRETS_FILE.write_text(f'buyer_key = "kept"\n\n[lake]\ns3_endpoint = "{s3_lake.server.endpoint}"\n'
                                   f's3_region = "{s3.REGION}"\ns3_access_key_id = "from-secrets"\n'
                                   f's3_secret_access_key = "secret-from-secrets"\n', encoding="utf-8")
    catalog = lake_catalog.open_catalog()
    assert {key: catalog.properties.get(key) for key in ("s3.endpoint", "s3.region", "s3.access-key-id",
                                                         "s3.secret-access-key", "s3.force-virtual-addressing")} == {
        "s3.endpoint": s3_lake.server.endpoint, "s3.region": "us-east-1", "s3.access-key-id": "from-secrets",
        "s3.secret-access-key": "secret-from-secrets", "s3.force-virtual-addressing": "false"}
    init_and_export(centers_warehouse)
    same_as_embedded(lake_catalog.open_catalog(), centers_warehouse, "sales")
    assert len([key for key in s3_lake.objects() if key.endswith(".parquet")]) == 19   # 7 sales, 1 leads, 6 marts, 5


def test_an_env_var_wins_over_secrets_toml_and_a_folder_warehouse_needs_no_s3_settings(s3_lake, monkeypatch):
    config.SECRETS_FILE.write_text('[lake]\ns3_region = "eu-west-1"\ns3_access_key_id = "from-secrets"\n',
                                   encoding="utf-8")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-env")
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("TPC_LAKE_S3_ENDPOINT")
    assert config.lake_s3() == config.LakeS3(endpoint=None, region="eu-west-1", access_key_id="from-env",
                                             secret_access_key=s3.SECRET_ACCESS_KEY)
    properties = lake_catalog.file_io_properties(s3_lake.warehouse)
    assert (properties["s3.access-key-id"], "s3.endpoint" in properties, "s3.force-virtual-addressing" in properties) \
        == ("from-env", False, False)
    for name, _ in config.LAKE_S3_SETTINGS.values():
        monkeypatch.delenv(name, raising=False)
    assert lake_catalog.file_io_properties("file:///srv/lake") == {}


def test_an_unreadable_secrets_toml_exits_2_naming_it(s3_lake, capsys):
    config.SECRETS_FILE.write_text("[lake\n", encoding="utf-8")
    assert main(["lake", "init"]) == 2
    assert capsys.readouterr().err.startswith(f"{config.SECRETS_FILE} is not valid TOML: ")


def test_a_missing_bucket_or_an_unreachable_server_exits_2_before_anything_is_written(s3_lake, monkeypatch, capsys):
    monkeypatch.setenv(config.LAKE_WAREHOUSE_ENV, "s3://tpc-no-such-bucket/warehouse")
    assert main(["lake", "init"]) == 2
    assert capsys.readouterr().err == (f"the lake's bucket tpc-no-such-bucket does not exist at "
                                       f"{s3_lake.server.endpoint}: create it first\n")
    closed = f"http://127.0.0.1:{s3.free_port()}"
    monkeypatch.setenv(config.LAKE_WAREHOUSE_ENV, s3_lake.warehouse)
    monkeypatch.setenv("TPC_LAKE_S3_ENDPOINT", closed)
    assert main(["lake", "init"]) == 2
    assert capsys.readouterr().err.startswith(f"the lake's bucket {s3_lake.bucket} cannot be reached at {closed}: ")
    assert s3_lake.objects() == []


def test_compact_sweeps_an_orphan_object_from_the_bucket_and_keeps_every_named_one(s3_lake, centers_warehouse):
    """A killed writer's data file is an object no snapshot names: once a day old compact deletes it, and only it."""
    import datetime as dt

    from etl.lake import compact

    init_and_export(centers_warehouse)
    named = s3_lake.objects()
    stray = "warehouse/tpc/sales/data/center=NJ/channel=storefront/sale_date_month=2020-01/00000-0-killed.parquet"
    s3_lake.server.client().put_object(Bucket=s3_lake.bucket, Key=stray, Body=b"PAR1 cut off")
    catalog = lake_catalog.open_catalog()
    [fresh] = compact.compact(catalog, "sales")
    assert fresh.orphans == 0 and stray in s3_lake.objects()   # younger than a day: maybe a publish about to commit
    [later] = compact.compact(catalog, "sales", now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    assert later.orphans == 1
    # (pyarrow's S3 file system leaves a zero-byte "folder/" marker where it deleted a key: no file, nothing reads it)
    assert [key for key in s3_lake.objects() if not key.endswith("/")] == named
    same_as_embedded(lake_catalog.open_catalog(), centers_warehouse, "sales")
