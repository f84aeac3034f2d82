"""Races for the concurrency tests (SECURITY.md T9): K writers save the same opened form at once.

`Writers(k)` starts k threads and keeps them for a whole run of trials. Each thread has
its own database connection (Django's connections are per thread), opened on its first
query and closed when the run ends, so a run of a thousand trials opens k connections,
not two thousand. For each trial, `race(calls)` hands one call to each thread; the threads
wait on a barrier and call together, as k app servers would save the same form at the
same moment. The outcomes come back in writer order: what each call returned, or what it
raised.

The threads only see committed rows, so a test that races writers runs with
`django_db(transaction=True)`. On SQLite the test database must be a file (the pytest
plugin makes one): an in-memory database is private to one connection.

`one_winner` and `AuditMark` hold the checks every trial makes: exactly one call saved,
every other one was refused as stale, and the audit log gained exactly one record.
"""

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from django.db import connection, connections
from django.utils import translation

from liangpai.core.models import AuditEvent

#: Seconds a writer waits at the barrier, and the main thread for an outcome, before the run is failed.
TIMEOUT = 60.0


@dataclass(frozen=True)
class Outcome:
    """What one writer's call did in one trial."""

    writer: int
    result: Any = None
    error: BaseException | None = None

    @property
    def saved(self) -> bool:
        return self.error is None


def check_shared_database() -> None:
    """Refuse to race on a database the writer threads cannot share."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError("concurrency tests need a file database on SQLite (see config/pytest_plugin.py)")


class Writers:
    """`count` writer threads, each with its own connection, that start every trial together."""

    def __init__(self, count: int) -> None:
        if count < 2:
            raise ValueError("a race needs at least two writers")
        check_shared_database()
        self.count = count
        self.trials = 0
        self._language = translation.get_language()
        self._barrier = threading.Barrier(count, timeout=TIMEOUT)
        self._inboxes: list[queue.SimpleQueue[Callable[[], Any] | None]] = [queue.SimpleQueue() for _ in range(count)]
        self._outcomes: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, args=(n,), name=f"writer-{n}", daemon=True) for n in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self, writer: int) -> None:
        try:
            # Messages in the language of the test, as the user's request would have them.
            with translation.override(self._language):
                while (call := self._inboxes[writer].get()) is not None:
                    try:
                        self._barrier.wait()
                        outcome = Outcome(writer, result=call())
                    except BaseException as exc:  # every outcome, whatever it is, goes back to the trial
                        outcome = Outcome(writer, error=exc)
                    self._outcomes.put(outcome)
        finally:
            connections.close_all()

    def race(self, calls: Sequence[Callable[[], Any]]) -> list[Outcome]:
        """Run one trial: call `calls[n]` on writer n, all released together; the outcomes in writer order."""
        if len(calls) != self.count:
            raise ValueError(f"{len(calls)} calls for {self.count} writers")
        for inbox, call in zip(self._inboxes, calls, strict=True):
            inbox.put(call)
        outcomes = sorted((self._outcomes.get(timeout=TIMEOUT) for _ in calls), key=lambda o: o.writer)
        broken = [o for o in outcomes if isinstance(o.error, threading.BrokenBarrierError)]
        if broken:
            raise RuntimeError("the writers did not all reach the barrier") from broken[0].error
        self.trials += 1
        return outcomes

    def close(self) -> None:
        """Stop the threads; each closes its connection on the way out."""
        for inbox in self._inboxes:
            inbox.put(None)
        for thread in self._threads:
            thread.join(TIMEOUT)
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            raise RuntimeError(f"writers still running: {alive}")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def one_winner(outcomes: Sequence[Outcome], conflict: type[BaseException]) -> Outcome:
    """The one outcome that saved; every other one must have raised `conflict` (a stale form)."""
    saved = [o for o in outcomes if o.saved]
    assert len(saved) == 1, f"{len(saved)} writers saved: {outcomes}"
    for outcome in outcomes:
        if not outcome.saved:
            assert type(outcome.error) is conflict, f"writer {outcome.writer} failed otherwise: {outcome.error!r}"
    return saved[0]


class AuditMark:
    """The audit log's position before a trial; `since()` is what the trial added."""

    def __init__(self) -> None:
        self.last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def since(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(id__gt=self.last_id).order_by("id"))
