"""Channel secrets sealed with KMS: a channel config's secret fields (those its model keeps out of `repr`: webhook
signing secrets, Slack URLs, device tokens) are stored as `sealed:kms:<base64 ciphertext>` in subscriptions and
delivery records, never in clear; they are opened only to send or to re-validate a config that keeps them.

The ciphertext is bound to its tenant (KMS encryption context `tenantId`, `purpose`): a sealed value copied into
another tenant's config does not open. A value that is not sealed (written before sealing existed) opens as itself.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws import client
from shared.catalog.delivery import CHANNEL_SECRETS
from shared.delivery.channels.aws_failures import as_channel_error
from shared.errors import PermanentError
from shared.settings import get_settings

SEALED_PREFIX = "sealed:kms:"
_PURPOSE = "channel-config"


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def _context(tenant_id: str) -> dict[str, str]:
    return {"tenantId": tenant_id, "purpose": _PURPOSE}


def seal(value: str, tenant_id: str) -> str:
    """`value` encrypted under the channel-secrets key for `tenant_id`."""
    try:
        reply = client("kms").encrypt(
            KeyId=get_settings().name_of(CHANNEL_SECRETS),
            Plaintext=value.encode(),
            EncryptionContext=_context(tenant_id),
        )
    except (BotoCoreError, ClientError) as error:
        raise as_channel_error(error, "sealing a channel secret") from error
    return SEALED_PREFIX + base64.b64encode(reply["CiphertextBlob"]).decode()


def open_value(value: str, tenant_id: str) -> str:
    """The clear text of a sealed value (an unsealed one as it is). PermanentError when it does not open for this
    tenant (another tenant's, or altered); TransientError when KMS may answer later."""
    return _decrypt(value, tenant_id) if is_sealed(value) else value


@lru_cache(maxsize=256)
def _decrypt(value: str, tenant_id: str) -> str:
    """Opened once per warm process: every delivery of a subscription carries the same sealed value (a failure is
    not cached)."""
    try:
        blob = base64.b64decode(value[len(SEALED_PREFIX) :], validate=True)
        reply = client("kms").decrypt(CiphertextBlob=blob, EncryptionContext=_context(tenant_id))
    except binascii.Error:
        raise PermanentError("a sealed channel secret is not valid base64") from None
    except (BotoCoreError, ClientError) as error:
        raise as_channel_error(error, "opening a sealed channel secret") from error
    plaintext: bytes = reply["Plaintext"]
    return plaintext.decode()


def open_config(config: dict[str, Any], tenant_id: str) -> dict[str, Any]:
    """A stored channel config with every sealed value opened, as its channel's model reads it."""
    return {key: open_value(value, tenant_id) if isinstance(value, str) else value for key, value in config.items()}
