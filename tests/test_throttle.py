"""How many lines ``newswire run`` prints when documents come slowly, and when fast."""

from __future__ import annotations

from streams.cli.throttle import COUNTED, Throttle


def test_documents_at_reading_pace_get_a_line_each() -> None:
    throttle = Throttle(rate=5.0, burst=20, every=2.0)
    shown = []
    for n in range(200):  # one document a second for 200 s
        shown += throttle.offer(float(n), COUNTED, f"doc {n}")
        shown += throttle.flush(float(n))
    assert shown == [f"doc {n}" for n in range(200)]


def test_a_burst_prints_its_first_lines_then_a_summary_every_period() -> None:
    throttle = Throttle(rate=5.0, burst=20, every=2.0, top=2)
    shown: list[str] = []
    for n in range(1000):  # 1,000 documents in 5 s
        now = n * 0.005
        shown += throttle.offer(now, COUNTED, f"doc {n}", {"Russia": 2, "NATO": n % 2})
        shown += throttle.flush(now)
    shown += throttle.flush(5.0, force=True)
    lines, summaries = shown[:20], shown[20:]
    assert lines == [f"doc {n}" for n in range(20)]
    assert 2 <= len(summaries) <= 4
    assert all(s.startswith("[bold]… ") and "Russia" in s for s in summaries)
    held = sum(int(s.removeprefix("[bold]… ").split(" ")[0]) for s in summaries)
    assert held == 1000 - 20  # every document is in a line or in a summary


def test_a_summary_sums_rejections_by_reason_and_mentions_by_actor() -> None:
    throttle = Throttle(rate=1.0, burst=1, every=1.0, top=2)
    assert throttle.offer(0.0, COUNTED, "first") == ["first"]
    assert throttle.offer(0.1, COUNTED, "x", {"Hamas": 3, "Israël": 1}) == []
    assert throttle.offer(0.2, "empty_file", "y") == []
    assert throttle.offer(0.3, COUNTED, "z", {"Israël": 4, "[red]": 9}) == []
    assert throttle.offer(0.4, "empty_file", "w") == []
    (line,) = throttle.flush(1.1)
    assert line == (r"[bold]… 2 counted, 2 empty_file[/] in the last 1.0 s"
                    r"[dim] · \[red] 9, Israël 5[/]")
    assert throttle.flush(5.0, force=True) == []  # nothing left held


def test_lines_come_back_once_the_pace_drops() -> None:
    throttle = Throttle(rate=2.0, burst=2, every=1.0)
    for n in range(10):
        throttle.offer(n * 0.01, COUNTED, "fast")
    assert throttle.flush(1.1) != []
    assert throttle.offer(1.2, COUNTED, "slow again") == []  # the bucket refills first
    assert throttle.flush(2.2) != []
    assert throttle.offer(4.0, COUNTED, "calm") == ["calm"]
