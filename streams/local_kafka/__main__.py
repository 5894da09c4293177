"""``python -m streams.local_kafka``: a local Apache Kafka until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path

from streams.local_kafka.prerequisites import KAFKA_VERSION, KafkaPrerequisiteError, LocalKafkaError
from streams.local_kafka.server import LocalKafka


def main(argv: list[str] | None = None) -> int:
    """Run a local Apache Kafka until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m streams.local_kafka",
        description=f"Run a single-node Apache Kafka {KAFKA_VERSION} (KRaft) on the local JDK.",
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="broker state and logs")
    parser.add_argument("--port", type=int, default=None, help="client port (default: kept)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--partitions", type=int, default=1, help="num.partitions default")
    parser.add_argument("--log-file", type=Path, default=None, help="default: DATA_DIR/broker.log")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for start")
    args = parser.parse_args(argv)

    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    kafka = LocalKafka(
        args.data_dir, args.port, args.host, args.log_file, partitions=args.partitions
    )
    try:
        started = time.monotonic()
        kafka.start(timeout=args.timeout)
    except (KafkaPrerequisiteError, LocalKafkaError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"Apache Kafka {KAFKA_VERSION} serving on {kafka.bootstrap} ({kafka.url}), "
        f"started in {time.monotonic() - started:.1f} s; log: {kafka.log_file}",
        flush=True,
    )
    try:
        while not stopping.wait(1.0):
            if not kafka.running:
                print(f"error: Apache Kafka exited:\n{kafka.log_tail()}", file=sys.stderr)
                return 1
    finally:
        kafka.stop()
    print("Apache Kafka stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
