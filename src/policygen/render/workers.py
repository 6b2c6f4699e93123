"""Worker processes forked from this one: the PDF renderer's, and those that lay variants out.

A forked worker starts with everything its parent had read (the content, the templates, the
editions), so only small things cross between them: which item to do, and its result. The
function and the items are left where the fork will find them (`_task`), not sent: a closure
or a Jinja environment cannot be pickled, and need not be.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
# Below this many items the work is done here: forking and sending results back cost more
# than a variant or two take (a variant's pages take about 20 ms).
SERIAL_BELOW = 4
_task: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


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
               workers: int | None = None) -> list[Result]:
    """function(item) for each item, in the items' order, shared between forked workers.

    The results are the same, in the same order, as a plain loop's; an exception in a worker
    is raised here as it was raised there (the first in the items' order).
    """
    return list(iter_forked(function, items, workers))


def iter_forked(function: Callable[[Item], Result], items: Sequence[Item],
                workers: int | None = None) -> Iterator[Result]:
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
    _task = (function, items)
    try:
        with forked_pool(count) as pool:
            # Small chunks, so that a worker that drew long items is not left working alone.
            chunk = max(1, len(items) // (count * 8))
            yield from pool.map(_do, range(1, len(items)), chunksize=chunk)
    finally:
        _task = None


def _do(index: int) -> Any:
    assert _task is not None, "a worker forked without its task"
    function, items = _task
    return function(items[index])
