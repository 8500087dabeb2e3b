"""The delivery channels besides email, one module each, every one implementing `shared.delivery.channel.Channel`.

`s3.S3Channel`, `webhook.WebhookChannel`, `slack.SlackChannel`, `sftp.SftpChannel`, `inbox.InboxChannel`,
`push.PushChannel`; each class carries its pydantic `config_model`, validated when a subscription is made.
"""
