"""A Lambda context object for handlers called in-process by the local runtime."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from local.account import ACCOUNT_ID, REGION


@dataclass
class LocalLambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    timeout_s: int = 30
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_s - (time.monotonic() - self._started)) * 1000))
