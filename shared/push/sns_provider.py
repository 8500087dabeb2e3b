"""Push through Amazon SNS mobile push: one platform application per platform (APNs for the iOS apps, FCM for the
Android apps) holds the APNs/FCM credentials; their ARNs come from a Secrets Manager secret, never from code."""

from __future__ import annotations

import json
import re
from functools import cached_property

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws import client
from shared.errors import ConfigurationError, PermanentError, TransientError
from shared.settings import get_settings

_PERMANENT = {
    "EndpointDisabled",
    "InvalidParameter",
    "InvalidParameterValue",
    "NotFound",
    "PlatformApplicationDisabled",
}
_EXISTING_ENDPOINT = re.compile(r"Endpoint (arn:aws[\w-]*:sns:\S+) already exists")


def sns_message(title: str, body: str, data: dict[str, str]) -> str:
    """The SNS `MessageStructure=json` document: APNs (production and sandbox) and FCM HTTP v1 payloads."""
    apns = json.dumps({"aps": {"alert": {"title": title, "body": body}, "sound": "default"}, **data})
    fcm = json.dumps({"fcmV1Message": {"message": {"notification": {"title": title, "body": body}, "data": data}}})
    return json.dumps({"default": f"{title}: {body}", "APNS": apns, "APNS_SANDBOX": apns, "GCM": fcm})


class SnsPushProvider:
    """`send` creates (or finds) the device's platform endpoint and publishes one message to it."""

    def __init__(self, application_arns: dict[str, str] | None = None) -> None:
        if application_arns is not None:
            self.__dict__["applications"] = dict(application_arns)

    @cached_property
    def applications(self) -> dict[str, str]:
        """Platform -> SNS platform application ARN, from the secret named by `PUSH_SECRET_ID`."""
        secret_id = get_settings().push_secret_id
        secret = client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
        value = json.loads(secret)
        if not isinstance(value, dict):
            raise ConfigurationError(f"secret {secret_id} must hold a JSON object of platform -> application ARN")
        return {str(k): str(v) for k, v in value.items()}

    def send(self, device_token: str, platform: str, title: str, body: str, data: dict[str, str]) -> str:
        application = self.applications.get(platform)
        if application is None:
            raise ConfigurationError(f"no SNS platform application for platform {platform!r} in the push secret")
        sns = client("sns")
        try:
            endpoint = self._endpoint(application, device_token)
            reply = sns.publish(TargetArn=endpoint, Message=sns_message(title, body, data), MessageStructure="json")
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in _PERMANENT:
                raise PermanentError(f"SNS refused the push to a {platform} device: {code}") from error
            raise TransientError(f"SNS failed to push to a {platform} device: {code}") from error
        except BotoCoreError as error:
            raise TransientError(f"SNS could not be reached to push to a {platform} device: {error}") from error
        return str(reply["MessageId"])

    @staticmethod
    def _endpoint(application: str, device_token: str) -> str:
        """The device's endpoint: created once, found again when SNS says it exists with other attributes."""
        try:
            reply = client("sns").create_platform_endpoint(PlatformApplicationArn=application, Token=device_token)
            return str(reply["EndpointArn"])
        except ClientError as error:
            found = _EXISTING_ENDPOINT.search(str(error.response.get("Error", {}).get("Message", "")))
            if found:
                return found.group(1)
            raise
