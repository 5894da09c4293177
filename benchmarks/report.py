"""The figures of benchmark runs, for people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["report", "scale_table"]


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def report(result: dict[str, Any]) -> str:
    """The figures of one run, for people."""
    lines = [
        f"documents                     {result['n']} (mean {result['doc_kb_mean']} KB),"
        f" store {result['store']}, {result['partitions']} partitions,"
        f" {result['parse_processes']} parsing process(es),"
        f" {'NER' if result['ner'] else 'gazetteer only (--fast)'},"
        f" {result['world_share']:.0%} news on other subjects",
        f"pipeline                      {result['docs_per_s']:.1f} docs/s,"
        f" {result['comments_per_s']:.1f} comment events/s ({result['seconds']} s)",
        f"latency at {result['rate']:g} docs/s offered   p50 {result['p50_ms']} ms,"
        f" p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms"
        f" ({result['latency_docs']} docs); until parsed: p50 {result['parsed_p50_ms']} ms,"
        f" p99 {result['parsed_p99_ms']} ms",
        f"worker peak RSS               {result['rss_mb']} MB (with its parsing processes)",
        f"worker CPU                    {result['cpu_s_per_1000_docs']} s per 1,000 docs"
        f" (of which parsing processes: {result['parse_cpu_s_per_1000_docs']} s;"
        f" Apache Kafka: {result['kafka_cpu_s_per_1000_docs']} s)",
        f"messages written per document {result['messages_per_doc']}",
    ]
    lines += [f"    {topic:<40} {count}"
              for topic, count in result["messages_per_doc_by_topic"].items()]
    lines += [
        f"in-process ceiling            {result['ceiling_docs_per_s']:.1f} docs/s",
        f"pipeline / ceiling            {_ratio(result['pipeline_vs_ceiling'])}",
        f"worker CPU / ceiling's CPU    {_ratio(result['cpu_vs_ceiling'])}"
        " (per document; the rest is the cost of running on Kafka)",
    ]
    if result.get("peer_docs_per_s") is not None:
        lines += [
            f"Quix Streams peer             {result['peer_docs_per_s']:.1f} docs/s"
            f" (RSS {result['peer_rss_mb']} MB, {result['peer_cpu_s_per_1000_docs']} CPU s"
            f" per 1,000 docs, {result['peer_messages_per_doc']} messages/doc)",
            f"newswire / peer               {_ratio(result['newswire_vs_peer'])}",
        ]
    return "\n".join(lines)


def scale_table(results: Sequence[dict[str, Any]]) -> list[str]:
    """The lines of the --scale summary: a header, then one row per run."""
    lines = [f"{'N':>8} {'docs/s':>9} {'ceiling':>9} {'ratio':>6} {'CPU s/1k':>9}"
             f" {'RSS MB':>8} {'p99 ms':>8}"]
    for r in results:
        lines.append(f"{r['n']:>8} {r['docs_per_s']:>9.1f} {r['ceiling_docs_per_s']:>9.1f}"
                     f" {r['pipeline_vs_ceiling']:>6.2f} {r['cpu_s_per_1000_docs']:>9.2f}"
                     f" {r['rss_mb']:>8.1f} {r['p99_ms']:>8.1f}")
    return lines
