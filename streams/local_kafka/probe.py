"""A minimal Kafka wire-protocol probe: is a broker node serving clients yet?"""

from __future__ import annotations

import socket
import struct

from streams.local_kafka.prerequisites import LocalKafkaError

# The node is both broker and controller; one id is enough for a single-node cluster.
NODE_ID = 1


class _Reader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def unpack(self, fmt: str) -> tuple[int, ...]:
        values = struct.unpack_from(fmt, self._data, self._pos)
        self._pos += struct.calcsize(fmt)
        return tuple(int(v) for v in values)

    def string(self) -> str | None:
        (length,) = self.unpack(">h")
        if length < 0:
            return None
        raw = self._data[self._pos : self._pos + length]
        self._pos += length
        return raw.decode("utf-8")


def _request(sock: socket.socket, api_key: int, version: int, body: bytes) -> _Reader:
    """Send one request (header v1) and return a reader past the response header (v0)."""
    correlation_id = 1
    client_id = b"newswire-local-kafka"
    header = struct.pack(">hhih", api_key, version, correlation_id, len(client_id)) + client_id
    message = header + body
    sock.sendall(struct.pack(">i", len(message)) + message)
    (size,) = struct.unpack(">i", _recv_exactly(sock, 4))
    reader = _Reader(_recv_exactly(sock, size))
    (answered,) = reader.unpack(">i")
    if answered != correlation_id:
        raise ConnectionError(f"response to correlation id {answered}, not {correlation_id}")
    return reader


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        chunks += chunk
    return bytes(chunks)


_API_METADATA = 3
_API_VERSIONS = 18


def is_serving(host: str, port: int, node_id: int = NODE_ID, timeout: float = 2.0) -> bool:
    """True when the broker at host:port answers Kafka requests and lists itself as live.

    ApiVersions proves a Kafka request handler is behind the port; Metadata listing this
    node proves the broker has joined the KRaft cluster and is unfenced, which is when
    produce and consume requests succeed.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            versions = _request(sock, _API_VERSIONS, 0, b"")
            (error_code, count) = versions.unpack(">hi")
            if error_code != 0:
                return False
            supported = {}
            for _ in range(count):
                key, low, high = versions.unpack(">hhh")
                supported[key] = (low, high)
            low, high = supported.get(_API_METADATA, (1, 0))
            if not low <= 1 <= high:
                raise LocalKafkaError(f"broker does not speak Metadata v1 (has v{low}-v{high})")
            # Metadata v1 with an empty topic list: only the brokers and the controller.
            metadata = _request(sock, _API_METADATA, 1, struct.pack(">i", 0))
            (broker_count,) = metadata.unpack(">i")
            for _ in range(broker_count):
                (broker_id,) = metadata.unpack(">i")
                metadata.string()
                (broker_port,) = metadata.unpack(">i")
                metadata.string()
                if broker_id == node_id and broker_port == port:
                    return True
            return False
    except (OSError, ConnectionError, struct.error):
        return False


# --- The broker process ---------------------------------------------------------------


