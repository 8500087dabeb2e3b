"""SFTP channel against an in-process asyncssh server on 127.0.0.1, with the key in the local Secrets Manager."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import asyncssh
import pytest

from local.delivery_demo import delivery_context, store_artifact
from local.runtime import LocalRuntime
from local.sftp_peer import SftpPeer
from shared.aws import client
from shared.delivery.channels.sftp import SftpChannel, SftpConfig
from shared.errors import PermanentError, TransientError

SECRET_NAME = "report-platform/sftp/acme/partner"


@pytest.fixture
def peer(tmp_path: Any) -> Iterator[SftpPeer]:
    with SftpPeer(tmp_path) as running:
        yield running


@pytest.fixture
def config(clean: LocalRuntime, peer: SftpPeer) -> dict[str, Any]:
    client("secretsmanager").create_secret(Name=SECRET_NAME, SecretString=peer.client_private_key)
    return {
        "host": "127.0.0.1",
        "port": peer.port,
        "username": peer.username,
        "private_key_secret": SECRET_NAME,
        "known_host_key": peer.host_public_key,
        "remote_directory": "incoming",
        "connect_timeout_s": 5,
    }


def test_upload_lands_in_the_servers_folder(peer: SftpPeer, config: dict[str, Any]) -> None:
    content = b"%PDF-1.7\n" + bytes(range(256)) * 8192
    artifact = store_artifact(export_id="exp-sftp", content=content)
    receipt = SftpChannel().send(delivery_context("sftp", config), [artifact])
    landed = peer.root / "incoming" / "usage-summary_exp-sftp.pdf"
    assert landed.read_bytes() == content
    assert receipt.paths == ["incoming/usage-summary_exp-sftp.pdf"]
    assert not list((peer.root / "incoming").glob("*.part"))


def test_a_rerun_overwrites_the_same_file(peer: SftpPeer, config: dict[str, Any]) -> None:
    artifact = store_artifact(export_id="exp-again")
    for _ in range(2):
        SftpChannel().send(delivery_context("sftp", config), [artifact])
    assert [p.name for p in (peer.root / "incoming").iterdir()] == ["usage-summary_exp-again.pdf"]


def test_an_unknown_host_key_is_refused(peer: SftpPeer, config: dict[str, Any]) -> None:
    impostor = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    artifact = store_artifact(export_id="exp-mitm")
    with pytest.raises(PermanentError, match="host key"):
        SftpChannel().send(delivery_context("sftp", {**config, "known_host_key": impostor}), [artifact])
    assert not list((peer.root / "incoming").iterdir())


def test_a_key_the_server_does_not_know_is_permanent(peer: SftpPeer, config: dict[str, Any]) -> None:
    other = "report-platform/sftp/acme/other"
    key = asyncssh.generate_private_key("ssh-ed25519").export_private_key().decode()
    client("secretsmanager").create_secret(Name=other, SecretString=key)
    with pytest.raises(PermanentError, match="refused the key"):
        SftpChannel().send(delivery_context("sftp", {**config, "private_key_secret": other}), [store_artifact()])


def test_a_server_that_is_down_is_transient(peer: SftpPeer, config: dict[str, Any]) -> None:
    peer.stop()
    with pytest.raises(TransientError):
        SftpChannel().send(delivery_context("sftp", config), [store_artifact()])


def test_config_needs_a_known_host_key_and_a_secret_under_the_prefix(config: dict[str, Any]) -> None:
    for bad, message in (
        ({"known_host_key": ""}, "never accepted on first use"),
        ({"known_host_key": "ssh-ed25519 not-base64"}, "known host key is required"),
        ({"private_key_secret": "prod/db-password"}, "report-platform/sftp/"),
        ({"remote_directory": "../etc"}, "must not contain"),
    ):
        with pytest.raises(ValueError, match=message):
            SftpConfig.model_validate({**config, **bad})
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:report-platform/sftp/acme-AbC123"
    assert SftpConfig.model_validate({**config, "private_key_secret": arn}).private_key_secret == arn
    without = {k: v for k, v in config.items() if k != "known_host_key"}
    with pytest.raises(ValueError, match="known_host_key"):
        SftpConfig.model_validate(without)
