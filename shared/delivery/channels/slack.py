"""Slack channel: a message with the report's name, period and download link, to an incoming-webhook URL.

Same retry rules as the webhook channel (`http_post`): 5xx, timeouts and 429 (Retry-After) are retried; Slack's
4xx answers (`invalid_payload`, `channel_not_found`, `channel_is_archived`, ...) are permanent.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.delivery.channel import Artifact, ChannelName, DeliveryContext
from shared.delivery.channels.http_post import HttpReceipt, RetryPolicy, check_peer_url, post_with_retries
from shared.delivery.channels.stored_config import parse_config

SLACK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")


class SlackConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhook_url: str = Field(repr=False, description="the incoming-webhook URL (https://hooks.slack.com/services/...)")
    retry: RetryPolicy = RetryPolicy()

    @field_validator("webhook_url")
    @classmethod
    def _slack_url(cls, url: str) -> str:
        return check_peer_url(url, SLACK_HOSTS)


def _size(size_bytes: int) -> str:
    if size_bytes < 1024:
        return f"{size_bytes} B"
    if size_bytes < 1024 * 1024:
        return f"{size_bytes / 1024:.1f} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


def _escape(text: str) -> str:
    """Slack's mrkdwn control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(artifacts: list[Artifact]) -> dict[str, Any]:
    """Block Kit message: a header with the report's name, its period, one download button per file."""
    first = artifacts[0]
    files = ", ".join(f"{a.format.upper()} ({_size(a.size_bytes)})" for a in artifacts)
    return {
        "text": f"{first.title} ({first.period}) is ready: {first.download_url}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": first.title[:150]}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*Period*\n{_escape(first.period)}"},
                    {"type": "mrkdwn", "text": f"*Files*\n{_escape(files)}"},
                ],
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": f"Download {a.format.upper()}"},
                        "url": a.download_url,
                        "action_id": f"download-{a.export_id}"[:255],
                    }
                    for a in artifacts[:5]
                ],
            },
        ],
    }


class SlackChannel:
    name: ClassVar[ChannelName] = "slack"
    config_model: ClassVar[type[BaseModel]] = SlackConfig

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> HttpReceipt:
        config = parse_config(SlackConfig, context, artifacts)
        body = json.dumps(slack_message(artifacts)).encode()
        headers = {"Content-Type": "application/json", "X-Delivery-Id": context.delivery_id}
        outcome = post_with_retries(config.webhook_url, body, headers, config.retry)
        return HttpReceipt(
            detail=f"Slack answered HTTP {outcome.status} after {outcome.attempts} attempt(s)",
            status=outcome.status,
            attempts=outcome.attempts,
        )
