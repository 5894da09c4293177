"""Why a bootstrap failed: the direct connection streams.broker makes to tell."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import KafkaConnectionError

from streams.broker import NotPlaintext, cluster_id_of, free_port


async def test_listener_that_cuts_plaintext_off_is_named() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(4)  # the first request's length, as a TLS or SASL port would
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        with pytest.raises(NotPlaintext, match="if it requires SASL or TLS, set NEWSWIRE_"):
            await cluster_id_of({"bootstrap_servers": f"127.0.0.1:{port}"}, timeout=2)


async def test_nobody_listening_stays_a_connection_error() -> None:
    with pytest.raises(KafkaConnectionError) as failure:
        await cluster_id_of({"bootstrap_servers": f"127.0.0.1:{free_port()}"}, timeout=2)
    assert not isinstance(failure.value, NotPlaintext)


async def test_address_without_a_port_is_diagnosed_without_crashing() -> None:
    with pytest.raises(KafkaConnectionError):  # aiokafka's default port 9092, nobody there
        await cluster_id_of({"bootstrap_servers": "nonexistent.invalid"}, timeout=2)
