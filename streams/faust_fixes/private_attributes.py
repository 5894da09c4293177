"""Every private attribute of Faust and aiokafka this package reads, writes or overrides.

``tests/test_faust_fixes.py`` checks each against the installed libraries, so an
upgrade that renames one fails there, before a worker misbehaves. Add an entry with
every new reach into a library's internals (ruff's SLF rule allows it in this package
only).
"""

from __future__ import annotations

#: "module:Class" (or "module" for a module attribute) -> the attributes used
PRIVATE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    # current_event: the context variable behind faust.current_event()
    "faust.streams": ("_current_event",),
    # consumer_state, rewind, continuity: the consumer's offset bookkeeping
    "faust.transport.drivers.aiokafka:Consumer": (
        "_read_offset", "_committed_offset", "_gap", "_paused_partitions",
        "_unacked_messages", "_thread",
    ),
    "faust.transport.drivers.aiokafka:AIOKafkaConsumerThread": ("_ensure_consumer",),
    # direct_send: the aiokafka producer behind Faust's
    "faust.transport.drivers.aiokafka:Producer": ("_ensure_producer",),
    "aiokafka:AIOKafkaProducer": ("_metadata", "_message_accumulator"),
    # direct_send.deliver: the batches the producer holds and has in flight
    "aiokafka.producer.message_accumulator:MessageAccumulator": (
        "_batches", "_pending_batches", "flush_for_commit",
    ),
    # consumer_state: a consumer exists only once a worker made one
    "faust.app.base:App": ("_consumer",),
    # worker: the signal handlers a stop replaces
    "faust.worker:Worker": ("_on_sigterm", "_on_sigint"),
    # consumer_state (watchdog): the Kafka client's fetch and group state
    "aiokafka:AIOKafkaConsumer": ("_subscription", "_coordinator", "_fetcher"),
    "aiokafka.consumer.fetcher:Fetcher": ("_fetch_task", "_in_flight", "_records"),
    "aiokafka.consumer.group_coordinator:GroupCoordinator": ("_commit_refresh_task",),
    "aiokafka.consumer.subscription_state:TopicPartitionState": ("_committed_futs",),
}
