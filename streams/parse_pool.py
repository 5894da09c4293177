"""Documents parsed in child processes of the worker.

Parsing and actor recognition are most of a document's CPU time, and a Faust worker is
one thread. With ``NEWSWIRE_PARSE_PROCESSES`` = N > 0 the documents agent hands its
documents to N children (``python -m streams.parse_pool``) in chunks, and sends each
document's events as soon as they come back, while the child parses the next; with 0
the worker parses them itself.

A child reads chunks of documents from its stdin and writes each document's events,
serialised (:mod:`agents.prepared`), to its stdout: length-prefixed pickles, read and
written by the worker's event loop (no threads). It ignores Ctrl-C (the worker handles
it) and ends when its stdin closes: when the worker exits, killed or not. A child that
dies (killed, out of memory) is replaced: the document it was on is parsed again alone,
twice at most, then rejected (``parse_error``), so one poisonous file cannot stop the
stream; the documents after it are given to the new child as they were.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from agents.extraction.actors import default_gazetteer
from agents.prepared import Failed, Prepared, prepare
from streams.gc_tuning import tune_gc
from streams.models import FileEvent, Source
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


def prepare_chunk(jobs: Sequence[Job], options: ParseOptions, ner: Any = None) -> list[Result]:
    """A chunk's results, in order."""
    gazetteer = default_gazetteer()
    return [prepare(file, gazetteer, bucket_seconds=options.bucket_seconds, source=source,
                    ner=ner) for file, source in jobs]


def child_main() -> None:
    """A parsing process: options, then chunks of jobs on stdin; on stdout, each job's
    result as soon as it is there."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    jobs_in, results_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but results on the results pipe
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
        self.given: deque[list[Job]] = deque()  # chunks, less the jobs answered

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", self.module,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            limit=2**20,
        )
        self.given.clear()
        self._write(self.options)
        try:
            kind, value = await self._read()
        except _Died:
            raise ParserUnavailable("the parsing process exited at start") from None
        if kind != "ready":
            raise ParserUnavailable(str(value))

    def give(self, jobs: Sequence[Job]) -> None:
        self._write(jobs)
        self.given.append(list(jobs))

    async def result(self) -> Result:
        """The result of the oldest job given; _Died if the process is gone."""
        result: Result = await self._read()
        oldest = self.given[0]
        del oldest[0]
        if not oldest:
            self.given.popleft()
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
            data = await self.process.stdout.readexactly(int.from_bytes(header, "big"))
        except (asyncio.IncompleteReadError, ConnectionError):
            raise _Died from None
        return pickle.loads(data)

    async def restart(self) -> list[list[Job]]:
        """A new process in place of this one; the jobs the old one had not answered, by
        chunk (the first is the one it was on)."""
        lost = list(self.given)
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

    def __init__(self, options: ParseOptions, processes: int) -> None:
        self.options = options
        self.processes = processes
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

    async def parse(
        self, tagged: Sequence[tuple[T, FileEvent, Source]]
    ) -> AsyncIterator[tuple[T, Result]]:
        """Each document's tag and result, in order, as soon as the result is there."""
        if not self._children:
            for tag, file, source in tagged:
                yield tag, await self._inline(file, source)
            return
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
            # Left early (the agent stopped): answers still due must not be taken for
            # the next call's.
            for child in self._children:
                if child.given:
                    await child.restart()

    async def _inline(self, file: FileEvent, source: Source) -> Result:
        if self._ner is None:
            return prepare_chunk([(file, source)], self.options)[0]
        # tens of milliseconds: off the event loop (heartbeats, the web view)
        [result] = await asyncio.to_thread(prepare_chunk, [(file, source)], self.options,
                                           self._ner)
        return result

    async def _result(self, child: _Child) -> Result:
        """The result of the oldest job ``child`` was given. If the child died, it is
        replaced: the rest of the chunk it was on is parsed again one document at a
        time, and the chunks it had not begun are given again, whole."""
        try:
            return await child.result()
        except _Died:
            pass
        log.error("a parsing process died (exit status %s); starting a new one and parsing"
                  " its documents again", child.process and await child.process.wait())
        current, *queued = await child.restart()
        job, *rest = current
        result = await self._alone(child, job)
        for jobs in ([rest] if rest else []) + queued:
            child.give(jobs)
        return result

    async def _alone(self, child: _Child, job: Job) -> Result:
        for _ in range(2):
            child.give([job])
            try:
                return await child.result()
            except _Died:
                log.error("the parsing process died on %s", job[0].source_path)
                await child.restart()
        return Failed("the parsing process died twice on this document")


if __name__ == "__main__":
    child_main()
