"""The demo loader `make run` uses: a trial, and subscriptions with their schedules."""

import io

from local.demo import LOADERS
from local.runtime import LocalRuntime
from shared.api.caller import Caller
from shared.subscriptions import logic
from shared.subscriptions.scheduler import describe_schedule


def test_demo_trials_loader_creates_a_trial_and_two_scheduled_subscriptions(clean: LocalRuntime) -> None:
    (loader,) = [load for name, load in LOADERS if name.startswith("clinical trials")]
    out = io.StringIO()
    summary = loader(out)
    assert "trial CARDIO-22" in summary
    admin = Caller(sub="demo-admin", tenant="acme", roles=("admin",))
    page = logic.list_subscriptions(admin, everyone=True)
    assert len(page.items) == 2
    for subscription in page.items:
        schedule = describe_schedule(subscription.subscriptionId)
        assert schedule is not None
        assert schedule["State"] == "ENABLED"
