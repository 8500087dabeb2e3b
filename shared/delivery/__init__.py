"""Delivery: channels (email, S3, webhook, Slack, SFTP, inbox, push), delivery records, stats and sweepers."""
