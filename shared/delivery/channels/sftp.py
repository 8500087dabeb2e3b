"""SFTP channel: streams each artifact from S3 to a remote directory, over SSH with a known host key.

The private key is read from Secrets Manager (the secret's string is the OpenSSH/PEM key, or JSON
`{"private_key": ..., "passphrase": ...}`), only under the delivery's tenant's own name prefix
`<SFTP_SECRET_PREFIX><tenant>/`, checked before the secret is read (so no answer says anything about another
tenant's secrets). The host follows the webhooks' address policy (`http_post.check_peer_host`, `pinned_address`): it
is resolved once per send, every address must be public (loopback only in the local stage), and the connection goes
to the address checked. The server's host key must equal the
configured one: an unknown or changed key is refused, never accepted on first use. Each file is written as
`<name>.part` and renamed when complete, so the receiver never sees half a file.
"""

from __future__ import annotations

import asyncio
import json
import posixpath
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, TypeVar

import asyncssh
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.aws import client
from shared.delivery.channel import Artifact, ChannelName, ChannelReceipt, DeliveryContext
from shared.delivery.channels.aws_failures import as_channel_error
from shared.delivery.channels.http_post import check_peer_host, pinned_address
from shared.delivery.channels.naming import file_name
from shared.delivery.channels.stored_config import parse_config
from shared.errors import PermanentError, TransientError
from shared.settings import get_settings

CHUNK_BYTES = 1024 * 1024


def secret_name_of(secret_id: str) -> str:
    """The name inside a Secrets Manager ARN (without its 6-character suffix when present), or the name itself."""
    if not secret_id.startswith("arn:"):
        return secret_id
    name = secret_id.split(":secret:", 1)[-1]
    head, _, suffix = name.rpartition("-")
    return head if head and len(suffix) == 6 else name


def tenant_secret_prefix(tenant_id: str) -> str:
    """The name prefix of the tenant's SFTP key secrets: `<SFTP_SECRET_PREFIX><tenant>/`."""
    return f"{get_settings().sftp_secret_prefix}{tenant_id}/"


def check_secret_of_tenant(secret_id: str, tenant_id: str) -> None:
    """ValueError unless the secret is named under the tenant's own prefix (the same words for any other name)."""
    prefix = tenant_secret_prefix(tenant_id)
    name = secret_name_of(secret_id)
    if not name.startswith(prefix) or ".." in name.split("/") or len(name) == len(prefix):
        raise ValueError(f"the key's secret must be named {prefix}<name>: a tenant's SFTP keys are its own")


class SftpConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1, max_length=253)
    port: int = Field(22, ge=1, le=65535)
    username: str = Field(min_length=1, max_length=128)
    private_key_secret: str = Field(repr=False, description="Secrets Manager name or ARN of the private key")
    known_host_key: str = Field(
        description="the server's public host key in OpenSSH format (`ssh-ed25519 AAAA...`); required"
    )
    remote_directory: str = Field(".", max_length=1024)
    connect_timeout_s: float = Field(15.0, gt=0, le=120)

    @field_validator("host")
    @classmethod
    def _host(cls, host: str) -> str:
        return check_peer_host(host)

    @field_validator("private_key_secret")
    @classmethod
    def _under_prefix(cls, secret_id: str) -> str:
        prefix = get_settings().sftp_secret_prefix
        if not secret_name_of(secret_id).startswith(prefix):
            raise ValueError(f"the key's secret must be named {prefix}<something>: the delivery role reads no other")
        return secret_id

    @field_validator("known_host_key")
    @classmethod
    def _host_key(cls, key: str) -> str:
        try:
            asyncssh.import_public_key(key.strip())
        except (asyncssh.KeyImportError, ValueError):
            raise ValueError(
                "a known host key is required, as the server's public key in OpenSSH format (ssh-ed25519 AAAA...); "
                "host keys are never accepted on first use"
            ) from None
        return key.strip()

    @field_validator("remote_directory")
    @classmethod
    def _directory(cls, directory: str) -> str:
        if ".." in directory.split("/"):
            raise ValueError("the remote directory must not contain '..'")
        return directory


class SftpReceipt(ChannelReceipt):
    paths: list[str]


def private_key(secret_id: str) -> asyncssh.SSHKey:
    """The client key held in Secrets Manager."""
    try:
        value = client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    except (BotoCoreError, ClientError) as error:
        raise as_channel_error(error, f"reading the SFTP key secret {secret_id}") from None
    passphrase = None
    if value.lstrip().startswith("{"):
        document = json.loads(value)
        value, passphrase = document["private_key"], document.get("passphrase")
    try:
        return asyncssh.import_private_key(value, passphrase)
    except (asyncssh.KeyImportError, ValueError) as error:
        raise PermanentError(f"the secret {secret_id} does not hold a usable private key: {error}") from None


async def _upload(config: SftpConfig, address: str, key: asyncssh.SSHKey, artifacts: list[Artifact]) -> list[str]:
    host_key = asyncssh.import_public_key(config.known_host_key)
    s3 = client("s3")
    paths = []
    async with (
        asyncssh.connect(
            address,
            config.port,
            username=config.username,
            client_keys=[key],
            known_hosts=([host_key], [], []),
            agent_path=None,
            config=[],
            connect_timeout=config.connect_timeout_s,
        ) as connection,
        connection.start_sftp_client() as sftp,
    ):
        for artifact in artifacts:
            path = posixpath.join(config.remote_directory, file_name(artifact))
            body = s3.get_object(Bucket=artifact.bucket, Key=artifact.key)["Body"]
            async with sftp.open(path + ".part", "wb") as remote:
                for chunk in body.iter_chunks(CHUNK_BYTES):
                    await remote.write(chunk)
            await sftp.posix_rename(path + ".part", path)
            paths.append(path)
    return paths


def classify(error: Exception, where: str) -> Exception:
    """asyncssh and socket failures under the channel contract."""
    if isinstance(error, asyncssh.HostKeyNotVerifiable):
        return PermanentError(f"{where}: the server's host key is not the configured known host key ({error})")
    if isinstance(error, asyncssh.PermissionDenied):
        return PermanentError(f"{where}: the server refused the key for this user ({error})")
    if isinstance(error, asyncssh.SFTPNoSuchFile | asyncssh.SFTPPermissionDenied):
        return PermanentError(f"{where}: {error}")
    return TransientError(f"{where}: {type(error).__name__}: {error}")


T = TypeVar("T")


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, even when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sftp") as pool:
        return pool.submit(asyncio.run, coroutine).result()


class SftpChannel:
    name: ClassVar[ChannelName] = "sftp"
    config_model: ClassVar[type[BaseModel]] = SftpConfig

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> SftpReceipt:
        config = parse_config(SftpConfig, context, artifacts)
        try:
            check_secret_of_tenant(config.private_key_secret, context.tenant_id)
        except ValueError as error:
            raise PermanentError(str(error)) from None
        address = pinned_address(config.host, config.port)
        key = private_key(config.private_key_secret)
        where = f"sftp://{config.username}@{config.host}:{config.port}"
        try:
            paths = run_blocking(_upload(config, address, key, artifacts))
        except (BotoCoreError, ClientError) as error:
            raise as_channel_error(error, f"streaming an artifact from S3 to {where}") from None
        except (TimeoutError, OSError, asyncssh.Error) as error:
            raise classify(error, where) from None
        return SftpReceipt(
            detail=f"uploaded {len(paths)} file(s) to {where} under {config.remote_directory}", paths=paths
        )
