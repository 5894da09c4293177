"""The top actors after ``newswire run`` on generated documents, checked for junk.

As a user runs it: generated documents (half of them news on other subjects, with
people and organisations that exist nowhere) are put in an inbox, ``newswire run`` (the
embedded broker, default settings: NER on) counts them, and the web view's top actors
are read. Every actor of the documents is known: the gazetteer's, or one of the invented
names of :mod:`benchmarks.world_news`. Any other actor in the top is junk (a fragment, a
non-entity): the script lists the top, marks junk, and exits 1 if there is any.

    python -m benchmarks.top_actors --n 1000 --top 50
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from agents.extraction.actors import default_gazetteer
from agents.extraction.names import slug
from benchmarks.generate import write_documents
from benchmarks.world_news import UNKNOWN_ORGS, UNKNOWN_PEOPLE
from streams.broker import free_port

REPO = Path(__file__).resolve().parents[1]


def expected_ids() -> set[str]:
    """Ids an actor of the generated documents may have."""
    ids = set(default_gazetteer().actors)
    for first, last in UNKNOWN_PEOPLE:
        ids |= {slug(f"{first} {last}"), slug(last)}
    for name, acronym in UNKNOWN_ORGS:
        ids.add(slug(name))
        if acronym:
            ids.add(slug(acronym))
    return ids


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def _articles(url: str) -> int:
    """Articles the worker has processed (the latency histogram's count)."""
    for line in _get(f"{url}/metrics").decode().splitlines():
        if line.startswith("newswire_processing_latency_seconds_count"):
            return int(float(line.split()[-1]))
    return 0


def run(n: int, top: int, world: float, folder: Path) -> list[dict[str, object]]:
    """Put ``n`` documents in an inbox, count them with ``newswire run``; the top actors."""
    inbox = folder / "inbox"
    write_documents(inbox, n, 0, 8, world)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWIRE_")}
    env.update(NEWSWIRE_DATA_DIR=str(folder / "data"), NEWSWIRE_WEB_PORT=str(port),
               PYTHONPATH=str(REPO))
    log = (folder / "run.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "streams.cli", "run", str(inbox)],
                               env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        done = 0
        while done < n:
            if process.poll() is not None:
                raise SystemExit(f"newswire run exited ({process.returncode}): see {log.name}")
            time.sleep(2)
            try:
                done = _articles(url)
            except OSError:
                continue
            print(f"\r{done}/{n} documents counted", end="", file=sys.stderr, flush=True)
        print(f"\r{n} documents counted in {time.monotonic() - started:.0f} s",
              file=sys.stderr)
        time.sleep(3)  # the last mentions reach the counting agent
        rows: list[dict[str, object]] = json.loads(_get(f"{url}/actors?limit={top}"))
        return rows
    finally:
        process.terminate()
        process.wait(60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="generated documents")
    parser.add_argument("--top", type=int, default=50, help="actors checked")
    parser.add_argument("--world", type=float, default=0.5,
                        help="share of documents on other subjects than the corpus's")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newswire-top-") as tmp:
        rows = run(args.n, args.top, args.world, Path(tmp))
    known = expected_ids()
    junk = [row for row in rows if row["id"] not in known]
    for rank, row in enumerate(rows, 1):
        mark = "  JUNK" if row in junk else ""
        print(f"{rank:>3} {row['id']:<40} {row['type']:<13} {row['mentions']:>7}{mark}")
    print(f"top {len(rows)} actors after {args.n} documents: {len(junk)} junk")
    return 1 if junk else 0


if __name__ == "__main__":
    raise SystemExit(main())
