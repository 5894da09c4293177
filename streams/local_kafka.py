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

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self, TypedDict

from streams.certificates import (
    CA_FILE,
    CLIENT_CERTIFICATE,
    CLIENT_KEY,
    KEYSTORE,
    CertificateError,
    make_certificates,
)

KAFKA_VERSION = "4.4.0"
"""Apache Kafka version run by :class:`LocalKafka`; the same as ``kafka.version`` in the POM."""

POM_PATH = Path(__file__).resolve().parent.parent / "deploy" / "kafka" / "pom.xml"

INSTALL_HINT = (
    "Apache Kafka needs a Java runtime (JDK 17+) and, for the first start, Maven: "
    "apt-get install openjdk-17-jdk-headless maven"
)

# The node is both broker and controller; one id is enough for a single-node cluster.
_NODE_ID = 1
_STATE_FILE = "local-kafka.json"
_STORAGE_DIR = "kafka-logs"
_PID_FILE = "broker.pid"
_LOG_TAIL_LINES = 60

# Sized for a 2-core machine that also runs workers and tests; the GC flags are the ones
# Kafka's own start scripts use.
_JVM_OPTIONS = (
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)


class _State(TypedDict, total=False):
    """What a data directory remembers between starts (``local-kafka.json``)."""

    cluster_id: str
    port: int
    kafka_version: str


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


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Same option as the JVM's listener, so a port in TIME_WAIT after our own
        # broker's stop still counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _java_executable() -> str | None:
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
    java = _java_executable()
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


def is_serving(host: str, port: int, node_id: int = _NODE_ID, timeout: float = 2.0) -> bool:
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


