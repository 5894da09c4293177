"""What a local Apache Kafka needs: a JDK, and Maven once to resolve its classpath."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import socket
import subprocess
import threading
import uuid
from pathlib import Path

KAFKA_VERSION = "4.4.0"
"""Apache Kafka version run by :class:`LocalKafka`; the same as ``kafka.version`` in the POM."""

POM_PATH = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "pom.xml"

INSTALL_HINT = (
    "Apache Kafka needs a Java runtime (JDK 17+) and, for the first start, Maven: "
    "apt-get install openjdk-17-jdk-headless maven"
)



# Sized for a 2-core machine that also runs workers and tests; the GC flags are the ones
# Kafka's own start scripts use.
JVM_OPTIONS = (
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)


class KafkaPrerequisiteError(RuntimeError):
    """Java or Maven is missing; the message says what to install."""


class LocalKafkaError(RuntimeError):
    """The broker could not be prepared, exited, or did not start serving in time."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on ``host`` that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Same option as the JVM's listener, so a port in TIME_WAIT after our own
        # broker's stop still counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def java_executable() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java")


def _java_major_version(java: str) -> int | None:
    """Major version of ``java`` (17 for "17.0.15"), or None if it cannot be told."""
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        return None
    major = int(match.group(1))
    # Java 8 and older report "1.8.0_..."
    return int(match.group(2) or 0) if major == 1 else major


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newswire"


def _classpath_cache_file(pom: Path) -> Path:
    if not pom.is_file():
        raise LocalKafkaError(
            f"{pom} not found: the Kafka launcher resolves the broker from the POM in "
            "deploy/kafka/ of a newswire source checkout"
        )
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:16]
    return _cache_dir() / f"kafka-classpath-{digest}.txt"


def _cached_classpath(pom: Path) -> str | None:
    """The cached classpath for this POM, if every jar in it is still on disk."""
    cache = _classpath_cache_file(pom)
    if not cache.is_file():
        return None
    classpath = cache.read_text(encoding="utf-8").strip()
    jars = classpath.split(os.pathsep) if classpath else []
    # A cleaned ~/.m2 invalidates the cache: Maven will fetch the jars again.
    if not jars or not all(Path(jar).is_file() for jar in jars):
        return None
    return classpath


def check_prerequisites(pom: Path = POM_PATH) -> None:
    """Raise :class:`KafkaPrerequisiteError` unless Java 17+ (and Maven if needed) is present.

    Maven is only required while the classpath for ``pom`` is not cached yet.
    """
    java = java_executable()
    if java is None:
        raise KafkaPrerequisiteError(f"no 'java' on PATH. {INSTALL_HINT}")
    major = _java_major_version(java)
    if major is not None and major < 17:
        raise KafkaPrerequisiteError(
            f"Apache Kafka {KAFKA_VERSION} needs Java 17 or newer, found Java {major} "
            f"at {java}. {INSTALL_HINT}"
        )
    if _cached_classpath(pom) is None and shutil.which("mvn") is None:
        raise KafkaPrerequisiteError(
            f"no 'mvn' on PATH to fetch Apache Kafka {KAFKA_VERSION} from Maven Central. "
            f"{INSTALL_HINT}"
        )


def resolve_classpath(pom: Path = POM_PATH) -> str:
    """Return the broker's Java classpath, asking Maven only when it is not cached."""
    cached = _cached_classpath(pom)
    if cached is not None:
        return cached
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaPrerequisiteError(f"no 'mvn' on PATH. {INSTALL_HINT}")
    cache = _classpath_cache_file(pom)
    cache.parent.mkdir(parents=True, exist_ok=True)
    # Unique name: two test processes may resolve at once; the rename keeps it atomic.
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    base = [mvn, "-q", "-B", "-f", str(pom), "dependency:build-classpath"]
    base.append(f"-Dmdep.outputFile={partial}")
    # Offline first: after one resolution ~/.m2 has everything and Maven need not touch
    # the network (nor fail without one). Online only if that is not enough.
    errors = ""
    for offline in (True, False):
        command = [*base, "-o"] if offline else base
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode == 0 and partial.is_file():
            partial.replace(cache)
            classpath = cache.read_text(encoding="utf-8").strip()
            if classpath:
                return classpath
        errors = (result.stdout + result.stderr)[-4000:]
    partial.unlink(missing_ok=True)
    raise LocalKafkaError(f"Maven could not resolve Apache Kafka from {pom}:\n{errors}")


def new_cluster_id() -> str:
    """A cluster id as Kafka makes them: a random UUID in URL-safe base64, 22 characters."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        # Kafka's own generator skips ids starting with '-' (they read as a CLI flag).
        if not cluster_id.startswith("-"):
            return cluster_id


# --- Kafka wire protocol, just enough to tell that the broker serves clients ---------
