"""Share read-only look-ups between the parts of one page while it is drawn.

The incident dashboard is assembled from panels that other apps register, and several of them ask the same question
(the registry's stamp, the desk's stamp, the obligations at this moment, the desk settings). Inside
``with page_memo():`` a selector wrapped in ``memoized`` answers each distinct question once; outside it every call
runs as before. The memo lives in a context variable, so it belongs to one request (thread or task) and ends with the
``with`` block; nothing is shared between requests or users.

Only read-only page views open a memo, after any write of theirs: an answer kept in it is not refreshed by a write made
later in the same block.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("breachdesk_page_memo", default=None)


@contextmanager
def page_memo() -> Iterator[None]:
    """Open a memo for the look-ups of one page; nested blocks share the outer one."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """Return ``compute()``, or inside ``page_memo()`` the value kept under ``key`` by an earlier call."""
    store = _memo.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]  # type: ignore[return-value]