class LocalKafka:
    """One Apache Kafka node (broker and KRaft controller) owning ``data_dir``.

    ``port=None`` picks a free loopback port on the first start and keeps it in the data
    directory, so clients that remember the address reach the same broker after a restart.
    With ``sasl_users`` (user name -> password) the client port asks for SASL/PLAIN
    authentication, and with ``tls`` it speaks TLS with a certificate signed by a CA made
    for this data directory (:attr:`ca_file`, for clients to trust), as a production
    broker would (``SASL_PLAINTEXT``, ``SSL`` or ``SASL_SSL``); ``client_auth`` also
    requires clients to show a certificate from that CA (mutual TLS; one is made for
    them: :attr:`client_certificate`). The broker then talks to itself on a second,
    plaintext loopback port chosen at every start. The passwords are written in clear in
    ``server.properties``: this is a development broker.
    """

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        host: str = "127.0.0.1",
        log_file: Path | None = None,
        *,
        partitions: int = 1,
        pom: Path = POM_PATH,
        sasl_users: Mapping[str, str] | None = None,
        tls: bool = False,
        client_auth: bool = False,
    ) -> None:
        if partitions < 1:
            raise ValueError("partitions must be at least 1")
        if client_auth and not tls:
            raise ValueError("client_auth (mutual TLS) needs tls")
        # Kafka reads server.properties as ISO-8859-1 and the JAAS line quotes the values.
        if any(not re.fullmatch(r"[\w.-]+", item, re.ASCII)
               for pair in (sasl_users or {}).items() for item in pair):
            raise ValueError("SASL user names and passwords: letters, digits, '.', '-', '_'")
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.log_file = Path(log_file).resolve() if log_file else self.data_dir / "broker.log"
        self.partitions = partitions
        self.pom = pom
        self.sasl_users = dict(sasl_users or {})
        self.tls = tls
        self.client_auth = client_auth
        self._requested_port = port
        self._probe_port: int | None = None
        self._port: int | None = port
        self._process: subprocess.Popen[bytes] | None = None
        self._log_handle: IO[bytes] | None = None

    # -- addresses

    @property
    def port(self) -> int:
        """The client (PLAINTEXT) port; known once started or once the data dir has one."""
        if self._port is None:
            state = self._read_state()
            if "port" not in state:
                raise LocalKafkaError("the port is chosen at the first start()")
            self._port = state["port"]
        return self._port

    @property
    def bootstrap(self) -> str:
        """``host:port`` for Kafka clients (bootstrap_servers)."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """``kafka://host:port`` for Faust's ``broker`` setting."""
        return f"kafka://{self.bootstrap}"

    @property
    def pid(self) -> int | None:
        """Process id of the JVM (also its process group id), while it runs."""
        return self._process.pid if self.running and self._process else None

    @property
    def running(self) -> bool:
        """True while the broker process is alive (not necessarily serving yet)."""
        return self._process is not None and self._process.poll() is None

    # -- lifecycle

    def start(self, timeout: float = 120.0) -> None:
        """Start the broker and return once it serves clients.

        Raises :class:`LocalKafkaError` with the tail of the broker log if the broker exits
        or is not serving within ``timeout`` seconds (Maven's first resolution included).
        """
        if self.running:
            return
        self.stop()  # a broker that died on its own still holds the log file handle
        deadline = time.monotonic() + timeout
        check_prerequisites(self.pom)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._refuse_if_left_running()

        classpath = resolve_classpath(self.pom)
        java = _java_executable()
        assert java is not None  # checked by check_prerequisites
        state = self._prepare_state()
        self._port = state["port"]
        if not _port_is_free(self.host, self._port):
            raise LocalKafkaError(
                f"port {self.host}:{self._port} of the broker in {self.data_dir} is taken by "
                f"another process (the port is kept in {self.data_dir / _STATE_FILE})"
            )
        secured = self.security_protocol != "PLAINTEXT"
        self._probe_port = free_port(self.host) if secured else self._port
        if self.tls:
            try:
                make_certificates(self._tls_dir, self.host)
            except CertificateError as exc:
                raise LocalKafkaError(str(exc)) from None
        properties = self._write_server_properties(free_port(self.host), self._probe_port)
        log4j_config = self._write_log4j_config()
        self._format_storage_once(java, classpath, properties, state["cluster_id"])

        command = [
            java,
            *_JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={log4j_config.as_uri()}",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(properties),
        ]
        self._log_handle = self.log_file.open("ab")
        self._process = subprocess.Popen(
            command,
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            # Own session and process group: Ctrl-C in a terminal or a test runner's
            # signals do not reach the broker; stop() and kill() signal the whole group.
            start_new_session=True,
        )
        (self.data_dir / _PID_FILE).write_text(f"{self._process.pid}\n", encoding="utf-8")
        atexit.register(self.stop)
        try:
            self._wait_until_serving(deadline, timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the broker cleanly (SIGTERM), or SIGKILL it after ``timeout``; idempotent."""
        process = self._process
        if process is not None:
            if process.poll() is None:
                self._signal_group(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._signal_group(signal.SIGKILL)
                    process.wait()
            self._process = None
            (self.data_dir / _PID_FILE).unlink(missing_ok=True)
        atexit.unregister(self.stop)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None

    def kill(self) -> None:
        """SIGKILL the broker, as a crash would (for fault tests); data stays on disk."""
        process = self._process
        if process is not None and process.poll() is None:
            self._signal_group(signal.SIGKILL)
            process.wait()
        self.stop()

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """The last ``lines`` lines of the broker log, for error messages and test reports."""
        try:
            with self.log_file.open("rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - 256 * lines))
                text = handle.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        port = self._port if self._port is not None else "?"
        return f"LocalKafka({self.data_dir}, {self.host}:{port}, pid={self.pid})"

    # -- internals

    def _signal_group(self, signum: signal.Signals) -> None:
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signum)

    def _refuse_if_left_running(self) -> None:
        """Fail clearly if a broker of an earlier run (its owner killed) still owns data_dir."""
        try:
            pid = int((self.data_dir / _PID_FILE).read_text(encoding="utf-8"))
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return
        if str(self.data_dir / "server.properties").encode() in cmdline:
            raise LocalKafkaError(
                f"Apache Kafka of an earlier run still runs on {self.data_dir} as pid {pid}; "
                f"stop it first (kill {pid})"
            )

    def _wait_until_serving(self, deadline: float, timeout: float) -> None:
        assert self._process is not None
        assert self._port is not None
        assert self._probe_port is not None
        while True:
            code = self._process.poll()
            if code is not None:
                raise LocalKafkaError(
                    f"Apache Kafka exited with code {code} while starting "
                    f"(log: {self.log_file}):\n{self.log_tail()}"
                )
            if is_serving(self.host, self._probe_port):
                return
            if time.monotonic() > deadline:
                raise LocalKafkaError(
                    f"Apache Kafka did not serve on {self.bootstrap} within {timeout:.0f} s "
                    f"(log: {self.log_file}):\n{self.log_tail()}"
                )
            time.sleep(0.2)

    def _read_state(self) -> _State:
        path = self.data_dir / _STATE_FILE
        if not path.is_file():
            return {}
        state: _State = json.loads(path.read_text(encoding="utf-8"))
        return state

    def _prepare_state(self) -> _State:
        """Cluster id and client port: chosen on the first start, reused afterwards."""
        state = self._read_state()
        changed = False
        if "cluster_id" not in state:
            state["cluster_id"] = new_cluster_id()
            changed = True
        if self._requested_port is not None and state.get("port") != self._requested_port:
            state["port"] = self._requested_port
            changed = True
        elif "port" not in state:
            state["port"] = free_port(self.host)
            changed = True
        if changed:
            state["kafka_version"] = KAFKA_VERSION
            path = self.data_dir / _STATE_FILE
            path.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        return state

    def _write_server_properties(self, controller_port: int, internal_port: int) -> Path:
        host, port = self.host, self.port
        # A static quorum (controller.quorum.voters, kraft.version 0) keeps the controller
        # endpoint out of the metadata log, so the controller port need not be kept: a
        # fresh one is picked at every start. Only the client port is part of the identity.
        settings = {
            "process.roles": "broker,controller",
            "node.id": str(_NODE_ID),
            "controller.quorum.voters": f"{_NODE_ID}@{host}:{controller_port}",
            "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}",
            "advertised.listeners": f"PLAINTEXT://{host}:{port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            **self._secured_settings(controller_port, internal_port),
            "log.dirs": str(self.data_dir / _STORAGE_DIR),
            "num.partitions": str(self.partitions),
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
        path = self.data_dir / "server.properties"
        lines = ["# Written by streams/local_kafka.py at every start; edits are lost."]
        lines += [f"{key}={value}" for key, value in settings.items()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def _secured_settings(self, controller_port: int, internal_port: int) -> dict[str, str]:
        """Listeners for a SASL and/or TLS client port (none for a plaintext one)."""
        protocol = self.security_protocol
        if protocol == "PLAINTEXT":
            return {}
        host, port = self.host, self.port
        settings = {
            "listeners": f"{protocol}://{host}:{port},INTERNAL://{host}:{internal_port},"
                         f"CONTROLLER://{host}:{controller_port}",
            "advertised.listeners": f"{protocol}://{host}:{port},"
                                    f"INTERNAL://{host}:{internal_port}",
            "listener.security.protocol.map":
                f"{protocol}:{protocol},INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "INTERNAL",
        }
        if self.sasl_users:
            users = " ".join(f'user_{name}="{secret}"' for name, secret in self.sasl_users.items())
            settings["sasl.enabled.mechanisms"] = "PLAIN"
            settings[f"listener.name.{protocol.lower()}.plain.sasl.jaas.config"] = (
                f"org.apache.kafka.common.security.plain.PlainLoginModule required {users};")
        if self.tls:
            settings["ssl.keystore.type"] = "PEM"
            settings["ssl.keystore.location"] = str(self._tls_dir / KEYSTORE)
        if self.client_auth:
            settings["ssl.client.auth"] = "required"
            settings["ssl.truststore.type"] = "PEM"
            settings["ssl.truststore.location"] = str(self.ca_file)
        return settings

    @property
    def security_protocol(self) -> str:
        """What clients must speak on the client port (Kafka's ``security.protocol``)."""
        return {(False, False): "PLAINTEXT", (False, True): "SASL_PLAINTEXT",
                (True, False): "SSL", (True, True): "SASL_SSL"}[self.tls, bool(self.sasl_users)]

    @property
    def ca_file(self) -> Path:
        """The CA certificate clients trust to reach a ``tls`` broker."""
        return self._tls_dir / CA_FILE

    @property
    def client_certificate(self) -> tuple[Path, Path]:
        """A client certificate and its key, signed by :attr:`ca_file` (mutual TLS)."""
        return self._tls_dir / CLIENT_CERTIFICATE, self._tls_dir / CLIENT_KEY

    @property
    def _tls_dir(self) -> Path:
        return self.data_dir / "tls"

    def _write_log4j_config(self) -> Path:
        # Log4j writes to the JVM's stdout, which start() sends to log_file together with
        # anything the JVM itself prints (a crash, a missing class), in one ordered file.
        config = "\n".join(
            [
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
            ]
        )
        path = self.data_dir / "log4j2.properties"
        path.write_text(config, encoding="utf-8")
        return path

    def _format_storage_once(
        self, java: str, classpath: str, properties: Path, cluster_id: str
    ) -> None:
        """Format the storage on the first start only; later starts keep the data."""
        if (self.data_dir / _STORAGE_DIR / "meta.properties").is_file():
            return
        command = [
            java,
            "-Xmx256m",
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            "format",
            "--config",
            str(properties),
            "--cluster-id",
            cluster_id,
            # A half-finished earlier format must not stop this one.
            "--ignore-formatted",
        ]
        result = subprocess.run(
            command, cwd=self.data_dir, capture_output=True, text=True, check=False
        )
        with self.log_file.open("a", encoding="utf-8") as log:
            log.write(result.stdout + result.stderr)
        if result.returncode != 0:
            raise LocalKafkaError(
                f"formatting the Kafka storage in {self.data_dir / _STORAGE_DIR} failed "
                f"(exit {result.returncode}):\n{(result.stdout + result.stderr)[-4000:]}"
            )


def main(argv: list[str] | None = None) -> int:
    """Run a local Apache Kafka until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m streams.local_kafka",
        description=f"Run a single-node Apache Kafka {KAFKA_VERSION} (KRaft) on the local JDK.",
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="broker state and logs")
    parser.add_argument("--port", type=int, default=None, help="client port (default: kept)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--partitions", type=int, default=1, help="num.partitions default")
    parser.add_argument("--log-file", type=Path, default=None, help="default: DATA_DIR/broker.log")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for start")
    args = parser.parse_args(argv)

    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    kafka = LocalKafka(
        args.data_dir, args.port, args.host, args.log_file, partitions=args.partitions
    )
    try:
        started = time.monotonic()
        kafka.start(timeout=args.timeout)
    except (KafkaPrerequisiteError, LocalKafkaError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"Apache Kafka {KAFKA_VERSION} serving on {kafka.bootstrap} ({kafka.url}), "
        f"started in {time.monotonic() - started:.1f} s; log: {kafka.log_file}",
        flush=True,
    )
    try:
        while not stopping.wait(1.0):
            if not kafka.running:
                print(f"error: Apache Kafka exited:\n{kafka.log_tail()}", file=sys.stderr)
                return 1
    finally:
        kafka.stop()
    print("Apache Kafka stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
