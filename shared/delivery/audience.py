"""Who may be handed a report inside the platform: a dashboard inbox item goes only to a user allowed to read the job.

A job is readable by its owner and by the tenant's admins. The platform keeps no directory of users, so the inbox
recipients a request may name are the ones it can vouch for: a subscription's inbox goes to its owner only; a
deliver-now goes to the job's owner or to the caller (who has just read the job: the owner, or an admin)."""

from __future__ import annotations

from shared.api.caller import Caller
from shared.errors import Forbidden
from shared.jobs.models import Job
from shared.subscriptions.models import ChannelSpec


def check_inbox_recipients(channels: list[ChannelSpec], allowed: set[str]) -> None:
    """Forbidden, naming the recipient, for an inbox recipient outside `allowed`."""
    for number, spec in enumerate(channels):
        if spec.channel != "inbox":
            continue
        for recipient in spec.recipients:
            if recipient not in allowed:
                raise Forbidden(
                    f"channels[{number}]: {recipient!r} may not receive this report in their inbox: an inbox item goes "
                    "only to a user who may read the report (its owner, or you)"
                )


def inbox_readers(job: Job, caller: Caller) -> set[str]:
    """The inbox recipients a deliver-now of `job` by `caller` may name."""
    return {job.ownerId, caller.sub}
