"""The email channel: SES v2, one multipart (text + HTML) message per recipient with links to the API's download
route. Never a presigned URL: one made with a Lambda role's credentials dies with them."""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import ClassVar

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field

from shared.aws import client, send_client
from shared.delivery.channel import Artifact, ChannelName, ChannelReceipt, DeliveryContext
from shared.delivery.channels.aws_failures import as_channel_error
from shared.delivery.send_rate import ses_bucket
from shared.errors import InvalidInput, PermanentError
from shared.rendering.file_name import file_stem
from shared.settings import get_settings

ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}$")


class EmailConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(None, max_length=200)
    """Replaces the default subject (`<report title> (<period>)`)."""


def check_recipient(recipient: str) -> None:
    if not ADDRESS.match(recipient):
        raise InvalidInput(f"{recipient!r} is not an email address")


def _human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size //= 1024
    return f"{size} MB"


def report_message(context: DeliveryContext, artifacts: list[Artifact]) -> EmailMessage:
    """The report email: what it is, which period, and one download link per format."""
    first = artifacts[0]
    config = EmailConfig.model_validate(context.config)
    subject = config.subject or f"{first.title} ({first.period})"
    lines = [
        f'Your report "{first.title}" for {first.period} is ready.',
        "",
        "Download (sign in with your account; each link checks who you are, then hands you the file):",
    ]
    items = []
    for artifact in artifacts:
        rows = f", {artifact.row_count:,} rows" if artifact.row_count is not None else ""
        expiry = f", available until {artifact.expires_at:%Y-%m-%d}" if artifact.expires_at else ""
        lines.append(
            f"  {artifact.format.upper()} ({_human_size(artifact.size_bytes)}{rows}{expiry}): {artifact.download_url}"
        )
        items.append(
            f'<li><a href="{html.escape(artifact.download_url)}">{artifact.format.upper()}</a> '
            f"({html.escape(_human_size(artifact.size_bytes) + rows + expiry)})</li>"
        )
    lines += ["", f"Job {context.job_id}. You receive this because of a report subscription."]
    body_html = (
        f"<html><body><p>Your report <strong>{html.escape(first.title)}</strong> for {html.escape(first.period)} "
        f"is ready.</p><p>Download (sign in with your account):</p><ul>{''.join(items)}</ul>"
        f'<p style="color:#64748b">Job {html.escape(context.job_id)}. You receive this because of a report '
        "subscription.</p></body></html>"
    )
    attach = _attachable(artifacts)
    if attach:
        lines.insert(1, "The files are attached; the links below fetch them again.")
    message = _message(context.recipient, subject, "\n".join(lines), body_html, context.delivery_id)
    for artifact in artifacts if attach else []:
        maintype, _, subtype = artifact.content_type.partition("/")
        message.add_attachment(
            _read(artifact),
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=f"{file_stem(artifact.title)}.{artifact.format}",  # RFC 2231 when not ASCII (email policy)
        )
    return message


def _attachable(artifacts: list[Artifact]) -> bool:
    """Attachments only when the files together are within `EMAIL_ATTACHMENT_MAX_BYTES`; otherwise links only."""
    cap = get_settings().email_attachment_max_bytes
    return cap > 0 and sum(a.size_bytes for a in artifacts) <= cap


def _read(artifact: Artifact) -> bytes:
    try:
        body: bytes = client("s3").get_object(Bucket=artifact.bucket, Key=artifact.key)["Body"].read()
    except (BotoCoreError, ClientError) as error:
        raise as_channel_error(error, f"reading artifact {artifact.key}") from error
    return body


def failure_message(recipient: str, title: str, job_id: str, step: str, cause: str, key: str) -> EmailMessage:
    """The note to a subscription's owner that a run failed for good."""
    url = f"{get_settings().api_base_url.rstrip('/')}/api/jobs/{job_id}"
    text = (
        f'The report "{title}" could not be produced: the {step} step failed.\n\nCause: {cause}\n\n'
        f"Job status: {url}\nThe operations team has the failure in the pipeline's dead-letter queue."
    )
    body_html = (
        f"<html><body><p>The report <strong>{html.escape(title)}</strong> could not be produced: the "
        f"<strong>{html.escape(step)}</strong> step failed.</p><p>Cause: {html.escape(cause)}</p>"
        f'<p><a href="{html.escape(url)}">Job status</a></p></body></html>'
    )
    return _message(recipient, f"Report failed: {title}", text, body_html, key)


