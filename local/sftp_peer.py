"""An in-process SFTP server on 127.0.0.1 for the SFTP channel: asyncssh, a generated host key, one user and key,
writing into a folder (chrooted). Runs its own event loop in a thread; used by tests and available to `make run`."""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path

import asyncssh


class _Server(asyncssh.SSHServer):
    def __init__(self, username: str, client_key: asyncssh.SSHKey) -> None:
        self._username = username
        self._client_key = client_key.convert_to_public()

    def begin_auth(self, username: str) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        return username == self._username and key.public_data == self._client_key.public_data


class SftpPeer:
    """`start()` it; give the channel `host_public_key`, `client_private_key` (through Secrets Manager), `port`,
    `username`. Files land under `root`; `incoming/` exists from the start."""

    def __init__(self, root: Path | None = None, username: str = "reports") -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="sftp-peer-"))
        (self.root / "incoming").mkdir(parents=True, exist_ok=True)
        self.username = username
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self.client_key = asyncssh.generate_private_key("ssh-ed25519")
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sftp-peer", daemon=True)
        self._acceptor: asyncssh.SSHAcceptor | None = None

    @property
    def host_public_key(self) -> str:
        return self.host_key.export_public_key().decode().strip()

    @property
    def client_private_key(self) -> str:
        return self.client_key.export_private_key().decode()

    def start(self) -> SftpPeer:
        self._thread.start()
        self._acceptor = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
        self.port = int(self._acceptor.sockets[0].getsockname()[1])
        return self

    async def _listen(self) -> asyncssh.SSHAcceptor:
        root = str(self.root).encode()
        return await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[self.host_key],
            server_factory=lambda: _Server(self.username, self.client_key),
            sftp_factory=lambda channel: asyncssh.SFTPServer(channel, chroot=root),
            allow_scp=False,
        )

    @staticmethod
    async def _close(acceptor: asyncssh.SSHAcceptor) -> None:
        """Closed on the server's own loop (asyncio servers are not thread-safe)."""
        acceptor.close()
        await acceptor.wait_closed()

    def stop(self) -> None:
        if self._acceptor is not None:
            asyncio.run_coroutine_threadsafe(self._close(self._acceptor), self._loop).result(timeout=10)
            self._acceptor = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def __enter__(self) -> SftpPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
