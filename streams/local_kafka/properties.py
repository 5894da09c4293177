"""The broker's configuration files: ``server.properties`` and its Log4j settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from streams.certificates import KEYSTORE
from streams.local_kafka.probe import NODE_ID

if TYPE_CHECKING:
    from streams.local_kafka.server import LocalKafka

STORAGE_DIR = "kafka-logs"

# Log4j writes to the JVM's stdout, which LocalKafka.start sends to its log file together
# with anything the JVM itself prints (a crash, a missing class), in one ordered file.
LOG4J_CONFIG = "\n".join([
    "status = warn",
    # Kafka logs its own shutdown from a JVM shutdown hook; Log4j's hook
    # would stop logging first and lose those lines.
    "shutdownHook = disable",
    "appender.out.type = Console",
    "appender.out.name = out",
    "appender.out.target = SYSTEM_OUT",
    "appender.out.layout.type = PatternLayout",
    "appender.out.layout.pattern = [%d] %p %m (%c)%n",
    "rootLogger.level = INFO",
    "rootLogger.appenderRef.out.ref = out",
    # Every config object dumps all its values at INFO: hundreds of lines per
    # start that bury the lines that explain a failure.
    "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
    "logger.config.level = WARN",
    "logger.request.name = kafka.request.logger",
    "logger.request.level = WARN",
    "",
])


def server_settings(kafka: LocalKafka, controller_port: int, internal_port: int) -> dict[str, str]:
    """``server.properties`` for ``kafka``: a single node, broker and KRaft controller."""
    host, port = kafka.host, kafka.port
    # A static quorum (controller.quorum.voters, kraft.version 0) keeps the controller
    # endpoint out of the metadata log, so the controller port need not be kept: a
    # fresh one is picked at every start. Only the client port is part of the identity.
    return {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.voters": f"{NODE_ID}@{host}:{controller_port}",
        "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{host}:{port}",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        **_secured_settings(kafka, controller_port, internal_port),
        "log.dirs": str(kafka.data_dir / STORAGE_DIR),
        "num.partitions": str(kafka.partitions),
        "auto.create.topics.enable": "true",
        # One node: internal topics cannot have more than one replica.
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        # No point waiting for more members to join a group on a dev/test broker.
        "group.initial.rebalance.delay.ms": "0",
        # Room for a whole document in one message (newswire's file limit is 8 MiB
        # by default, and an event carries the decoded text).
        "message.max.bytes": str(32 * 1024 * 1024),
        "replica.fetch.max.bytes": str(32 * 1024 * 1024),
    }


def write_properties(path: Path, settings: dict[str, str]) -> Path:
    """Write ``settings`` as a Java properties file (rewritten at every start)."""
    lines = ["# Written by newswire at every start of the broker; edits are lost."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _secured_settings(
    kafka: LocalKafka, controller_port: int, internal_port: int
) -> dict[str, str]:
    """Listeners for a SASL and/or TLS client port (none for a plaintext one)."""
    protocol = kafka.security_protocol
    if protocol == "PLAINTEXT":
        return {}
    host, port = kafka.host, kafka.port
    settings = {
        "listeners": f"{protocol}://{host}:{port},INTERNAL://{host}:{internal_port},"
                     f"CONTROLLER://{host}:{controller_port}",
        "advertised.listeners": f"{protocol}://{host}:{port},"
                                f"INTERNAL://{host}:{internal_port}",
        "listener.security.protocol.map":
            f"{protocol}:{protocol},INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "INTERNAL",
    }
    if kafka.sasl_users:
        users = " ".join(f'user_{name}="{secret}"' for name, secret in kafka.sasl_users.items())
        settings["sasl.enabled.mechanisms"] = "PLAIN"
        settings[f"listener.name.{protocol.lower()}.plain.sasl.jaas.config"] = (
            f"org.apache.kafka.common.security.plain.PlainLoginModule required {users};")
    if kafka.tls:
        settings["ssl.keystore.type"] = "PEM"
        settings["ssl.keystore.location"] = str(kafka.tls_dir / KEYSTORE)
    if kafka.client_auth:
        settings["ssl.client.auth"] = "required"
        settings["ssl.truststore.type"] = "PEM"
        settings["ssl.truststore.location"] = str(kafka.ca_file)
    return settings
