"""newswire on brokers that require authentication and TLS, as production brokers do.

The broker is Apache Kafka whose client port accepts only SASL/PLAIN without TLS
(``SASL_PLAINTEXT``), SASL/PLAIN over TLS (``SASL_SSL``), or TLS with a client
certificate (``SSL``, mutual TLS); certificates come from a CA made for the test. The
worker and the watcher get their credentials, CA and certificate from NEWSWIRE_*
settings (README, "Apache Kafka").
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.local_kafka import LocalKafka, check_prerequisites
from streams.sender import client_options
from streams.settings import Settings
from tests.harness import Pipeline, Proc, copy_into, deploy, truth, wait_for

pytestmark = pytest.mark.kafka

USER = "newswire"
PASSWORD = secrets.token_hex(8)


SASL = ["SASL_PLAINTEXT", "SASL_SSL"]


@pytest.fixture(scope="module", params=[*SASL, "SSL"])
def secured_kafka(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalKafka]:
    """Apache Kafka whose client port requires SASL/PLAIN (one user) with or without TLS,
    or TLS with a client certificate."""
    check_prerequisites()
    sasl = request.param in SASL
    kafka = LocalKafka(
        tmp_path_factory.mktemp("kafka-secured"), sasl_users={USER: PASSWORD} if sasl else None,
        tls=request.param != "SASL_PLAINTEXT", client_auth=not sasl,
    )
    kafka.start()
    assert kafka.security_protocol == request.param
    yield kafka
    kafka.stop()


def settings_for(kafka: LocalKafka, password: str = PASSWORD) -> dict[str, str]:
    """The NEWSWIRE_* settings a user gives to reach ``kafka``."""
    env = {"NEWSWIRE_SECURITY_PROTOCOL": kafka.security_protocol}
    if kafka.sasl_users:
        env.update(NEWSWIRE_SASL_MECHANISM="PLAIN", NEWSWIRE_SASL_USERNAME=USER,
                   NEWSWIRE_SASL_PASSWORD=password)
    if kafka.tls:
        env["NEWSWIRE_SSL_CAFILE"] = str(kafka.ca_file)
    if kafka.client_auth:
        certificate, key = kafka.client_certificate
        env.update(NEWSWIRE_SSL_CERTFILE=str(certificate), NEWSWIRE_SSL_KEYFILE=str(key))
    return env


@pytest.fixture
def deployment(
    request: pytest.FixtureRequest, secured_kafka: LocalKafka, tmp_path: Path
) -> Iterator[Pipeline]:
    """A deployment whose own readers connect as newswire does, from the same settings."""
    env = settings_for(secured_kafka)
    settings = Settings(**{key.removeprefix("NEWSWIRE_").lower(): value
                           for key, value in env.items()})
    client = client_options(settings)
    del client["bootstrap_servers"]  # the deployment's own
    yield from deploy(request, secured_kafka.url, tmp_path, client=client)


def test_pipeline_counts_exactly_on_a_secured_broker(
    deployment: Pipeline, secured_kafka: LocalKafka, corpus: Path
) -> None:
    deployment.extra_env.update(settings_for(secured_kafka))
    worker = deployment.worker().ready()
    deployment.watcher()
    files = copy_into(deployment.inbox, sorted(corpus.glob("*.txt")))
    expected, comments, doc_ids = truth(files)

    worker.wait_totals(dict(expected), 90, "the corpus counted through the secured broker")
    articles = deployment.read("articles", until=lambda e: len(e) >= len(doc_ids))
    assert {a["doc_id"] for a in articles} == doc_ids
    read = deployment.read("comments", until=lambda e: len(e) >= comments)
    assert len(read) == comments
    tail = deployment.cli("tail", "articles", "--idle", "5")
    assert {json.loads(line)["doc_id"] for line in tail.splitlines()} == doc_ids
    # aiokafka warns of a password sent without TLS: once per process, not per connection
    warned = 1 if secured_kafka.security_protocol == "SASL_PLAINTEXT" else 0
    for proc in deployment.procs:
        log = proc.log.read_text(errors="replace")
        assert log.count("Sending username and password in the clear") == warned


def _gives_up_with_one_line(proc: Proc, what: str) -> str:
    """Wait for ``proc`` to exit with status 1; its one ``Error:`` line."""
    wait_for(lambda: not proc.alive(), 30, f"{proc.name} to give up on {what}")
    out = proc.tail()
    assert proc.stop() == 1
    errors = [line for line in out.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, out
    assert "Traceback" not in out
    assert "not reachable" not in out  # not mistaken for a broker that is down
    return errors[0]


@pytest.mark.parametrize("secured_kafka", SASL, indirect=True)
@pytest.mark.parametrize("command", ["watch", "worker"])
def test_wrong_password_stops_with_one_line_that_says_so(
    deployment: Pipeline, secured_kafka: LocalKafka, command: str
) -> None:
    proc = deployment.spawn(command, command, *(["inbox"] if command == "watch" else []),
                            **settings_for(secured_kafka, password="not-the-password"))
    error = _gives_up_with_one_line(proc, "refused credentials")
    assert f"the broker at {deployment.bootstrap} refused the credentials" in error
    assert "Invalid username or password" in error
    assert "NEWSWIRE_SASL_PASSWORD" in error


@pytest.mark.parametrize("secured_kafka", ["SASL_SSL", "SSL"], indirect=True)
def test_untrusted_broker_certificate_stops_with_one_line(
    deployment: Pipeline, secured_kafka: LocalKafka
) -> None:
    env = settings_for(secured_kafka)
    del env["NEWSWIRE_SSL_CAFILE"]  # the system's CAs do not know the test CA
    error = _gives_up_with_one_line(deployment.spawn("watch", "watch", "inbox", **env),
                                    "an untrusted certificate")
    assert f"the TLS handshake with the broker at {deployment.bootstrap} failed" in error
    assert "CERTIFICATE_VERIFY_FAILED" in error
    assert "NEWSWIRE_SSL_CAFILE" in error


@pytest.mark.parametrize("secured_kafka", ["SSL"], indirect=True)
def test_missing_client_certificate_stops_with_one_line(
    deployment: Pipeline, secured_kafka: LocalKafka
) -> None:
    env = settings_for(secured_kafka)
    del env["NEWSWIRE_SSL_CERTFILE"], env["NEWSWIRE_SSL_KEYFILE"]
    error = _gives_up_with_one_line(deployment.spawn("watch", "watch", "inbox", **env),
                                    "a broker that wants a client certificate")
    assert f"the TLS handshake with the broker at {deployment.bootstrap} failed" in error
    # The broker's alert: no (valid) client certificate. JDK 17.0.21 sends TLS 1.3's
    # certificate_required; earlier builds sent bad_certificate.
    assert "BAD_CERTIFICATE" in error or "CERTIFICATE_REQUIRED" in error
    assert "NEWSWIRE_SSL_CERTFILE" in error


def test_plaintext_client_is_told_the_broker_may_require_sasl_or_tls(
    deployment: Pipeline,
) -> None:
    proc = deployment.spawn("watch", "watch", "inbox")  # no security settings at all
    try:
        wait_for(lambda: proc.tail().count("retrying in") >= 2, 30, "two retry lines")
        lines = [line for line in proc.tail().splitlines() if line.strip()]
        assert all("retrying in" in line for line in lines), "one line per attempt, no more"
        assert all("if it requires SASL or TLS, set NEWSWIRE_SECURITY_PROTOCOL" in line
                   for line in lines), lines
    finally:
        proc.stop(timeout=10)
