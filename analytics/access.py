"""Which centers the current reader may see: set once per page run, applied by every query's WHERE clause."""
from __future__ import annotations

import contextlib
import contextvars

# None: every center; a tuple: only these (possibly none at all). Until a run says who reads (the router's
# ui.auth.remember, a test, a bench), nothing is readable: a query that runs before the reader is known, or in a
# thread nobody set up, reads no center's rows rather than every center's.
_allowed: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar("allowed_centers", default=())
# the centers the reader picked in the frame (the URL's center=…): every query's default; empty: all they may see
_chosen: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("chosen_centers", default=())


def allowed() -> tuple[str, ...] | None:
    """The centers the current reader may see, or None for all of them."""
    return _allowed.get()


def allow(centers: tuple[str, ...] | None) -> None:
    """Limit this run (this thread's context) to these centers; None lifts the limit."""
    _allowed.set(tuple(centers) if centers is not None else None)


def choose(centers: tuple[str, ...] = ()) -> None:
    """The centers picked for this run: queries that name none read these (still within the limit)."""
    _chosen.set(tuple(centers))


def chosen() -> tuple[str, ...]:
    return _chosen.get()


@contextlib.contextmanager
def limited(centers: tuple[str, ...] | None):
    """The limit for the length of a block (tests, and work done for a reader outside a page run)."""
    token = _allowed.set(tuple(centers) if centers is not None else None)
    try:
        yield
    finally:
        _allowed.reset(token)


def visible(asked: tuple[str, ...] = (), picked: bool = True) -> tuple[str, ...] | None:
    """The centers a query may read: those asked for (else those picked, else all), within the reader's limit.

    None means no condition at all; an empty tuple means nothing may be read."""
    limit = allowed()
    asked = tuple(asked) or (chosen() if picked else ())
    if limit is None:
        return tuple(asked) or None
    return tuple(c for c in asked if c in limit) if asked else limit
