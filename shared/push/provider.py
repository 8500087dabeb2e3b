"""The push-provider interface, and its AWS implementation through SNS mobile push (APNs and FCM platform apps).

A provider raises `TransientError` when a retry may help (throttling, the service's 5xx) and `PermanentError` when it
will not (a disabled endpoint: the app was uninstalled or the token expired; an unknown platform)."""

from __future__ import annotations

import json
import re
from typing import Any, Literal, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws import client
from shared.delivery.channels.aws_failures import as_channel_error
from shared.errors import PermanentError
from shared.settings import get_settings

Platform = Literal["ios", "android"]
_EXISTING_ENDPOINT = re.compile(r"Endpoint (arn:aws[\w-]*:sns:\S+) already exists")


class PushProvider(Protocol):
    def send(self, device_token: str, platform: Platform, title: str, body: str, data: dict[str, str]) -> str:
        """Send one notification to one device; returns the provider's message id."""
        ...


def sns_message(title: str, body: str, data: dict[str, str]) -> str:
    """The SNS `MessageStructure=json` document: APNs (production and sandbox) and FCM HTTP v1 payloads."""
    apns = json.dumps({"aps": {"alert": {"title": title, "body": body}, "sound": "default"}, **data})
    fcm = json.dumps({"fcmV1Message": {"message": {"notification": {"title": title, "body": body}, "data": data}}})
    return json.dumps({"default": f"{title}: {body}", "APNS": apns, "APNS_SANDBOX": apns, "GCM": fcm})


class SnsPushProvider:
    """Creates (or finds) the device's SNS platform endpoint, then publishes to it."""

    def __init__(self, application_arns: dict[Platform, str] | None = None) -> None:
        if application_arns is None:
            settings = get_settings()
            found = {"ios": settings.push_apns_application_arn, "android": settings.push_fcm_application_arn}
            application_arns = {p: arn for p, arn in found.items() if arn}  # type: ignore[misc]
        self.application_arns = application_arns

    def endpoint_for(self, device_token: str, platform: Platform) -> str:
        application = self.application_arns.get(platform)
        if not application:
            raise PermanentError(f"no SNS platform application is configured for {platform} push")
        sns = client("sns")
        try:
            return str(
                sns.create_platform_endpoint(PlatformApplicationArn=application, Token=device_token)["EndpointArn"]
            )
        except ClientError as error:
            found = _EXISTING_ENDPOINT.search(str(error.response.get("Error", {}).get("Message", "")))
            if found:
                return found.group(1)
            raise as_channel_error(error, f"registering a {platform} device with SNS") from None
        except BotoCoreError as error:
            raise as_channel_error(error, f"registering a {platform} device with SNS") from None

    def send(self, device_token: str, platform: Platform, title: str, body: str, data: dict[str, str]) -> str:
        endpoint = self.endpoint_for(device_token, platform)
        try:
            reply: dict[str, Any] = client("sns").publish(
                TargetArn=endpoint, MessageStructure="json", Message=sns_message(title, body, data)
            )
        except (BotoCoreError, ClientError) as error:
            raise as_channel_error(error, f"publishing to {platform} endpoint {endpoint}") from None
        return str(reply["MessageId"])
