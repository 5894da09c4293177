"""What /proc says about a process and its descendants: CPU time and memory."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (the worker and its parsing processes)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                pids += family(int(child))
    return pids


def cpu_seconds(pid: int, descendants: bool = True) -> float:
    """utime + stime of a process (and its descendants), from /proc/<pid>/stat."""
    total = 0.0
    for member in family(pid) if descendants else [pid]:
        with contextlib.suppress(OSError):  # a parsing process that just exited
            stat = Path(f"/proc/{member}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def memory_mb(pid: int, field_name: str = "VmHWM") -> float:
    """A memory figure of /proc/<pid>/status (VmHWM: peak resident set), in MB, summed
    over the process and its descendants."""
    total = 0.0
    for member in family(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith(f"{field_name}:"):
                    total += int(line.split()[1]) / 1024
    return total
