"""The local SES outbox: every message the local SES accepts is also written as an `.eml` file to
`local.paths.outbox_dir()`, by wrapping moto's SES backend in this process (shared code never knows).

`LOCAL_SES_SANDBOX=1` makes the local SES behave as a sandboxed account: a message to an address that is not verified
is refused with SES's own `MessageRejected` reason (moto checks only the sender)."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import threading
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from moto.ses.exceptions import MessageRejectedError
from moto.ses.models import SESBackend

from local.paths import outbox_dir

_lock = threading.Lock()
_original_send_raw = SESBackend.send_raw_email
_original_send = SESBackend.send_email


def _write(message_id: str, raw: bytes) -> Path:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message_id}.eml"
    with _lock:
        path.write_bytes(raw)
    return path


def sandboxed() -> bool:
    return os.environ.get("LOCAL_SES_SANDBOX", "").lower() in ("1", "true")


def _refuse_unverified(backend: SESBackend, recipients: list[str]) -> None:
    """As SES in the sandbox: every recipient must be a verified identity."""
    unverified = [address for address in recipients if not backend._is_verified_address(address)]
    if unverified:
        raise MessageRejectedError(
            "Email address is not verified. The following identities failed the check in region "
            f"{backend.region_name.upper()}: {', '.join(unverified)}"
        )


def _send_raw_email(self: SESBackend, source: str, destinations: list[str], raw_data: str) -> Any:
    if sandboxed():
        headers = email.message_from_string(raw_data)
        named = [a for _, a in getaddresses(headers.get_all("To", []) + headers.get_all("Cc", []))]
        _refuse_unverified(self, [*destinations, *named])
    message = _original_send_raw(self, source, destinations, raw_data)
    _write(message.id, raw_data.encode())
    return message


def _send_email(self: SESBackend, source: str, subject: str, body: str, destinations: dict[str, list[str]]) -> Any:
    if sandboxed():
        _refuse_unverified(self, [a for addresses in destinations.values() for a in addresses])
    message = _original_send(self, source, subject, body, destinations)
    simple = EmailMessage()
    simple["From"] = source
    simple["To"] = ", ".join(destinations.get("ToAddresses", []))
    simple["Subject"] = subject
    simple.set_content(body)
    _write(message.id, simple.as_bytes())
    return message


def install() -> None:
    """Route the local SES's sent mail to the outbox folder too."""
    SESBackend.send_raw_email = _send_raw_email  # type: ignore[method-assign]
    SESBackend.send_email = _send_email  # type: ignore[method-assign]


def clear() -> None:
    shutil.rmtree(outbox_dir(), ignore_errors=True)


def messages() -> list[EmailMessage]:
    """Every message in the outbox, oldest first."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]
