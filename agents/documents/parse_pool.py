"""Documents parsed in child processes of the worker (``NEWSWIRE_PARSE_PROCESSES``).

A child (``python -m agents.documents.parse_pool``) reads chunks of documents on its stdin and
writes each document's serialised events (:mod:`agents.documents.prepared`) on its stdout, as
length-prefixed pickles the worker's event loop reads and writes. Children run in
their own session (no Ctrl-C from the terminal), end when their stdin closes (the
worker exited, killed or not) and are replaced when they die or take longer than the
timeout on one document; README "Parsing processes" has the rules.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO, Any, TypeVar

from agents.documents.prepared import Failed, Prepared, prepare
from agents.extraction.actors import default_gazetteer
from streams.gc_tuning import tune_gc
from streams.models import FileEvent, Source
from streams.reasons import Reason
from streams.settings import Settings

log = logging.getLogger("newswire.parse_pool")

# Documents per hand-over: enough to amortise it, few enough that the worker sends the
# first chunk's events while the parser is on the next.
CHUNK = 8
# Chunks handed to a child ahead of the one whose results the worker waits for.
AHEAD = 1

Job = tuple[FileEvent, Source]
T = TypeVar("T")
Result = Prepared | Failed
_HEADER = 4  # bytes of a frame's length, big-endian
_MAX_FRAME = 1 << 30  # a longer "frame" is something else written on the pipe


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


class _Died(Exception):
    """The child closed its stdout: it is gone."""


def _frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_HEADER, "big") + data


# -- the child


def _read_frame(stream: IO[bytes]) -> Any:
    """The next object on ``stream``; None at its end."""
    header = stream.read(_HEADER)
    if len(header) < _HEADER:
        return None
    return pickle.loads(stream.read(int.from_bytes(header, "big")))


def child_main() -> None:
    """A parsing process: options, then chunks of jobs on stdin; on stdout, each job's
    result as soon as it is there."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    jobs_in = sys.stdin.buffer
    # Results only on the results pipe: whatever else writes to fd 1 (a library's
    # print, a C extension) goes to stderr.
    results_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    options: ParseOptions | None = _read_frame(jobs_in)
    if options is None:
        return
    ner = None
    try:
        default_gazetteer()
        if options.ner:
            from agents.extraction.ner import default_recognizer

            ner = default_recognizer(options.ner_model)
            ner.load()
    except Exception as exc:
        results_out.write(_frame(("failed", str(exc) or repr(exc))))
        results_out.flush()
        return
    tune_gc(options.gc_threshold)
    results_out.write(_frame(("ready", os.getpid())))
    results_out.flush()
    gazetteer = default_gazetteer()
    while (jobs := _read_frame(jobs_in)) is not None:
        for file, source in jobs:  # each result as soon as it is there
            results_out.write(_frame(prepare(
                file, gazetteer, bucket_seconds=options.bucket_seconds, source=source, ner=ner)))
            results_out.flush()


# -- in the worker


class _Child:
    """One parsing process, and the chunks it was given whose results are not read yet."""

    def __init__(self, options: ParseOptions, module: str) -> None:
        self.options = options
        self.module = module
        self.process: asyncio.subprocess.Process | None = None
        self.pending: deque[list[Job]] = deque()  # chunks given, less the jobs answered

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", self.module,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            limit=2**20, start_new_session=True,
        )
        self.pending.clear()
        self._write(self.options)
        try:
            kind, value = await self._read()
        except _Died:
            raise ParserUnavailable("the parsing process exited at start") from None
        if kind != "ready":
            raise ParserUnavailable(str(value))

    def give(self, jobs: Sequence[Job]) -> None:
        self._write(jobs)
        self.pending.append(list(jobs))

    async def result(self) -> Result:
        """The result of the oldest job given; _Died if the process is gone."""
        result: Result = await self._read()
        oldest = self.pending[0]
        del oldest[0]
        if not oldest:
            self.pending.popleft()
        return result

    def _write(self, obj: Any) -> None:
        assert self.process is not None and self.process.stdin is not None
        # Not drained: at most AHEAD + 1 chunks are in flight, and waiting for the pipe
        # while the child waits for its results to be read would deadlock.
        self.process.stdin.write(_frame(obj))

    async def _read(self) -> Any:
        assert self.process is not None and self.process.stdout is not None
        try:
            header = await self.process.stdout.readexactly(_HEADER)
            length = int.from_bytes(header, "big")
            if length > _MAX_FRAME:
                log.error("parsing process %s wrote something else than results: %r",
                          self.pid, header)
                raise _Died
            data = await self.process.stdout.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError):
            raise _Died from None
        return pickle.loads(data)

    async def restart(self) -> list[list[Job]]:
        """A new process in place of this one; the jobs the old one had not answered, by
        chunk (the first is the one it was on)."""
        lost = list(self.pending)
        await self.stop()
        await self.start()
        return lost

    async def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.returncode is None:
            process.kill()
        await process.wait()

    async def close(self, timeout: float) -> None:
        """End the process: it exits when its stdin closes (killed after ``timeout``)."""
        if self.process is None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            log.warning("parsing process %s did not exit in %g s: killed", self.pid, timeout)
        await self.stop()


