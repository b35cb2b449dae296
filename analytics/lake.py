"""Keep a dashboard server's read cache of the lake current: built on first start, rebuilt when the lake moves.

Every page run asks `keep_fresh()`. At most every $TPC_LAKE_REFRESH_SECONDS it compares the catalog's version
with the one the cache was built from; when they differ a background thread builds the new cache while the
pages go on reading the old one, and the next run reads the new file (analytics/db.py reopens a changed file).
One build at a time per process; N servers each keep their own and converge within one refresh.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from etl import config

log = logging.getLogger(__name__)


class Refresher:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.checked = 0.0
        self.built: str | None = None
        self.building: threading.Thread | None = None
        self.failure: str | None = None
        self.opened = None   # the catalog, opened once and asked every refresh (its engine keeps the connection)

    def catalog(self):
        from etl.lake.catalog import open_catalog

        if self.opened is None:
            self.opened = open_catalog()
        return self.opened

    def ensure_built(self) -> None:
        """The first start: build the cache now (the caller shows a spinner)."""
        from etl.lake import cache

        with self.lock:
            if self.built is None:
                self.built = cache.built_version(self.path)
            if self.built is None:
                self.built = cache.build(self.path, self.catalog()).key
                self.checked = time.monotonic()

    def keep_fresh(self, wait: bool = False) -> bool:
        """Start a rebuild when the lake moved since the cache was built; True when one was started (`wait`: and
        finished). Asks the catalog at most once per refresh interval, unless waiting."""
        from etl.lake import cache

        with self.lock:
            now = time.monotonic()
            if not wait and (now - self.checked < config.lake_refresh_seconds() or self.busy()):
                return False
            self.checked = now
            try:
                current = cache.version(self.catalog())
            except Exception:   # the catalog unreachable, or its connection broken: opened afresh next time
                self.opened = None
                raise
            if current == self.built:
                return False
            self.building = threading.Thread(target=self.rebuild, name="lake-cache", daemon=True)
            self.building.start()
            thread = self.building
        if wait:
            thread.join()
        return True

    def busy(self) -> bool:
        return self.building is not None and self.building.is_alive()

    def rebuild(self) -> None:
        from etl.lake import cache

        try:
            self.built = cache.build(self.path, self.catalog()).key
            self.failure = None
        except Exception as exc:   # the old cache stays readable; the next refresh tries again
            log.warning("lake cache not rebuilt: %s", exc)
            self.failure = str(exc)


_refreshers: dict[Path, Refresher] = {}
_lock = threading.Lock()


def refresher(path: Path | None = None) -> Refresher:
    path = Path(path or config.lake_cache_path()).resolve()
    with _lock:
        return _refreshers.setdefault(path, Refresher(path))
