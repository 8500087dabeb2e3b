"""DynamoDB items to and from plain Python: numbers come back as `Decimal`, floats must go in as `Decimal`."""

from __future__ import annotations

import base64
import binascii
import contextvars
import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from typing import Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.catalog.model import PARTITION_KEY_MAX_BYTES
from shared.catalog.model import Table as CatalogTable
from shared.errors import ConfigurationError, InvalidInput
from shared.settings import get_settings


def _stored_number(value: int | float) -> Decimal:
    """`value` as the Decimal DynamoDB keeps exactly; InvalidInput (a 400) for a number it cannot store (beyond 38
    significant digits, or outside 1e-130 to 1e126), which boto3 would otherwise raise at the write (a 500)."""
    number = Decimal(str(value))
    try:
        return DYNAMODB_CONTEXT.create_decimal(number)
    except ArithmeticError:  # decimal's Inexact, Rounded, Underflow and Overflow signals
        raise InvalidInput(
            f"the number {value} cannot be stored: at most 38 significant digits, between 1e-130 and 1e126"
        ) from None


def to_item(value: Any) -> Any:
    """A JSON-like value as DynamoDB accepts it: numbers as exact Decimals (InvalidInput for one it cannot store),
    None values of maps dropped."""
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        return _stored_number(value)
    if isinstance(value, dict):
        return {k: to_item(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [to_item(v) for v in value]
    return value


def from_item(value: Any) -> Any:
    """A DynamoDB item as plain Python: integral Decimals as int, others as float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_item(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_item(v) for v in value]
    return value


NOT_OURS = "the cursor is not one this API gave out"


def encode_base64url(data: bytes) -> str:
    """Bytes as URL-safe base64 without `=` padding (safe in a path or query string as it is)."""
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


def decode_base64url(text: str) -> bytes:
    """The bytes behind `encode_base64url`'s text, padded or not; binascii.Error (a ValueError) on any other text."""
    if not _BASE64URL.fullmatch(text):
        raise binascii.Error("not URL-safe base64")
    unpadded = text.rstrip("=")
    return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))


CURSOR_VERSION = b"c1"
_NONCE_BYTES = 12
cursor_scope: contextvars.ContextVar[str] = contextvars.ContextVar("cursor_scope", default="")
"""Who the cursors of this request are for (`tenant` and `sub` of the verified caller; set by the API resolver for
each request): a cursor opens only for the caller it was given to."""


@contextmanager
def cursors_for(tenant_id: str, sub: str) -> Iterator[None]:
    """Seal and open cursors for this caller inside the block (the resolver does so around every request)."""
    mark = cursor_scope.set(f"{tenant_id}\n{sub}")
    try:
        yield
    finally:
        cursor_scope.reset(mark)


@lru_cache(maxsize=4)
def _cursor_cipher(key_text: str | None, stage: str) -> AESGCM:
    """AES-256-GCM under SHA-256 of `CURSOR_KEY` (at least 32 characters); in the local stage without one, a key of
    this process only (cursors then end with the process, which is all a local run needs)."""
    if key_text:
        if len(key_text) < 32:
            raise ConfigurationError("CURSOR_KEY must be at least 32 characters")
        return AESGCM(hashlib.sha256(key_text.encode()).digest())
    if stage != "local":
        raise ConfigurationError("environment variable CURSOR_KEY is not set")
    return AESGCM(AESGCM.generate_key(bit_length=256))


def _cipher() -> AESGCM:
    settings = get_settings()
    return _cursor_cipher(settings.cursor_key, settings.stage)


def encode_token(value: Any) -> str:
    """An opaque token of a JSON value, the one encoding of every paging cursor: compact JSON sealed with AES-GCM
    (`CURSOR_KEY`), bound to the caller (`cursor_scope`), so it shows nothing and opens for no one else."""
    nonce = os.urandom(_NONCE_BYTES)
    plain = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    sealed = _cipher().encrypt(nonce, plain, CURSOR_VERSION + cursor_scope.get().encode())
    return encode_base64url(CURSOR_VERSION + nonce + sealed)


