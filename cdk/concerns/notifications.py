"""NotificationsConstruct: the permissions and wiring of the notifications functions beyond their catalog grants."""

from __future__ import annotations

from constructs import Construct

from cdk.platform import Platform


class NotificationsConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
