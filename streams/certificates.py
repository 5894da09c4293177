"""A certificate authority, a broker certificate and a client certificate for a local
TLS broker (openssl)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CA_FILE = "ca.pem"
"""The CA certificate clients trust (``NEWSWIRE_SSL_CAFILE``)."""
KEYSTORE = "broker-keystore.pem"
"""The broker's unencrypted PKCS#8 key and certificate (Kafka's ``PEM`` keystore type)."""
CLIENT_CERTIFICATE = "client.pem"
"""A client certificate (``NEWSWIRE_SSL_CERTFILE``) for brokers that require one."""
CLIENT_KEY = "client.key"
"""Its unencrypted key (``NEWSWIRE_SSL_KEYFILE``)."""


class CertificateError(RuntimeError):
    """openssl is missing or failed."""


def make_certificates(folder: Path, host: str) -> None:
    """Write a CA, a certificate for ``host`` (an IP address) and a client certificate
    signed by it, once.

    Nothing is redone when ``folder`` already holds the keystore, so clients keep
    trusting the same CA across restarts.
    """
    if (folder / KEYSTORE).is_file():
        return
    openssl = shutil.which("openssl")
    if openssl is None:
        raise CertificateError("a TLS broker needs openssl: apt-get install openssl")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "san.ext").write_text(f"subjectAltName=IP:{host},DNS:localhost\n")
    steps = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
         "-subj", "/CN=newswire local CA", "-keyout", "ca.key", "-out", CA_FILE],
        ["req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={host}",
         "-keyout", "broker.key", "-out", "broker.csr"],
        ["x509", "-req", "-in", "broker.csr", "-CA", CA_FILE, "-CAkey", "ca.key",
         "-CAcreateserial", "-days", "3650", "-extfile", "san.ext", "-out", "broker.pem"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=newswire",
         "-keyout", CLIENT_KEY, "-out", "client.csr"],
        ["x509", "-req", "-in", "client.csr", "-CA", CA_FILE, "-CAkey", "ca.key",
         "-CAcreateserial", "-days", "3650", "-out", CLIENT_CERTIFICATE],
    ]
    for step in steps:
        done = subprocess.run([openssl, *step], cwd=folder, capture_output=True, text=True)
        if done.returncode != 0:
            raise CertificateError(f"openssl {step[0]} failed: {done.stderr.strip()[-500:]}")
    partial = folder / f"{KEYSTORE}.partial"  # renamed once complete: never half a keystore
    partial.write_text((folder / "broker.key").read_text() + (folder / "broker.pem").read_text())
    partial.rename(folder / KEYSTORE)
