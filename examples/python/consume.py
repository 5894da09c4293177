"""Read newswire topics as a consumer group with librdkafka: one JSON line per event,
{"topic", "key", "event"}; with --idle N, stops N seconds after the last one.
BOOTSTRAP is host:port of the broker line `newswire run` prints (its port is free-picked).

    pip install confluent-kafka
    python consume.py 127.0.0.1:PORT newswire.articles,newswire.actor-counts my-service
"""

import argparse
import json

from confluent_kafka import Consumer

parser = argparse.ArgumentParser()
parser.add_argument("bootstrap")
parser.add_argument("topics", help="comma-separated")
parser.add_argument("group")
parser.add_argument("--idle", type=float, default=None)
args = parser.parse_args()
consumer = Consumer({
    "bootstrap.servers": args.bootstrap,
    "group.id": args.group,
    "auto.offset.reset": "earliest",
    # The embedded broker makes a joining member wait half this timeout: 5 s, not 150.
    "max.poll.interval.ms": 10000, "session.timeout.ms": 10000,
})
consumer.subscribe(args.topics.split(","))
seen, quiet = 0, 0.0
while args.idle is None or not seen or quiet < args.idle:
    message = consumer.poll(1.0)
    if message is None:
        quiet += 1.0
        continue
    if message.error():
        raise SystemExit(str(message.error()))
    seen, quiet = seen + 1, 0.0
    print(json.dumps({"topic": message.topic(), "key": message.key().decode(),
                      "event": json.loads(message.value())}, ensure_ascii=False), flush=True)
consumer.close()
