"""Channel configuration models and the pure pieces of the channels: URL rules, Retry-After, signatures, naming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from botocore.exceptions import ClientError

from local.delivery_demo import describe_artifact
from shared import clock
from shared.delivery import email
from shared.delivery.channels.http_post import RetryPolicy, backoff_seconds, check_peer_url, retry_after_seconds
from shared.delivery.channels.naming import render_key
from shared.delivery.channels.sftp import secret_name_of
from shared.delivery.channels.slack import SlackConfig
from shared.delivery.channels.webhook import WebhookConfig, sign, verify_signature
from shared.delivery.registry import masked_config
from shared.errors import PermanentError, TransientError
from shared.settings import reset_settings

ARTIFACT = describe_artifact("exp/1 a", format="csv", content_type="text/csv", report_type="Usage Summary")


def test_webhook_urls_must_be_https_except_loopback_in_the_local_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGE", "local")
    reset_settings()
    secret = "0123456789abcdef"
    assert WebhookConfig(url="https://hooks.example.com/r", secret=secret).url == "https://hooks.example.com/r"
    assert WebhookConfig(url="http://127.0.0.1:9000/h", secret=secret)
    with pytest.raises(ValueError, match=r"plain http is accepted only for 127\.0\.0\.1 or localhost"):
        WebhookConfig(url="http://hooks.example.com/r", secret=secret)
    for private in ("https://10.0.0.4/h", "https://169.254.169.254/latest", "https://[fd00::1]/h"):
        with pytest.raises(ValueError, match="private, link-local"):
            WebhookConfig(url=private, secret=secret)
    with pytest.raises(ValueError, match="credentials"):
        WebhookConfig(url="https://user:pw@hooks.example.com/", secret=secret)
    with pytest.raises(ValueError, match="at least 16"):
        WebhookConfig(url="https://hooks.example.com/r", secret="short")
    monkeypatch.setenv("STAGE", "prod")
    reset_settings()
    try:
        with pytest.raises(ValueError, match="only in the local stage"):
            check_peer_url("http://localhost:8080/h")
    finally:
        monkeypatch.delenv("STAGE")
        reset_settings()


def test_the_secret_never_shows_in_a_repr() -> None:
    config = WebhookConfig(url="https://hooks.example.com/r", secret="do-not-print-me-please")
    assert "do-not-print-me-please" not in repr(config)
    assert config.model_dump()["secret"] == "do-not-print-me-please", "stored as given, so the channel can sign"


def test_slack_urls_must_be_slack_hooks() -> None:
    assert SlackConfig(webhook_url="https://hooks.slack.com/services/T/B/x")
    with pytest.raises(ValueError, match=r"hooks\.slack\.com"):
        SlackConfig(webhook_url="https://example.com/services/T/B/x")


def test_retry_after_as_seconds_or_http_date() -> None:
    clock.set_now(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    try:
        assert retry_after_seconds("7") == 7.0
        assert retry_after_seconds(format_datetime(clock.now() + timedelta(seconds=30), usegmt=True)) == 30.0
        assert retry_after_seconds(format_datetime(clock.now() - timedelta(seconds=30), usegmt=True)) == 0.0
        assert retry_after_seconds("soon") is None
        assert retry_after_seconds(None) is None
    finally:
        clock.set_now(None)


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(backoff_base_s=1, backoff_max_s=5)
    for attempt, ceiling in ((1, 1), (2, 2), (3, 4), (4, 5), (9, 5)):
        waits = [backoff_seconds(policy, attempt) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)


def test_signatures_bind_secret_timestamp_and_body() -> None:
    signature = sign("k" * 16, "1700000000", b'{"a":1}')
    assert verify_signature("k" * 16, "1700000000", '{"a":1}', signature, now=1700000100)
    assert verify_signature("k" * 16, "1700000000", b'{"a":1}', signature.upper(), tolerance_s=None)
    assert not verify_signature("k" * 16, "1700000001", b'{"a":1}', signature, tolerance_s=None)
    assert not verify_signature("k" * 16, "1700000000", b'{"a":1}', signature, now=1700000000 + 301)
    assert not verify_signature("k" * 16, "not-a-time", b'{"a":1}', signature)


def test_keys_and_file_names_are_safe() -> None:
    moment = datetime(2026, 11, 23, tzinfo=UTC)
    assert render_key("{report_type}/{date}/{export_id}.{format}", ARTIFACT, moment) == (
        "Usage-Summary/2026-11-23/exp-1-a.csv"
    )
    assert render_key("x/{file_name}", ARTIFACT, moment) == "x/Usage-Summary_exp-1-a.csv"


def test_secret_names_are_read_from_arns() -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:report-platform/sftp/acme-a1B2c3"
    assert secret_name_of(arn) == "report-platform/sftp/acme"
    assert secret_name_of("report-platform/sftp/acme") == "report-platform/sftp/acme"


def test_sftp_runs_its_coroutine_even_inside_a_running_event_loop() -> None:

    from shared.delivery.channels.sftp import run_blocking

    async def answer() -> int:
        return 42

    async def caller() -> int:
        return run_blocking(answer())

    assert run_blocking(answer()) == 42
    assert run_blocking(caller()) == 42, "caller() itself runs run_blocking inside a running event loop"


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("Throttling", 400, TransientError),
        ("LimitExceededException", 400, TransientError),
        ("InternalServiceErrorException", 500, TransientError),
        ("MessageRejected", 400, PermanentError),
        ("AccessDenied", 403, PermanentError),
    ],
)
def test_ses_failures_are_classified_like_every_aws_channel(
    monkeypatch: pytest.MonkeyPatch, code: str, status: int, expected: type[Exception]
) -> None:
    class RefusingSes:
        def send_email(self, **_params: object) -> dict[str, str]:
            raise ClientError(
                {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "SendEmail"
            )

    class NoWait:
        def take(self) -> float:
            return 0.0

    monkeypatch.setattr(email, "send_client", lambda _service: RefusingSes())
    monkeypatch.setattr(email, "ses_bucket", NoWait)
    message = email.failure_message("bob@example.com", "Weekly", "job-1", "render", "boom", "dlv-1")
    with pytest.raises(expected, match=code):
        email.send_message(message)


def test_shown_configs_mask_every_field_its_channel_model_keeps_out_of_repr() -> None:
    hook = {"url": "https://hooks.example.com/r", "secret": "s3cret-for-this-subscription", "delivery_priority": 2}
    assert masked_config("webhook", hook) == {"url": hook["url"], "secret": "***", "delivery_priority": 2}
    slack = {"webhook_url": "https://hooks.slack.com/services/T0/B0/xyz"}
    assert masked_config("slack", slack) == {"webhook_url": "***"}
    sftp = {"host": "files.example.com", "username": "acme", "private_key_secret": "report-platform/sftp/acme"}
    assert masked_config("sftp", sftp) == {**sftp, "private_key_secret": "***"}
    assert masked_config("push", {"device_token": "a" * 64, "platform": "ios"}) == {
        "device_token": "***",
        "platform": "ios",
    }
    assert masked_config("email", {"subject": "Weekly"}) == {"subject": "Weekly"}
