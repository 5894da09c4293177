"""Documents parsed in processes beside the worker.

Parsing and actor recognition are most of a document's CPU time, and a Faust worker is
one thread. With ``NEWSWIRE_PARSE_PROCESSES`` = N > 0 the documents agent hands its
documents to N spawned processes (a ``ProcessPoolExecutor``) in chunks, and sends the
events of one chunk while the next is parsed; with 0 the worker parses them itself.

A parsing process gets documents and their positions and gives back their events as
bytes (:mod:`agents.prepared`). It ignores Ctrl-C (the worker handles it) and exits when
the worker's process is gone, killed or not. A parsing process that dies (killed, out of
memory) is replaced: its documents are parsed again one at a time, and a document the
parser dies on twice more, alone, is rejected (``parse_error``), so one poisonous file
cannot stop the stream.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from agents.extraction.actors import default_gazetteer
from agents.prepared import Failed, Prepared, prepare
from streams.models import FileEvent, Source
from streams.settings import Settings
from streams.worker import tune_gc

log = logging.getLogger("newswire.parse_pool")

# Documents per hand-over: enough to amortise it, few enough that the worker sends the
# first chunk's events while the parser is still on the next.
CHUNK = 8

Job = tuple[FileEvent, Source]
Result = Prepared | Failed


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """What a parsing process needs of the settings."""

    bucket_seconds: int
    ner: bool
    ner_model: str
    gc_threshold: int

    @classmethod
    def of(cls, settings: Settings) -> ParseOptions:
        return cls(settings.bucket_seconds, settings.ner, settings.ner_model,
                   settings.gc_threshold)


class ParserUnavailable(RuntimeError):
    """A parsing process could not start (the NER model is missing, for instance)."""


# -- inside a parsing process

_options: ParseOptions | None = None
_ner: Any = None
_failure: str | None = None


def _start(options: ParseOptions) -> None:
    """Pool initializer: set up a parsing process. A failure is kept for ``_ready`` to
    report (an initializer that raises only breaks the pool, without a reason)."""
    global _options, _ner, _failure
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="exit-with-worker",
                         daemon=True).start()
    try:
        default_gazetteer()
        if options.ner:
            from agents.extraction.ner import default_recognizer

            _ner = default_recognizer(options.ner_model)
            _ner.load()
    except Exception as exc:
        _failure = str(exc) or repr(exc)
        return
    _options = options
    tune_gc(options.gc_threshold)


def _exit_with(parent: Any) -> None:
    parent.join()
    os._exit(0)


def _ready() -> int:
    """The process id, once the process is ready; ParserUnavailable if it cannot be."""
    if _failure is not None:
        raise ParserUnavailable(_failure)
    return os.getpid()


def _prepare_chunk(jobs: Sequence[Job]) -> list[Result]:
    assert _options is not None, _failure
    gazetteer = default_gazetteer()
    return [
        prepare(file, gazetteer, bucket_seconds=_options.bucket_seconds, source=source,
                ner=_ner)
        for file, source in jobs
    ]


# -- in the worker


class DocumentParser:
    """Parses documents in ``processes`` processes, or in the calling one (0)."""

    def __init__(self, options: ParseOptions, processes: int) -> None:
        self.options = options
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._ner: Any = None

    async def start(self) -> None:
        """Start the processes (or load the NER model here) and wait until they are ready."""
        if self.processes == 0:
            if self.options.ner:
                from agents.extraction.ner import default_recognizer

                self._ner = default_recognizer(self.options.ner_model)
                await asyncio.to_thread(self._ner.load)  # seconds: not on the event loop
            return
        self._pool = self._new_pool()
        loop = asyncio.get_running_loop()
        ready = [loop.run_in_executor(self._pool, _ready) for _ in range(self.processes)]
        pids = await asyncio.gather(*ready)
        log.info("parsing in %d process(es): pid %s", self.processes,
                 ", ".join(map(str, sorted(set(pids)))))

    @property
    def pids(self) -> list[int]:
        """The parsing processes' ids (none when parsing inline)."""
        processes = getattr(self._pool, "_processes", None) or {}
        return sorted(processes)

    def close(self) -> None:
        """Stop the processes (they also stop by themselves when the worker exits)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def parse(self, jobs: Sequence[Job]) -> AsyncIterator[Result]:
        """The result of each job, in order, as soon as it is there."""
        if self._pool is None:
            for file, source in jobs:
                yield await self._inline(file, source)
            return
        chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
        submitted = [self._submit(chunk) for chunk in chunks]
        for chunk, (pool, future) in zip(chunks, submitted, strict=True):
            for result in await self._results(chunk, pool, future):
                yield result

    async def _inline(self, file: FileEvent, source: Source) -> Result:
        gazetteer = default_gazetteer()
        if self._ner is None:
            return prepare(file, gazetteer, bucket_seconds=self.options.bucket_seconds,
                           source=source)
        # tens of milliseconds: off the event loop (heartbeats, the web view)
        return await asyncio.to_thread(
            prepare, file, gazetteer, bucket_seconds=self.options.bucket_seconds,
            source=source, ner=self._ner,
        )

    async def _results(
        self, chunk: Sequence[Job], pool: ProcessPoolExecutor, future: Future[list[Result]]
    ) -> list[Result]:
        """A chunk's results. If its process died, the chunks that were only queued are
        submitted again whole; the one that was being parsed, one document at a time."""
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            queued = pool is not self._pool  # another chunk's failure was seen first
            self._replace(pool)
        if queued:
            pool, future = self._submit(chunk)
            try:
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                self._replace(pool)
        return [await self._alone(job) for job in chunk]

    async def _alone(self, job: Job) -> Result:
        """One document after a parsing process died: parsed again, alone, at most twice."""
        for _ in range(2):
            pool, future = self._submit([job])
            try:
                [result] = await asyncio.wrap_future(future)
                return result
            except BrokenProcessPool:
                self._replace(pool)
        return Failed("the parsing process died twice on this document")

    def _submit(self, jobs: Sequence[Job]) -> tuple[ProcessPoolExecutor, Future[list[Result]]]:
        pool = self._pool
        assert pool is not None
        try:
            return pool, pool.submit(_prepare_chunk, jobs)
        except BrokenProcessPool:  # broken since the last submission
            self._replace(pool)
            return self._submit(jobs)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A new pool in place of ``broken``, unless that was done already."""
        if broken is not self._pool:
            return
        log.error("a parsing process died; starting a new one and parsing its documents"
                  " again, one at a time")
        broken.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self.options,),
        )
