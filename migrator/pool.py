"""Work spread over worker processes in batches that start small and grow, results in order."""

from __future__ import annotations

import itertools
import queue
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

# Items sent to a worker at a time. The first batches are small, so that a short run spreads
# over every worker; the size doubles every few batches up to the largest, which amortises
# the round trip through the pool (on trees of small clean files, 8 paths a batch cost 30%
# more than 128). A batch is still small enough that the workers finish close together.
BATCH_SIZE = 8
MAX_BATCH_SIZE = 128

T = TypeVar("T")
R = TypeVar("R")


def in_pool(
    items: Iterable[T],
    jobs: int,
    task: Callable[[list[T]], list[R]],
    initializer: Callable[..., None],
    initargs: tuple[object, ...],
    first: int = BATCH_SIZE,
) -> Iterator[tuple[T, R]]:
    """Each item with its result from ``task``, run over batches of items in ``jobs`` worker
    processes, each set up by ``initializer(*initargs)``; in the items' order. ``first``: the
    size of the first batches (1 for items that may each take seconds)."""
    # Imported here: a run that stays in-process (the pre-commit case) does not pay for it.
    import multiprocessing

    batches = Batches(items, first, MAX_BATCH_SIZE, every=2 * jobs)
    with multiprocessing.Pool(jobs, initializer, initargs) as pool:
        # imap keeps the order of the batches, so diffs come out in a stable order too.
        for results in pool.imap(task, batches):
            batch = batches.sent.get()  # put before it was sent, so never waits
            yield from zip(batch, results)
        # Let the workers finish on their own: leaving the block would stop them with
        # SIGTERM, which is for a run cut short.
        pool.close()
        pool.join()


class Batches(Generic[T]):
    """Groups items and remembers each batch until it is back."""

    def __init__(self, items: Iterable[T], first: int, largest: int, *, every: int) -> None:
        self._items = iter(items)
        self._first = first
        self._largest = largest
        self._every = every  # batches of one size before the size doubles
        self.sent: queue.SimpleQueue[list[T]] = queue.SimpleQueue()

    def __iter__(self) -> Iterator[list[T]]:
        size = self._first
        for count in itertools.count(1):
            batch = list(itertools.islice(self._items, size))
            if not batch:
                return
            self.sent.put(batch)
            yield batch
            if count % self._every == 0:
                size = min(size * 2, self._largest)
