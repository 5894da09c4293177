"""The deployment files: docker-compose.yml must be valid and describe the real setup."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.harness import REPO


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """docker-compose.yml as docker-compose itself resolves it (`docker-compose config`)."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is needed to validate docker-compose.yml:"
                    " apt-get install docker-compose")
    result = subprocess.run(
        [binary, "-f", str(REPO / "docker-compose.yml"), "config"],
        capture_output=True, text=True, check=False, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


def volumes(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(source, target) of a service's volumes, in short or long syntax."""
    pairs = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            pairs.append((str(volume.get("source")), str(volume["target"])))
        else:
            source, target = str(volume).split(":")[:2]
            pairs.append((source, target))
    return pairs


def test_kafka_runs_in_kraft_mode_with_a_volume_and_a_healthcheck(compose: dict[str, Any]) -> None:
    from streams.local_kafka import KAFKA_VERSION

    kafka = compose["services"]["kafka"]
    assert kafka["image"] == f"apache/kafka:{KAFKA_VERSION}"  # the version the tests run
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "ZOOKEEPER" not in " ".join(kafka["environment"])
    assert ("kafka-data", "/var/lib/kafka/data") in volumes(kafka)
    assert "kafka-data" in compose["volumes"]
    assert "kafka-broker-api-versions" in " ".join(kafka["healthcheck"]["test"])
    assert kafka["restart"] == "unless-stopped"


def test_workers_scale_and_watcher_mounts_the_inbox(compose: dict[str, Any]) -> None:
    services = compose["services"]
    worker, watcher = services["worker"], services["watcher"]
    assert worker["environment"]["NEWSWIRE_BROKER"] == "kafka://kafka:9092"
    # No fixed host port and no container_name: `--scale worker=3` works.
    assert "container_name" not in worker
    assert all(str(p.get("published", "")) in ("", "None") for p in worker["ports"]
               if isinstance(p, dict))
    assert "newswire" in worker["command"] and "worker" in worker["command"]
    inbox = [source for source, target in volumes(watcher) if target == "/inbox"]
    assert inbox and inbox[0].startswith("/"), "the inbox is a bind mount of a host folder"
    assert watcher["command"][:2] == ["newswire", "watch"]
    for service in (worker, watcher):
        assert service["restart"] == "unless-stopped"
        assert service["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    assert "--partitions" in " ".join(services["topics"]["entrypoint"])


def test_every_topic_is_created_by_compose(compose: dict[str, Any]) -> None:
    from streams.settings import TOPICS

    script = " ".join(compose["services"]["topics"]["entrypoint"])
    assert all(name in script for name in TOPICS)
