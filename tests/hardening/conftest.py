"""Servers for the hardening tests, started by the tests themselves on ephemeral loopback ports."""
from __future__ import annotations

import pytest

from .faultserver import FaultServer, TlsFiles


@pytest.fixture(scope="session")
def fault():
    with FaultServer() as server:
        yield server


@pytest.fixture(scope="session")
def tls_fault(tmp_path_factory):
    try:
        files = TlsFiles.make(tmp_path_factory.mktemp("tls"))
    except RuntimeError as exc:  # only when no certificate can be made on this machine at all
        pytest.skip(f"no self-signed certificate for the TLS test: {exc}")
    with FaultServer(tls=files) as server:
        yield server
