"""Fixtures of the lake tests, shared by every tests/test_lake*.py: a throwaway PostgreSQL for the session
(tests/pg.py) and, per test, an initialised lake (a fresh catalog database, a file:// warehouse in tmp)."""
from __future__ import annotations

import pytest

import pg
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