def decode_token(token: str, refusal: str = NOT_OURS) -> Any:
    """The JSON value behind `encode_token`'s text; InvalidInput (400) saying `refusal` if the text was not sealed
    here for this caller. The caller still checks that the value has the shape it gave out."""
    try:
        raw = decode_base64url(token)
        if not raw.startswith(CURSOR_VERSION):
            raise ValueError("not a cursor")
        body = raw[len(CURSOR_VERSION) :]
        nonce, sealed = body[:_NONCE_BYTES], body[_NONCE_BYTES:]
        plain = _cipher().decrypt(nonce, sealed, CURSOR_VERSION + cursor_scope.get().encode())
        return json.loads(plain)
    except (ValueError, RecursionError, InvalidTag):  # bad base64/UTF-8/JSON, deep nesting, another caller or key
        raise InvalidInput(refusal) from None


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """An opaque paging cursor from DynamoDB's `LastEvaluatedKey`."""
    if not last_key:
        return None
    return encode_token(from_item(last_key))


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The `ExclusiveStartKey` behind a cursor; a cursor that was not made here is a 400."""
    if not cursor:
        return None
    key = decode_token(cursor)
    if not isinstance(key, dict) or not key or not all(_key_value(v) for v in key.values()):
        raise InvalidInput(NOT_OURS)
    return to_item(key)


def _key_value(value: Any, max_bytes: int = PARTITION_KEY_MAX_BYTES) -> bool:
    """Whether a value can be a key attribute as `encode_cursor` writes it: a non-empty string of at most `max_bytes`
    UTF-8 bytes, or an integer DynamoDB stores exactly (boto3 raises, rather than round, on any other)."""
    if isinstance(value, str):
        try:
            return 0 < len(value.encode()) <= max_bytes
        except UnicodeEncodeError:  # JSON's "\ud800" decodes to a lone surrogate, which has no UTF-8
            return False
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    try:
        DYNAMODB_CONTEXT.create_decimal(value)
    except ArithmeticError:  # decimal's Inexact, Rounded and Overflow signals
        return False
    return True


def start_key(spec: CatalogTable, key: dict[str, Any], index_name: str | None = None) -> dict[str, Any]:
    """`key` as the `ExclusiveStartKey` of a Query of `spec` (or its index), checked against the catalog's key schema
    first: DynamoDB answers a key with other attributes, types or over-long values with an error, not a page."""
    found = {name: "S" if isinstance(value, str) else "N" for name, value in key.items()}
    limits = spec.start_key_max_bytes(index_name)
    if found != spec.start_key_types(index_name) or not all(_key_value(v, limits[n]) for n, v in key.items()):
        raise InvalidInput(NOT_OURS)
    return to_item(key)


def conditional_check_failed(error: Exception) -> bool:
    """Whether a DynamoDB write was refused by its ConditionExpression (the race it guards against was lost)."""
    response = getattr(error, "response", None) or {}
    return bool(response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


def query_page(
    table: Any, spec: CatalogTable, params: dict[str, Any], cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a Query of `table` (catalogued as `spec`) from an opaque cursor: the plain items and the next cursor
    (None on the last page)."""
    start = decode_cursor(cursor)
    if start:
        params = {**params, "ExclusiveStartKey": start_key(spec, start, params.get("IndexName"))}
    page = table.query(**params)
    return [from_item(i) for i in page.get("Items", [])], encode_cursor(page.get("LastEvaluatedKey"))


def update_if(table: Any, key: dict[str, Any], **params: Any) -> dict[str, Any] | None:
    """One conditional UpdateItem: the item as it now is (plain Python), or None if its ConditionExpression refused."""
    try:
        reply = table.update_item(Key=key, ReturnValues="ALL_NEW", **params)
    except ClientError as error:
        if conditional_check_failed(error):
            return None
        raise
    attributes: dict[str, Any] = from_item(reply["Attributes"])
    return attributes
