"""NotificationsConstruct: what the notification functions use beyond their catalog grants.

- push workers: the push grant every push sender has (`cdk.concerns.push.PushAccess`): read the push secret (SNS
  platform application ARNs), create platform endpoints and publish to them;
- the received-count consumer: Athena queries over the received-log lake tables, this platform's and mobile-n10n's
  raw Fastly lines (AnalyticsConstruct.grant_query).
"""

from __future__ import annotations

from constructs import Construct

from cdk.platform import Platform
from shared.catalog.notifications import N10N_RAW_EVENTS, NOTIFICATION_RECEIVED, PUSH_WORKERS, RECEIVED_COUNTER


class NotificationsConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        for spec in PUSH_WORKERS.values():
            platform.push.grant(platform.functions[spec.name])
        counter = platform.functions[RECEIVED_COUNTER.name]
        platform.analytics.grant_query(counter, [NOTIFICATION_RECEIVED, N10N_RAW_EVENTS])