def recovery_message(recipient: str, title: str, job_id: str, step: str, key: str) -> EmailMessage:
    """The note to a subscription's owner, told earlier that a run failed at `step`, that it got through after all (a
    redrive, or the delivery sweeper)."""
    url = f"{get_settings().api_base_url.rstrip('/')}/api/jobs/{job_id}"
    text = (
        f'The report "{title}", which we told you had failed at its {step} step, has recovered: it was produced and '
        f"delivered by a later retry. Nothing more needs doing.\n\nJob status: {url}"
    )
    body_html = (
        f"<html><body><p>The report <strong>{html.escape(title)}</strong>, which we told you had failed at its "
        f"{html.escape(step)} step, has recovered: it was produced and delivered by a later retry. Nothing more needs "
        f'doing.</p><p><a href="{html.escape(url)}">Job status</a></p></body></html>'
    )
    return _message(recipient, f"Report delivered after all: {title}", text, body_html, key)


def partial_delivery_message(
    recipient: str, title: str, job_id: str, delivered: int, failures: list[tuple[str, str, str]], key: str
) -> EmailMessage:
    """The note to a subscription's owner that a run was produced but some deliveries failed: each failed
    (recipient, channel, reason), and how to retry only those."""
    url = f"{get_settings().api_base_url.rstrip('/')}/api/jobs/{job_id}"
    lines = "\n".join(f"- {who} ({channel}): {reason}" for who, channel, reason in failures)
    items = "".join(
        f"<li>{html.escape(who)} ({html.escape(channel)}): {html.escape(reason)}</li>"
        for who, channel, reason in failures
    )
    text = (
        f'The report "{title}" was delivered to {delivered} recipient(s); {len(failures)} delivery(ies) failed:\n'
        f"{lines}\n\nJob status: {url}\nRetry only the failed ones: POST {url}/deliveries/retry"
    )
    body_html = (
        f"<html><body><p>The report <strong>{html.escape(title)}</strong> was delivered to {delivered} recipient(s); "
        f"{len(failures)} delivery(ies) failed:</p><ul>{items}</ul>"
        f'<p><a href="{html.escape(url)}">Job status</a> (retry only the failed ones from there)</p></body></html>'
    )
    return _message(recipient, f"Report partly delivered: {title}", text, body_html, key)


def _message(recipient: str, subject: str, text: str, body_html: str, key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = get_settings().sender_email
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(idstring=key[:40], domain="report-platform")
    message["X-Report-Delivery-Id"] = key
    message.set_content(text)
    message.add_alternative(body_html, subtype="html")
    return message


def send_message(message: EmailMessage) -> ChannelReceipt:
    """Send through SES v2 at the account's sending rate; throttling and outages are transient, rejections
    permanent."""
    ses_bucket().take()
    try:
        reply = send_client("sesv2").send_email(
            FromEmailAddress=get_settings().sender_email,
            Content={"Raw": {"Data": message.as_bytes()}},
        )
    except (BotoCoreError, ClientError) as error:
        raise as_channel_error(error, f"sending to {message['To']} through SES") from error
    message_id = str(reply["MessageId"])
    return ChannelReceipt(detail=f"sent SES message {message_id} to {message['To']}", external_id=message_id)


class EmailChannel:
    name: ClassVar[ChannelName] = "email"
    config_model: ClassVar[type[BaseModel]] = EmailConfig

    def check_recipient(self, recipient: str) -> None:
        check_recipient(recipient)

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> ChannelReceipt:
        if not artifacts:
            raise PermanentError("there is nothing to send: the job has no artifacts")
        return send_message(report_message(context, artifacts))
