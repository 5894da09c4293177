"""The local Apache Kafka node: its data directory, start, stop and addresses."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self, TypedDict

from streams.certificates import (
    CA_FILE,
    CLIENT_CERTIFICATE,
    CLIENT_KEY,
    CertificateError,
    make_certificates,
)
from streams.local_kafka.prerequisites import (
    JVM_OPTIONS,
    KAFKA_VERSION,
    POM_PATH,
    LocalKafkaError,
    check_prerequisites,
    free_port,
    java_executable,
    new_cluster_id,
    port_is_free,
    resolve_classpath,
)
from streams.local_kafka.probe import is_serving
from streams.local_kafka.properties import (
    LOG4J_CONFIG,
    STORAGE_DIR,
    server_settings,
    write_properties,
)

_STATE_FILE = "local-kafka.json"
_PID_FILE = "broker.pid"
_LOG_TAIL_LINES = 60

class _State(TypedDict, total=False):
    """What a data directory remembers between starts (``local-kafka.json``)."""

    cluster_id: str
    port: int
    kafka_version: str



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
        java = java_executable()
        assert java is not None  # checked by check_prerequisites
        state = self._prepare_state()
        self._port = state["port"]
        if not port_is_free(self.host, self._port):
            raise LocalKafkaError(
                f"port {self.host}:{self._port} of the broker in {self.data_dir} is taken by "
                f"another process (the port is kept in {self.data_dir / _STATE_FILE})"
            )
        properties, log4j_config = self._write_configuration()
        self._format_storage_once(java, classpath, properties, state["cluster_id"])

        command = [
            java,
            *JVM_OPTIONS,
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

    def _write_configuration(self) -> tuple[Path, Path]:
        """This start's ``server.properties`` and Log4j settings (and TLS material)."""
        secured = self.security_protocol != "PLAINTEXT"
        probe_port = free_port(self.host) if secured else self.port
        self._probe_port = probe_port
        if self.tls:
            try:
                make_certificates(self.tls_dir, self.host)
            except CertificateError as exc:
                raise LocalKafkaError(str(exc)) from None
        properties = write_properties(
            self.data_dir / "server.properties",
            self.server_settings(free_port(self.host), probe_port),
        )
        log4j_config = self.data_dir / "log4j2.properties"
        log4j_config.write_text(LOG4J_CONFIG, encoding="utf-8")
        return properties, log4j_config

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

    def server_settings(self, controller_port: int, internal_port: int) -> dict[str, str]:
        """The broker's ``server.properties`` for this start (controller and internal
        listener ports are picked at every start)."""
        return server_settings(self, controller_port, internal_port)

    @property
    def security_protocol(self) -> str:
        """What clients must speak on the client port (Kafka's ``security.protocol``)."""
        return {(False, False): "PLAINTEXT", (False, True): "SASL_PLAINTEXT",
                (True, False): "SSL", (True, True): "SASL_SSL"}[self.tls, bool(self.sasl_users)]

    @property
    def ca_file(self) -> Path:
        """The CA certificate clients trust to reach a ``tls`` broker."""
        return self.tls_dir / CA_FILE

    @property
    def client_certificate(self) -> tuple[Path, Path]:
        """A client certificate and its key, signed by :attr:`ca_file` (mutual TLS)."""
        return self.tls_dir / CLIENT_CERTIFICATE, self.tls_dir / CLIENT_KEY

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"

    def _format_storage_once(
        self, java: str, classpath: str, properties: Path, cluster_id: str
    ) -> None:
        """Format the storage on the first start only; later starts keep the data."""
        if (self.data_dir / STORAGE_DIR / "meta.properties").is_file():
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
                f"formatting the Kafka storage in {self.data_dir / STORAGE_DIR} failed "
                f"(exit {result.returncode}):\n{(result.stdout + result.stderr)[-4000:]}"
            )


