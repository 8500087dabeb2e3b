"""Stream use cases: open and close a connection, and turn table changes into updates for the connections allowed
to see them (the job's or delivery's owner, an admin of its tenant, the user whose inbox a delivery fills)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from pydantic import ValidationError

from shared import clock
from shared.api.caller import Caller
from shared.errors import InvalidInput
from shared.observability import logger
from shared.stream import store
from shared.stream.models import Connection, DeliveryUpdate, JobUpdate, StreamRequest, StreamUpdate

CONNECTION_LIFETIME = timedelta(hours=2)
"""API Gateway closes a WebSocket connection after 2 hours; its item expires then."""

_deserializer = TypeDeserializer()


def parse_request(query: dict[str, str] | None) -> StreamRequest:
    """The stream's query parameters; a bad one is an InvalidInput naming it."""
    try:
        return StreamRequest.model_validate(query or {})
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "query"
        raise InvalidInput(f"{name}: {first['msg']}") from None


def connect(caller: Caller, connection_id: str, request: StreamRequest, now: datetime | None = None) -> Connection:
    """Record the caller's connection and what it asked to follow."""
    moment = now or clock.now()
    connection = Connection(
        tenantId=caller.tenant,
        connectionId=connection_id,
        userId=caller.sub,
        admin=caller.is_admin,
        subscriptionId=request.subscription_id,
        reportTypes=list(request.report_types),
        connectedAt=clock.iso(moment),
        ttl=int((moment + CONNECTION_LIFETIME).timestamp()),
    )
    store.put(connection)
    return connection


def disconnect(tenant_id: str, connection_id: str) -> None:
    store.delete(tenant_id, connection_id)


def _image(record: dict[str, Any], name: str) -> dict[str, Any]:
    raw = record.get("dynamodb", {}).get(name) or {}
    return {key: _deserializer.deserialize(value) for key, value in raw.items()}


def _job_update(new: dict[str, Any]) -> JobUpdate:
    error = new.get("error") or {}
    return JobUpdate(
        jobId=new["jobId"],
        kind=str(new.get("kind", "")),
        subscriptionId=new.get("subscriptionId"),
        reportId=new.get("reportId"),
        reportType=str(new.get("reportType", "")),
        title=str(new.get("title", "")),
        status=str(new["status"]),
        step=str(new.get("step", "")),
        updatedAt=str(new.get("updatedAt", "")),
        artifacts=[
            {"format": a.get("format"), "rowCount": a.get("rowCount"), "sizeBytes": a.get("sizeBytes")}
            for a in new.get("artifacts") or []
        ],
        error=error.get("cause") if isinstance(error, dict) else None,
    )


def _delivery_update(new: dict[str, Any]) -> DeliveryUpdate:
    return DeliveryUpdate(
        deliveryId=new["deliveryId"],
        jobId=new["jobId"],
        subscriptionId=new.get("subscriptionId"),
        channel=str(new.get("channel", "")),
        recipient=str(new.get("recipient", "")),
        status=str(new["status"]),
        attempts=int(new.get("attempts", 0)),
        updatedAt=str(new.get("updatedAt", "")),
        lastError=new.get("lastError"),
    )


def update_of(record: dict[str, Any]) -> tuple[str, str, StreamUpdate] | None:
    """(tenant, owner, update) of one stream record of the jobs or deliveries table when a status or step changed;
    None for anything else (removals, writes that changed neither)."""
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return None
    new, old = _image(record, "NewImage"), _image(record, "OldImage")
    if "tenantId" not in new or "status" not in new or "jobId" not in new:
        return None
    if old and (old.get("status"), old.get("step")) == (new.get("status"), new.get("step")):
        return None
    update: StreamUpdate = _delivery_update(new) if "deliveryId" in new else _job_update(new)
    return str(new["tenantId"]), str(new.get("ownerId", "")), update


def may_see(connection: Connection, owner_id: str, update: StreamUpdate) -> bool:
    """The connection's user may read it, and it matches the connection's subscription and report types (a delivery
    names no report type: a connection that asked for some gets job updates only)."""
    reader = connection.admin or connection.userId == owner_id
    if isinstance(update, DeliveryUpdate) and update.channel == "inbox" and update.recipient == connection.userId:
        reader = True
    if not reader:
        return False
    if connection.subscriptionId is not None and update.subscriptionId != connection.subscriptionId:
        return False
    if not connection.reportTypes:
        return True
    return isinstance(update, JobUpdate) and update.reportType in connection.reportTypes


def publish(records: Iterable[dict[str, Any]], now: datetime | None = None) -> int:
    """Push each record's update to the connections allowed to see it; gone connections are removed. Returns how
    many messages were sent."""
    now_epoch = int((now or clock.now()).timestamp())
    updates = [u for u in (update_of(r) for r in records) if u is not None]
    connections: dict[str, list[Connection]] = {}
    sent = 0
    for tenant_id, owner_id, update in updates:
        if tenant_id not in connections:
            connections[tenant_id] = store.list_for_tenant(tenant_id, now_epoch)
        payload = json.dumps(update.model_dump(), default=str).encode()
        for connection in list(connections[tenant_id]):
            if not may_see(connection, owner_id, update):
                continue
            try:
                store.post(connection.connectionId, payload)
                sent += 1
            except store.ConnectionGone:
                store.delete(tenant_id, connection.connectionId)
                connections[tenant_id].remove(connection)
                logger.info("stream connection gone", extra={"connection_id": connection.connectionId})
    return sent
