"""Group commit: rows queued by many requests are written by one thread, several to a transaction, and each
request's future completes only once the transaction holding its row has committed."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

Row = tuple[Any, ...]
# Enough to take a burst in one transaction, small enough that one commit never holds the file for long.
MAX_BATCH = 256


class GroupCommitter:
    """One writer thread over `write(rows)` (one transaction); `submit(row)` returns the row's future.

    A batch that fails is written again row by row, so one bad row fails only its own request. `after` runs
    on the writer thread after each batch (periodic clean-up that must not delay an answer)."""

    def __init__(self, write: Callable[[Sequence[Row]], None], after: Callable[[], None] = lambda: None):
        self._write = write
        self._after = after
        self._queue: deque[tuple[Row, Future[None]]] = deque()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, row: Row) -> Future[None]:
        future: Future[None] = Future()
        with self._wake:
            if self._closed:
                raise RuntimeError("问答记录库已关闭")
            self._queue.append((row, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="policybot-records", daemon=True)
                self._thread.start()
            self._wake.notify()
        return future

    def close(self) -> None:
        """Commit what is queued, then stop the writer."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._closed:
                    self._wake.wait()
                if not self._queue:
                    return
                batch = [self._queue.popleft() for _ in range(min(MAX_BATCH, len(self._queue)))]
            self._commit(batch)
            self._after()

    def _commit(self, batch: list[tuple[Row, Future[None]]]) -> None:
        try:
            self._write([row for row, _ in batch])
        except Exception as exc:
            if len(batch) > 1:
                for one in batch:
                    self._commit([one])
            else:
                batch[0][1].set_exception(exc)
            return
        for _, future in batch:
            future.set_result(None)
