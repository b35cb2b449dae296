"""Which centers the current reader may see: set once per page run, applied by every query's WHERE clause."""
from __future__ import annotations

import contextlib
import contextvars

# None: every center; a tuple: only these (possibly none at all)
_allowed: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar("allowed_centers", default=None)


def allowed() -> tuple[str, ...] | None:
    """The centers the current reader may see, or None for all of them."""
    return _allowed.get()


def allow(centers: tuple[str, ...] | None) -> None:
    """Limit this run (this thread's context) to these centers; None lifts the limit."""
    _allowed.set(tuple(centers) if centers is not None else None)


@contextlib.contextmanager
def limited(centers: tuple[str, ...] | None):
    """The limit for the length of a block (tests, and work done for a reader outside a page run)."""
    token = _allowed.set(tuple(centers) if centers is not None else None)
    try:
        yield
    finally:
        _allowed.reset(token)


def visible(asked: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The centers a query may read: those asked for (all when none are), within the reader's limit.

    None means no condition at all; an empty tuple means nothing may be read."""
    limit = allowed()
    if limit is None:
        return tuple(asked) or None
    return tuple(c for c in asked if c in limit) if asked else limit
