"""The Faust worker class newswire runs, with a stop that cannot lose a document and
garbage collection tuned for its allocation pattern.

Faust's graceful stop (revoke, wait for streams, commit, flush) was measured to lose
documents now and then: a few files events committed although their outputs never
reached the broker, so neither the restarted worker nor another one processed them
again. A crash never loses anything here: Faust flushes the producer before each
periodic commit, and the counting agents skip documents a table value already holds
(agents.counting). So a stop is made a clean crash: flush what was produced, leave
offsets where the last periodic commit put them, exit. The cost is some work done
again by the next owner of the partitions, and a rebalance that waits for the session
timeout instead of a LeaveGroup.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import faust

from streams.gc_tuning import tune_gc
from streams.settings import get_settings

log = logging.getLogger("newswire.worker")


class Worker(faust.Worker):
    """A Faust worker that stops on SIGTERM/SIGINT by flushing and exiting."""

    _exiting: asyncio.Future[None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # newswire's commands set logging up themselves (a log file, a quiet terminal:
        # streams/cli/common.py); mode would replace it with its own handlers.
        kwargs["override_logging"] = False
        super().__init__(*args, **kwargs)
        if self.quiet:  # its escape sequences would reach the terminal all the same
            self.spinner = None

    async def on_first_start(self) -> None:
        # Imported here: the app loads this class while it is built, before the
        # modules that the background work uses can import it.
        from streams import background

        tune_gc(get_settings().gc_threshold)
        background.install(self.app)
        await super().on_first_start()

    def _on_sigterm(self) -> None:
        self._stop_now("SIGTERM")

    def _on_sigint(self) -> None:
        self._stop_now("SIGINT")

    def _stop_now(self, signal_name: str) -> None:
        log.info("%s: flushing the producer and stopping; uncommitted documents will be"
                 " processed again by the next owner (idempotent)", signal_name)
        self._exiting = asyncio.ensure_future(self._flush_and_exit(), loop=self.loop)

    async def _flush_and_exit(self) -> None:
        app: Any = self.app
        try:
            await asyncio.wait_for(app.producer.flush(), timeout=10.0)
        except Exception as exc:  # exiting anyway: nothing uncommitted is lost
            log.warning("producer flush before exit failed: %r", exc)
        logging.shutdown()
        os._exit(0)
