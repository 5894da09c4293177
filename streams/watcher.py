"""The directory producer: every new, completely written file in the inbox goes to
``newswire.files`` once per broker.

A file is sent when its size and modification time have been stable for
``settle_seconds``. A ledger records what was acknowledged (acks=all), scoped to the
broker's cluster id: a restart against the same broker sends nothing twice, while a new
embedded broker (memory only, new cluster id) gets the whole inbox replayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from streams.ingest import is_candidate, read_document
from streams.models import FileEvent, RejectedEvent
from streams.sender import Sender
from streams.settings import Settings

log = logging.getLogger("newswire.watcher")
_BATCH = 256


@dataclass(frozen=True, slots=True)
class Stamp:
    """What identifies one version of a file on disk."""

    size: int
    mtime_ns: int
    device: int = 0
    inode: int = 0


class Ledger:
    """Files acknowledged by one broker, kept in SQLite under the data directory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS sent (name TEXT, size INTEGER, mtime_ns INTEGER,"
            " doc_id TEXT, outcome TEXT, at REAL, PRIMARY KEY (name, size, mtime_ns))"
        )
        self._db.commit()

    def has(self, name: str, stamp: Stamp) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM sent WHERE name = ? AND size = ? AND mtime_ns = ?",
            (name, stamp.size, stamp.mtime_ns),
        ).fetchone()
        return row is not None

    def record(self, rows: Iterable[tuple[str, Stamp, str | None, str]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO sent VALUES (?, ?, ?, ?, ?, ?)",
            [(name, s.size, s.mtime_ns, doc_id, outcome, time.time())
             for name, s, doc_id, outcome in rows],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()


def ledger_path(settings: Settings, cluster_id: str) -> Path:
    """Where the ledger for one broker lives."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in cluster_id) or "unknown"
    return settings.data_dir / "watcher" / f"ledger-{safe}.sqlite3"


def open_for_writing() -> set[tuple[int, int]]:
    """(device, inode) of the files some process holds open for writing.

    Read from Linux's /proc (empty elsewhere, or for processes we may not inspect). A
    writer that keeps its file open while it appends slowly is waited for, whatever the
    pauses between its writes; one that closes the file between writes is caught by the
    settle time only.
    """
    busy: set[tuple[int, int]] = set()
    try:
        processes = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return busy
    for pid in processes:
        try:
            descriptors = os.listdir(f"/proc/{pid}/fdinfo")
        except OSError:
            continue
        for fd in descriptors:
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as info:
                    flags = int(_flags(info), 8)
                if flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                    target = os.stat(f"/proc/{pid}/fd/{fd}")
                    if stat.S_ISREG(target.st_mode):
                        busy.add((target.st_dev, target.st_ino))
            except (OSError, ValueError, IndexError):
                continue
    return busy


def _flags(info: Iterable[str]) -> str:
    for line in info:
        if line.startswith("flags:"):
            return line.split()[1]
    raise ValueError("no flags line")


def _stamp(path: Path) -> Stamp | None:
    """Size and mtime of a file (or a symlink itself); None for folders and vanished files."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if stat.S_ISDIR(info.st_mode):
        return None
    return Stamp(info.st_size, info.st_mtime_ns, info.st_dev, info.st_ino)


class Watcher:
    """Watches one inbox directory (not its subfolders) and sends what settles there."""

    def __init__(
        self,
        settings: Settings,
        sender: Sender,
        *,
        report: Callable[[Path, FileEvent | RejectedEvent], None] | None = None,
    ) -> None:
        self.settings = settings
        # Absolute: watchfiles reports absolute paths, compared with the inbox below.
        self.inbox = settings.inbox.absolute()
        self.sender = sender
        self.report = report
        self.ledger: Ledger | None = None
        self._pending: dict[Path, tuple[Stamp, float]] = {}
        self.sent = 0
        self.rejected = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Scan the inbox, then follow it until ``stop`` is set."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.ledger = Ledger(ledger_path(self.settings, self.sender.cluster_id))
        try:
            await self.scan()
            follower = asyncio.create_task(self._follow(stop))
            try:
                while not stop.is_set():
                    await self._flush_settled()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.settings.settle_seconds / 2)
            finally:
                follower.cancel()
                await asyncio.gather(follower, return_exceptions=True)
        finally:
            self.ledger.close()

    async def scan(self) -> None:
        """Send the files already in the inbox (oldest first) once they are settled."""
        found = sorted(
            (p for p in self.inbox.iterdir() if is_candidate(p.name)),
            key=lambda p: (_stamp(p) or Stamp(0, 0)).mtime_ns,
        )
        now = time.monotonic()
        for path in found:
            stamp = _stamp(path)
            if stamp is not None and not self._already_sent(path, stamp):
                self._pending[path] = (stamp, now)
        if not self._pending:
            log.info("inbox %s: nothing new", self.inbox)
            return
        total = len(self._pending)
        log.info("inbox %s: %d file(s) to send", self.inbox, total)
        while self._pending:
            await asyncio.sleep(self.settings.settle_seconds)
            await self._flush_settled()

    async def _follow(self, stop: asyncio.Event) -> None:
        async for changes in watchfiles.awatch(
            self.inbox, stop_event=stop, recursive=False, debounce=100, step=50,
            rust_timeout=1000, yield_on_timeout=False,
        ):
            now = time.monotonic()
            for change, raw in changes:
                path = Path(raw)
                if change == watchfiles.Change.deleted or path.parent != self.inbox:
                    continue
                stamp = _stamp(path)
                if stamp is not None and is_candidate(path.name):
                    self._pending[path] = (stamp, now)

    def _already_sent(self, path: Path, stamp: Stamp) -> bool:
        assert self.ledger is not None
        return self.ledger.has(path.name, stamp)

    async def _flush_settled(self) -> int:
        """Send pending files that have not changed for ``settle_seconds``; count them."""
        now = time.monotonic()
        ready: list[tuple[Path, Stamp]] = []
        for path, (stamp, since) in list(self._pending.items()):
            current = _stamp(path)
            if current is None:  # deleted before it was read: nothing to send
                del self._pending[path]
            elif current != stamp:
                self._pending[path] = (current, now)
            elif now - since >= self.settings.settle_seconds:
                if self._already_sent(path, stamp):
                    del self._pending[path]
                else:
                    ready.append((path, stamp))
        if ready:
            busy = open_for_writing()
            still_written = [(p, s) for p, s in ready if (s.device, s.inode) in busy]
            for path, stamp in still_written:
                self._pending[path] = (stamp, now)  # a writer still holds it open
            ready = [(p, s) for p, s in ready if (s.device, s.inode) not in busy]
        done = 0
        for start in range(0, len(ready), _BATCH):
            done += await self._send(ready[start : start + _BATCH])
        return done

    async def _send(self, batch: list[tuple[Path, Stamp]]) -> int:
        events = [
            read_document(path, max_bytes=self.settings.max_file_bytes, inbox=self.inbox)
            for path, _ in batch
        ]
        acknowledged = await self.sender.send_all(events)
        rows: list[tuple[str, Stamp, str | None, str]] = []
        for (path, stamp), event, ok in zip(batch, events, acknowledged, strict=True):
            if not ok:
                continue  # stays pending: retried on the next pass
            del self._pending[path]
            if isinstance(event, FileEvent):
                self.sent += 1
                rows.append((path.name, stamp, event.doc_id, "sent"))
                log.info("sent %s (%s)", path.name, event.doc_id[:12])
            else:
                self.rejected += 1
                rows.append((path.name, stamp, None, event.reason))
                log.info("rejected %s: %s (%s)", path.name, event.reason, event.detail)
            self._after(path, event)
            if self.report is not None:
                self.report(path, event)
        assert self.ledger is not None
        self.ledger.record(rows)
        if len(rows) < len(batch):
            await asyncio.sleep(1.0)  # the broker refused some: do not spin
        return len(rows)

    def _after(self, path: Path, event: FileEvent | RejectedEvent) -> None:
        """Leave, move or delete a file once the broker has acknowledged it."""
        if self.settings.after_send == "leave" or not path.exists():
            return
        if isinstance(event, RejectedEvent):
            target = self.inbox / "rejected"
        elif self.settings.after_send == "delete":
            path.unlink(missing_ok=True)
            return
        else:
            target = self.inbox / "processed"
        target.mkdir(exist_ok=True)
        shutil.move(str(path), target / path.name)
