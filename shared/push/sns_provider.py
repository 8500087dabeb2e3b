"""Push through Amazon SNS mobile push: one platform application per platform (APNs for the iOS apps, FCM for the
Android apps) holds the APNs/FCM credentials; their ARNs are read from a Secrets Manager secret, never from code."""

from __future__ import annotations

import json
from functools import cached_property

from botocore.exceptions import ClientError

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


class SnsPushProvider:
    """`send` creates (or finds) the device's platform endpoint and publishes one message to it."""

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
            endpoint = sns.create_platform_endpoint(PlatformApplicationArn=application, Token=device_token)
            key = _payload_key(application)
            message = json.dumps({"default": body, key: json.dumps(_payload(key, title, body, data))})
            reply = sns.publish(TargetArn=endpoint["EndpointArn"], Message=message, MessageStructure="json")
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in _PERMANENT:
                raise PermanentError(f"SNS refused the push to a {platform} device: {code}") from error
            raise TransientError(f"SNS failed to push to a {platform} device: {code}") from error
        return str(reply["MessageId"])


def _payload_key(application_arn: str) -> str:
    """The message key SNS expects for the application's platform (`APNS`, `APNS_SANDBOX`, `GCM`)."""
    return application_arn.split(":app/", 1)[-1].split("/", 1)[0]


def _payload(key: str, title: str, body: str, data: dict[str, str]) -> dict[str, object]:
    """APNs wants `aps` plus custom keys; FCM (`GCM`) wants `notification` and `data`."""
    if key.startswith("APNS"):
        return {"aps": {"alert": {"title": title, "body": body}}, **data}
    return {"notification": {"title": title, "body": body}, "data": data}