class DocumentParser:
    """Parses documents in ``processes`` child processes, or in the calling one (0)."""

    module = __name__  # what the children run (``python -m``)

    def __init__(self, options: ParseOptions, processes: int, timeout: float = 120.0) -> None:
        self.options = options
        self.processes = processes
        self.timeout = timeout  # seconds a child may spend on one document
        self._children: list[_Child] = []
        self._ner: Any = None

    @property
    def pids(self) -> list[int]:
        """The parsing processes' ids (none when parsing inline)."""
        return sorted(pid for child in self._children if (pid := child.pid) is not None)

    async def start(self) -> None:
        """Start the processes (or load the NER model here) and wait until they are ready."""
        if self.processes == 0:
            if self.options.ner:
                from agents.extraction.ner import default_recognizer

                self._ner = default_recognizer(self.options.ner_model)
                await asyncio.to_thread(self._ner.load)  # seconds: not on the event loop
            return
        self._children = [_Child(self.options, self.module) for _ in range(self.processes)]
        try:
            await asyncio.gather(*(child.start() for child in self._children))
        except BaseException:
            await self.close()
            raise
        log.info("parsing in %d process(es): pid %s", self.processes,
                 ", ".join(map(str, self.pids)))

    async def close(self, timeout: float = 5.0) -> None:
        """End the processes: each finishes the chunk it is on, or is killed after
        ``timeout`` seconds."""
        await asyncio.gather(*(child.close(timeout) for child in self._children))

    async def __aenter__(self) -> DocumentParser:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def parse(
        self, tagged: Sequence[tuple[T, FileEvent, Source]]
    ) -> AsyncGenerator[tuple[T, Result], None]:
        """Each document's tag and result, in order, as soon as the result is there.

        Close the generator if you leave it early (``contextlib.aclosing``): children
        with answers still due are then stopped, and started again at the next call.
        """
        if not self._children:
            for tag, file, source in tagged:
                yield tag, await self._inline(file, source)
            return
        for child in self._children:
            if child.process is None:  # stopped when a call was left early
                await child.start()
        jobs = [(file, source) for _, file, source in tagged]
        chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
        count = len(self._children)
        given = 0
        try:
            for index, (tag, _, _) in enumerate(tagged):
                chunk = index // CHUNK
                while given < min(len(chunks), chunk + count * (AHEAD + 1)):
                    self._children[given % count].give(chunks[given])
                    given += 1
                yield tag, await self._result(self._children[chunk % count])
        finally:
            # Left early: answers still due must not be taken for the next call's.
            for child in self._children:
                if child.pending:
                    child.pending.clear()
                    await child.stop()

    async def _inline(self, file: FileEvent, source: Source) -> Result:
        work = partial(prepare, file, default_gazetteer(),
                       bucket_seconds=self.options.bucket_seconds, source=source, ner=self._ner)
        if self._ner is None:
            return work()
        return await asyncio.to_thread(work)  # tens of ms: off the event loop

    async def _result(self, child: _Child) -> Result:
        """The result of the oldest job ``child`` was given. If the child died, it is
        replaced: the document it was on is parsed again alone (``_alone``), the jobs
        after it are given to the new child as they were."""
        try:
            async with asyncio.timeout(self.timeout):
                return await child.result()
        except _Died:
            died = True
        except TimeoutError:
            died = False
        if died:
            log.error("a parsing process died (exit status %s); starting a new one and"
                      " parsing its documents again", child.process and await child.process.wait())
        current, *queued = await child.restart()
        job, *rest = current
        if died:
            result = await self._alone(child, job)
        else:
            log.error("parsing %s took more than %g s: rejected, parsing process replaced",
                      job[0].source_path, self.timeout)
            result = self._too_long()
        for jobs in ([rest] if rest else []) + queued:
            child.give(jobs)
        return result

    async def _alone(self, child: _Child, job: Job) -> Result:
        for _ in range(2):
            child.give([job])
            try:
                async with asyncio.timeout(self.timeout):
                    return await child.result()
            except TimeoutError:
                await child.restart()
                return self._too_long()
            except _Died:
                log.error("the parsing process died on %s", job[0].source_path)
                await child.restart()
        return Failed("the parsing process died twice on this document")

    def _too_long(self) -> Failed:
        return Failed(f"parsing took more than {self.timeout:g} s (NEWSWIRE_PARSE_TIMEOUT)",
                      reason=Reason.PARSE_TIMEOUT)


if __name__ == "__main__":
    child_main()
