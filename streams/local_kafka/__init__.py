"""A local single-node Apache Kafka (KRaft, no ZooKeeper) run on the local JDK.

The broker comes from its Maven Central artifacts (``deploy/kafka/pom.xml``), so tests
and users get the real Apache Kafka without Docker or a downloaded tarball. Maven is only
needed once: the resolved classpath is cached, keyed by the POM's hash, and Maven's own
local repository (``~/.m2``) keeps the jars.

A data directory holds everything one broker owns, so a restart on the same directory
comes back with the same port, cluster id and topics::

    data_dir/
        local-kafka.json    cluster id and client port, chosen once
        server.properties   written at every start
        log4j2.properties   written at every start
        kafka-logs/         the formatted storage: topics and the KRaft metadata log
        broker.log          JVM output and broker log (unless ``log_file`` says otherwise)
        broker.pid          the JVM's pid while it runs
"""

from streams.local_kafka.prerequisites import (
    INSTALL_HINT,
    KAFKA_VERSION,
    POM_PATH,
    KafkaPrerequisiteError,
    LocalKafkaError,
    check_prerequisites,
    free_port,
    new_cluster_id,
    resolve_classpath,
)
from streams.local_kafka.probe import is_serving
from streams.local_kafka.server import LocalKafka

__all__ = [
    "INSTALL_HINT",
    "KAFKA_VERSION",
    "POM_PATH",
    "KafkaPrerequisiteError",
    "LocalKafka",
    "LocalKafkaError",
    "check_prerequisites",
    "free_port",
    "is_serving",
    "new_cluster_id",
    "resolve_classpath",
]
