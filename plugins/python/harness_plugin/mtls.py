"""go-plugin's AutoMTLS, plugin side.

With AutoMTLS the host generates a one-time certificate, hands its PEM to the
plugin in PLUGIN_CLIENT_CERT, and expects the plugin to answer with a
one-time certificate of its own, as base64 DER (no padding) in the 6th field
of the handshake line. Each side then trusts exactly the other's certificate:
the host dials TLS with server name "localhost" and the plugin requires the
host's certificate from every client.

The standard library cannot make a certificate, so the key and the self-signed
certificate come from the openssl command (Debian package openssl), run once
at start-up (~10 ms). The key never leaves a private temporary folder that is
deleted before the handshake is printed."""

from __future__ import annotations

import base64
import os
import shutil
import ssl
import subprocess
import tempfile

import grpc

from .errors import Unavailable

_CONFIG = """\
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
O = harness plugin
CN = localhost
[ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
"""


def generate_certificate(openssl=None):
    """Returns (cert_pem, key_pem) of a fresh self-signed ECDSA P-256
    certificate for "localhost", usable as server, client and CA, as
    go-plugin's own generateCert makes them."""
    openssl = shutil.which(openssl or "openssl")
    if not openssl:
        raise Unavailable("the host asked for AutoMTLS (PLUGIN_CLIENT_CERT is set) and the openssl command "
                          "is not installed: apt-get install openssl, or set mtls: false for this plugin "
                          "in harness.yaml")
    with tempfile.TemporaryDirectory(prefix="harness-plugin-tls-") as d:
        os.chmod(d, 0o700)
        cfg, key, cert = (os.path.join(d, n) for n in ("req.cnf", "key.pem", "cert.pem"))
        with open(cfg, "w") as f:
            f.write(_CONFIG)
        cmd = [openssl, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
               "-nodes", "-sha256", "-days", "10950", "-config", cfg, "-keyout", key, "-out", cert]
        # stdin/stdout must not be the plugin's: stdout carries the handshake.
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        if p.returncode != 0:
            raise Unavailable(f"openssl could not make the AutoMTLS certificate (exit {p.returncode}): "
                              f"{p.stderr.decode(errors='replace').strip()}")
        with open(cert, "rb") as f:
            cert_pem = f.read()
        with open(key, "rb") as f:
            key_pem = f.read()
    return cert_pem, key_pem


def handshake_field(cert_pem):
    """The certificate as go-plugin's handshake carries it: base64 of the DER
    bytes, standard alphabet, no padding."""
    der = ssl.PEM_cert_to_DER_cert(cert_pem.decode("ascii"))
    return base64.b64encode(der).decode("ascii").rstrip("=")


def server_credentials(client_cert_pem, cert_pem, key_pem):
    """gRPC server credentials that present our certificate and accept only
    clients presenting the host's."""
    if isinstance(client_cert_pem, str):
        client_cert_pem = client_cert_pem.encode("ascii")
    return grpc.ssl_server_credentials([(key_pem, cert_pem)], root_certificates=client_cert_pem,
                                       require_client_auth=True)
