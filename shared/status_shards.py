"""Write-spread keys of the `status-index` GSIs: `statusShard` = `<status>#<n>`, n in 0..STATUS_SHARDS-1 from the
item's id, so the handful of status values do not make a few hot partitions; readers query every shard."""

from __future__ import annotations

import hashlib
import re
from typing import Any

STATUS_SHARDS = 8
_SET_STATUS = re.compile(r"SET #status = (:\w+)")


def shard_of(item_id: str) -> int:
    """The item's shard: stable for its id, spread evenly."""
    return int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) % STATUS_SHARDS


def status_shard(status: str, item_id: str) -> str:
    return f"{status}#{shard_of(item_id)}"


def shard_keys(status: str) -> list[str]:
    """Every partition of `status` in the index, to query one by one."""
    return [f"{status}#{n}" for n in range(STATUS_SHARDS)]


def with_status_shard(params: dict[str, Any], item_id: str) -> dict[str, Any]:
    """An UpdateItem's parameters that set `#status` also set `statusShard` to match (unchanged otherwise)."""
    expression = str(params.get("UpdateExpression", ""))
    match = _SET_STATUS.search(expression)
    if match is None:
        return params
    status = params["ExpressionAttributeValues"][match.group(1)]
    return {
        **params,
        "UpdateExpression": _SET_STATUS.sub(rf"SET #status = {match.group(1)}, statusShard = :statusShard", expression),
        "ExpressionAttributeValues": {
            **params["ExpressionAttributeValues"],
            ":statusShard": status_shard(str(status), item_id),
        },
    }
