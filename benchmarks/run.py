"""newswire's benchmark: the real pipeline on a local Apache Kafka, its in-process
ceiling and a Quix Streams peer, in one run on the same documents.

    python -m benchmarks.run --n 2000 [--json] [--no-peer] [--rate 100] [--store rocksdb://]
    python -m benchmarks.run --scale [--sizes 1000,10000,100000]

See benchmarks/README.md for what is measured and how. The command line is here; the
run itself is in :mod:`benchmarks.measure`, its report in :mod:`benchmarks.report`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from benchmarks.deployment import REPO, Deployment, Phase, offer_files, send_files
from benchmarks.measure import (
    APP_ID,
    PEER_PREFIX,
    PREFIX,
    WARMUP,
    Options,
    log,
    percentile,
    run,
)
from benchmarks.procstats import cpu_seconds, family, memory_mb
from benchmarks.report import report, scale_table

__all__ = [
    "APP_ID", "PEER_PREFIX", "PREFIX", "REPO", "WARMUP", "Deployment", "Options", "Phase",
    "cpu_seconds", "family", "log", "main", "memory_mb", "offer_files", "percentile",
    "report", "run", "send_files",
]


def _parser() -> argparse.ArgumentParser:
    """The benchmark's command line."""
    parser = argparse.ArgumentParser(description="newswire's benchmark")
    parser.add_argument("--n", type=int, default=2000, help="documents in the burst")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True,
                        help="also run the Quix Streams peer")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="offered load of the latency phase, docs/s")
    parser.add_argument("--latency-docs", type=int, default=None,
                        help="documents of the latency phase (default: 10 s of load, at most N)")
    parser.add_argument("--store", default="memory://", help="Faust table store (rocksdb://)")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--parse-processes", type=int, default=-1,
                        help="the worker's parsing processes (NEWSWIRE_PARSE_PROCESSES;"
                             " default: the worker's own)")
    parser.add_argument("--fast", action="store_true",
                        help="gazetteer only, no NER (newswire run --fast)")
    parser.add_argument("--world", type=float, default=0.5,
                        help="share of generated documents on other subjects than the corpus's")
    parser.add_argument("--warmup", type=int, default=WARMUP,
                        help="documents processed before the measured burst (at least 1)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--scale", action="store_true", help="run each of --sizes")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--profile", type=Path, help="py-spy collapsed stacks of the burst")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    return parser


def _options(args: argparse.Namespace, n: int, peer: bool) -> Options:
    """The options of one run of ``n`` documents (its own folder under --keep with --scale)."""
    keep = args.keep / f"n{n}" if args.keep and args.scale else args.keep
    return Options(
        n=n, rate=args.rate, latency_docs=args.latency_docs, peer=peer, store=args.store,
        partitions=args.partitions, parse_processes=args.parse_processes, seed=args.seed,
        fast=args.fast, world=args.world,
        warmup=max(1, args.warmup),
        timeout=args.timeout,
        profile=args.profile, keep=keep,
    )


def _scale(args: argparse.Namespace) -> int:
    """Run each of --sizes, report each, then a table of them all."""
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        result = run(_options(args, n, args.peer))
        results.append(result)
        print(report(result), flush=True)
        print(flush=True)
    for line in scale_table(results):
        print(line)
    if args.json:
        print(json.dumps({"scale": results}, sort_keys=True))
    return 0


def missing_extra(peer: bool) -> str | None:
    """What to install before a run that compares with the peer, if it is missing."""
    if peer and importlib.util.find_spec("quixstreams") is None:
        return ("the Quix Streams peer needs the bench extra: pip install -e '.[bench]'"
                " (or run with --no-peer)")
    return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    missing = missing_extra(args.peer)
    if missing:  # before any work: a run takes minutes
        print(f"benchmark: {missing}", file=sys.stderr)
        return 2
    if args.scale:
        return _scale(args)
    result = run(_options(args, args.n, args.peer))
    print(report(result))
    if args.json:
        print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
