"""Fixtures of the lake tests, shared by every tests/test_lake*.py: a throwaway PostgreSQL for the session
(tests/pg.py) and, per test, an initialised lake (a fresh catalog database, a file:// warehouse in tmp); for the
s3:// lake, moto's S3 server for the session (tests/s3.py) and, per test, a bucket and the settings naming it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

import pg
import s3
from etl import config


@pytest.fixture(scope="session")
def postgres():
    """One throwaway server for the module's tests; each test gets a database of its own (lake fixture)."""
    try:
        server = pg.start()
    except pg.NoPostgres as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        pg.stop(server)


@pytest.fixture
def lake(postgres, tmp_path, monkeypatch, request):
    """An initialised lake: a fresh catalog database and a file:// warehouse folder; the env vars point at them."""
    import hashlib

    # one database per test, parametrized ones apart: PostgreSQL cuts names at 63 bytes
    name = ("lake_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:40] + "_"
            + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:8])
    monkeypatch.setenv(config.LAKE_CATALOG_ENV, postgres.create_database(name))
    monkeypatch.setenv(config.LAKE_WAREHOUSE_ENV, (tmp_path / "lake").as_uri())
    (tmp_path / "lake").mkdir()
    from etl.lake import catalog as lake_catalog, create

    catalog = lake_catalog.open_catalog()
    create.init(catalog)
    return catalog


@pytest.fixture(scope="session")
def s3_server():
    """One moto S3 server on 127.0.0.1 for the session; each test gets a bucket of its own (s3_lake fixture)."""
    server = s3.start()
    try:
        yield server
    finally:
        s3.stop(server)


@dataclass
class S3Lake:
    server: s3.Server
    bucket: str

    @property
    def warehouse(self) -> str:
        return f"s3://{self.bucket}/warehouse"

    def objects(self) -> list[str]:
        return self.server.objects(self.bucket)


# what could reach the S3 client besides our settings: a profile, a session token, ~/.aws, the EC2 metadata service
AWS_STRAYS = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")


@pytest.fixture
def s3_lake(postgres, s3_server, tmp_path, monkeypatch, request) -> S3Lake:
    """An s3:// lake, not initialised: a fresh catalog database and a fresh bucket, the warehouse s3://<bucket>/warehouse;
    the endpoint, region and key pair in their env vars, and secrets.toml a file in tmp that does not exist."""
    # the test's name, cut to fit both a database and a bucket name (63), and made unique by a hash of its id
    slug = "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:40].strip("_")
    slug += "_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:8]
    monkeypatch.setenv(config.LAKE_CATALOG_ENV, postgres.create_database("s3lake_" + slug))
    bucket = "tpc-" + slug.replace("_", "-")
    s3_server.create_bucket(bucket)
    lake = S3Lake(s3_server, bucket)
    monkeypatch.setenv(config.LAKE_WAREHOUSE_ENV, lake.warehouse)
    env = {"endpoint": s3_server.endpoint, "region": s3.REGION, "access_key_id": s3.ACCESS_KEY_ID,
           "secret_access_key": s3.SECRET_ACCESS_KEY}
    for field, (name, _) in config.LAKE_S3_SETTINGS.items():
        monkeypatch.setenv(name, env[field])
    for name in AWS_STRAYS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setattr(config, "SECRETS_FILE", tmp_path / "secrets.toml")
    return lake
