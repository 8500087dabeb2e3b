"""The AWS push provider against the local SNS: platform applications named in a Secrets Manager secret."""

from __future__ import annotations

import json

import pytest

from local.runtime import LocalRuntime
from shared.aws import client
from shared.errors import ConfigurationError
from shared.push.provider import PushProvider
from shared.push.sns_provider import SnsPushProvider
from shared.settings import get_settings


def test_sends_through_the_platform_application_of_the_secret(clean: LocalRuntime) -> None:
    sns = client("sns")
    ios = sns.create_platform_application(Name="ios-app", Platform="APNS", Attributes={})["PlatformApplicationArn"]
    android = sns.create_platform_application(Name="android-app", Platform="GCM", Attributes={})[
        "PlatformApplicationArn"
    ]
    client("secretsmanager").create_secret(
        Name=get_settings().push_secret_id, SecretString=json.dumps({"ios": ios, "android": android})
    )
    provider: PushProvider = SnsPushProvider()
    message_id = provider.send("a" * 64, "ios", "Title", "Body", {"notificationId": "n-1"})
    assert message_id
    endpoints = sns.list_endpoints_by_platform_application(PlatformApplicationArn=ios)["Endpoints"]
    assert [e["Attributes"]["Token"] for e in endpoints] == ["a" * 64]
    assert provider.send("fcm-token", "android", "Title", "Body", {})
    with pytest.raises(ConfigurationError, match="ios-edition"):
        provider.send("t", "ios-edition", "Title", "Body", {})
