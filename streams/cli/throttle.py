"""How many lines ``newswire run`` prints: one per document while documents come at a
reading pace, one summary line every few seconds once they come faster (a drop of
thousands of files must not scroll thousands of lines past the user)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.markup import escape

COUNTED = "counted"


@dataclass
class Throttle:
    """A token bucket of lines: ``burst`` lines at once, then ``rate`` per second.

    What does not fit is held and summed (documents counted, rejections by reason,
    mentions by actor) into one line at most every ``every`` seconds.
    """

    rate: float = 5.0
    burst: int = 20
    every: float = 2.0
    top: int = 3
    _tokens: float = field(init=False)
    _refilled: float | None = field(default=None, init=False)
    _held_since: float | None = field(default=None, init=False)
    _held: Counter[str] = field(default_factory=Counter, init=False)
    _mentions: Counter[str] = field(default_factory=Counter, init=False)

    def __post_init__(self) -> None:
        self._tokens = float(self.burst)

    def offer(self, now: float, kind: str, line: str,
              mentions: dict[str, int] | None = None) -> list[str]:
        """The lines to print now for one event of ``kind`` (``counted`` or a
        rejection reason) whose own line is ``line``."""
        self._refill(now)
        # Every event spends a token, printed or not (down to -burst), so that lines
        # come back only once the pace has stayed below ``rate`` for a while.
        self._tokens = max(self._tokens - 1, -float(self.burst))
        if self._held_since is None and self._tokens >= 0:
            return [line]
        if self._held_since is None:
            self._held_since = now
        self._held[kind] += 1
        self._mentions.update(mentions or {})
        return self.flush(now)

    def flush(self, now: float, force: bool = False) -> list[str]:
        """The summary line of what is held, once ``every`` seconds have passed since
        the first held event (or at once with ``force``); call it on every poll."""
        if self._held_since is None or (not force and now - self._held_since < self.every):
            return []
        line = summary_line(self._held, self._mentions, now - self._held_since, self.top)
        self._held.clear()
        self._mentions.clear()
        self._held_since = None
        return [line]

    def _refill(self, now: float) -> None:
        if self._refilled is not None:
            self._tokens = min(float(self.burst),
                               self._tokens + (now - self._refilled) * self.rate)
        self._refilled = now


def summary_line(held: Counter[str], mentions: Counter[str], seconds: float,
                 top: int) -> str:
    """``… 412 counted, 3 empty_file in the last 2.0 s · Russia 812, NATO 400, Ukraine
    301`` (rich markup)."""
    parts = [f"{held[COUNTED]} counted"] if held[COUNTED] else []
    parts += [f"{n} {kind}" for kind, n in sorted(held.items()) if kind != COUNTED]
    leaders = ", ".join(f"{escape(name)} {n}" for name, n in
                        sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
    tail = f" · {leaders}" if leaders else ""
    return f"[bold]… {escape(', '.join(parts))}[/] in the last {seconds:.1f} s[dim]{tail}[/]"
