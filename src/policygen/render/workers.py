"""Worker processes forked from this one: the PDF renderer's, and those that lay variants out.

A forked worker starts with everything its parent had read (the content, the templates, the
editions), so only small things cross between them: which item to do, and its result. The
function and the items are left where the fork will find them (`_task`), not sent: a closure
or a Jinja environment cannot be pickled, and need not be.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, is_dataclass
from multiprocessing import get_context
from typing import IO, Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
# Below this many items the work is done here: forking and sending results back cost more
# than a variant or two take (a variant's pages take about 20 ms).
SERIAL_BELOW = 4
_ABSENT = object()  # what the table gives for an object not in it (None may be sent as is)
_task: tuple[Callable[[Any], Any], Sequence[Any], dict[int, object]] | None = None


def prepare_worker() -> None:
    """What the parent had read before the fork stays shared: the collector leaves it alone."""
    gc.freeze()


def forked_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes forked from this one (when its first job is submitted)."""
    return ProcessPoolExecutor(workers, get_context("fork"), initializer=prepare_worker)


def worker_count(workers: int | None, items: int) -> int:
    """How many processes to share `items` between: one (no pool) for few items or one core."""
    wanted = workers or os.cpu_count() or 1
    return 1 if items < SERIAL_BELOW else max(1, min(wanted, items))


def map_forked(function: Callable[[Item], Result], items: Sequence[Item],
               workers: int | None = None, shared: object = None) -> list[Result]:
    """function(item) for each item, in the items' order, shared between forked workers.

    The results are the same, in the same order, as a plain loop's; an exception in a worker
    is raised here as it was raised there (the first in the items' order). Where a result
    holds a part of `shared` (the base publication, which a variant keeps most of), it comes
    back as that very object, not a copy, as it would from a plain loop.
    """
    return list(iter_forked(function, items, workers, shared))


def iter_forked(function: Callable[[Item], Result], items: Sequence[Item],
                workers: int | None = None, shared: object = None) -> Iterator[Result]:
    """As map_forked, each result given as soon as it and those before it are done (so that
    the caller can write one edition's pages while the workers render the next)."""
    count = worker_count(workers, len(items))
    if count <= 1:
        yield from (function(item) for item in items)
        return
    # The first item here, before the fork: what it compiles and caches on the way (templates,
    # patterns, imports) is then in every worker, not made again in each.
    yield function(items[0])
    global _task
    table = _parts(shared)
    _task = (function, items, table)
    try:
        with forked_pool(count) as pool:
            # Small chunks, so that a worker that drew long items is not left working alone.
            chunk = max(1, len(items) // (count * 8))
            for sent in pool.map(_do, range(1, len(items)), chunksize=chunk):
                yield _SharedUnpickler(io.BytesIO(sent), table).load()
    finally:
        _task = None


def _do(index: int) -> bytes:
    assert _task is not None, "a worker forked without its task"
    function, items, table = _task
    sent = io.BytesIO()
    _SharedPickler(sent, table).dump(function(items[index]))
    return sent.getvalue()


class _SharedPickler(pickle.Pickler):
    """Sends a part of the shared value as its id: the worker was forked with the very same
    objects, at the same addresses, so the id names the object that the parent holds."""

    def __init__(self, file: IO[bytes], table: dict[int, object]) -> None:
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self._table = table

    def persistent_id(self, obj: object) -> int | None:
        return id(obj) if self._table.get(id(obj), _ABSENT) is obj else None


class _SharedUnpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], table: dict[int, object]) -> None:
        super().__init__(file)
        self._table = table

    def persistent_load(self, pid: Any) -> object:
        return self._table[pid]


def _parts(value: object) -> dict[int, object]:
    """Every dataclass and tuple inside the value, by id (strings and numbers are cheap to
    send, and too many to look up)."""
    found: dict[int, object] = {}
    waiting = [value] if value is not None else []
    while waiting:
        part = waiting.pop()
        if id(part) in found:
            continue
        if isinstance(part, tuple):
            found[id(part)] = part
            waiting.extend(part)
        elif is_dataclass(part) and not isinstance(part, type):
            found[id(part)] = part
            waiting.extend(getattr(part, f.name) for f in fields(part))
    return found
