"""Seed 001's subscription routes: shapes, permissions, tenant isolation, schedule validation, the schedule kept in
step with the subscription (PATCH updates, pause disables, DELETE removes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from local.runtime import LocalRuntime
from shared import clock
from shared.delivery import records as delivery_records
from shared.delivery.records import DeliveryRecord
from shared.delivery.sealing import open_config
from shared.jobs import logic as jobs
from shared.subscriptions import store
from shared.subscriptions.scheduler import SCHEDULED_TIME, describe_schedule
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.dynamodb_calls import counting_dynamodb_calls
from tests.support.pipeline import TRIAL, small_trial, wait_for_job


@pytest.fixture
def alice(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    small_trial()
    small_trial(trial_id="T-200", members=("bob",))
    return ApiClient(clean.url, token=token(sub="alice", role="user", email="alice@example.com"))


def test_seed_body_subscribes_with_the_defaults(alice: ApiClient) -> None:
    reply = alice.post(
        "/api/subscriptions",
        {"userId": "alice", "reportType": "weekly", "filters": {"dateRange": "last_week", "fileTypes": ["pdf", "jpg"]}},
    )
    assert reply.status == 201, reply.body
    assert reply.json["status"] == "active"
    subscription = alice.get(f"/api/subscriptions/{reply.json['subscriptionId']}").json
    assert subscription["ownerId"] == "alice"
    assert subscription["tenantId"] == "acme"
    assert subscription["reportType"] == "clinical_weekly"
    assert subscription["filters"]["trialId"] == TRIAL, "the caller's only trial is the default"
    assert subscription["schedule"] == {"cron": "0 9 * * 1", "timezone": "UTC"}
    assert subscription["scheduleDescription"] == "At 09:00 on Monday"
    assert subscription["channels"] == [{"channel": "email", "recipients": ["alice@example.com"], "config": {}}]
    assert subscription["formats"] == ["pdf"]
    assert subscription["nextRunAt"].endswith("09:00:00.000Z")

    schedule = describe_schedule(reply.json["subscriptionId"])
    assert schedule is not None
    assert schedule["ScheduleExpression"] == "cron(0 9 ? * 2 *)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert target["Arn"].endswith(":stateMachine:report-pipeline")
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert target["DeadLetterConfig"]["Arn"].endswith("scheduler-dlq")
    assert json.loads(target["Input"]) == {
        "subscriptionId": reply.json["subscriptionId"],
        "tenantId": "acme",
        "scheduledFor": SCHEDULED_TIME,
    }


def test_a_user_may_not_subscribe_to_a_trial_they_are_not_enrolled_in(alice: ApiClient) -> None:
    reply = alice.post("/api/subscriptions", {"reportType": "weekly", "filters": {"trialId": "T-200"}})
    assert reply.status == 403
    assert "not enrolled in trial T-200" in reply.json["message"]


def test_an_admin_may_subscribe_to_any_trial_of_the_tenant_but_not_an_unknown_one(
    alice: ApiClient, token: TokenFactory
) -> None:
    admin = token(sub="admin-1", role="admin", email="admin@example.com")
    assert alice.post("/api/subscriptions", {"filters": {"trialId": "T-200"}}, token=admin).status == 201
    unknown = alice.post("/api/subscriptions", {"filters": {"trialId": "T-999"}}, token=admin)
    assert unknown.status == 400
    assert "T-999" in unknown.json["message"]


def test_the_owner_is_always_the_caller(alice: ApiClient) -> None:
    reply = alice.post("/api/subscriptions", {"userId": "mallory", "filters": {"trialId": TRIAL}})
    assert reply.status == 403


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"cron": "0 9 1 * 1"}, "both day-of-month and day-of-week"),
        ({"cron": "0 9 * * 1", "timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'"),
        ({"cron": "*/5 * * * *"}, "at most every 15 minutes"),
        ({"cron": "0 25 * * *"}, "is not valid"),
        ({"cron": "0 9 * *"}, "give five"),
        ({"cron": "0 9 * * 5L"}, "cannot be scheduled in AWS: EventBridge Scheduler has no 'last Friday of the month'"),
        ({"cron": "0 9 * * 1#1,5#3"}, "the Nth weekday of the month) must stand alone"),
        ({"cron": "0 9 LW * *"}, "no 'last weekday of the month' (LW); use L for the last day"),
        ({"cron": "0 9 1,L * *"}, "'L' (the last day of the month) must stand alone"),
    ],
)
def test_bad_schedules_are_a_400_with_a_message(alice: ApiClient, schedule: dict[str, str], message: str) -> None:
    reply = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}, "schedule": schedule})
    assert reply.status == 400, reply.body
    assert message in reply.json["message"]


@pytest.mark.parametrize(
    ("cron", "eventbridge"),
    [
        ("0 9 * * 5#2", "cron(0 9 ? * 6#2 *)"),
        ("0 9 * * 7", "cron(0 9 ? * 1 *)"),
        ("0 9 * * */2", "cron(0 9 ? * 1,3,5,7 *)"),
        ("0 9 * * 5-7", "cron(0 9 ? * 1,6,7 *)"),
        ("0 9 * JAN,JUL SAT", "cron(0 9 ? 1,7 7 *)"),
    ],
)
def test_the_schedule_keeps_the_same_days_in_eventbridge(alice: ApiClient, cron: str, eventbridge: str) -> None:
    reply = alice.post(
        "/api/subscriptions",
        {"filters": {"trialId": TRIAL}, "schedule": {"cron": cron, "timezone": "Australia/Sydney"}},
    )
    assert reply.status == 201, reply.body
    schedule = describe_schedule(reply.json["subscriptionId"])
    assert schedule is not None
    assert (schedule["ScheduleExpression"], schedule["ScheduleExpressionTimezone"]) == (eventbridge, "Australia/Sydney")


def test_a_refused_pattern_leaves_no_subscription_or_schedule(alice: ApiClient) -> None:
    refused = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}, "schedule": {"cron": "0 9 * * 5L"}})
    assert refused.status == 400
    assert "choose the Nth Friday with '#' instead (e.g. 5#4 for the fourth)" in refused.json["message"]
    assert alice.get("/api/subscriptions").json["items"] == []
    created = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}}).json["subscriptionId"]
    patched = alice.patch(f"/api/subscriptions/{created}", {"schedule": {"cron": "0 9 LW * *"}})
    assert patched.status == 400
    assert "last weekday of the month" in patched.json["message"]
    assert describe_schedule(created)["ScheduleExpression"] == "cron(0 9 ? * 2 *)"  # type: ignore[index]


def test_bad_channels_and_formats_are_refused(alice: ApiClient) -> None:
    bad_address = alice.post("/api/subscriptions", {"channels": [{"channel": "email", "recipients": ["nobody"]}]})
    assert bad_address.status == 400
    assert "not an email address" in bad_address.json["message"]
    bad_config = alice.post(
        "/api/subscriptions", {"channels": [{"channel": "email", "recipients": ["a@example.com"], "config": {"x": 1}}]}
    )
    assert bad_config.status == 400
    assert alice.post("/api/subscriptions", {"channels": [{"channel": "fax", "recipients": ["1"]}]}).status == 422
    assert alice.post("/api/subscriptions", {"formats": ["docx"]}).status == 422
    assert alice.post("/api/subscriptions", {"reportType": "horoscope"}).status == 400


def test_patch_updates_the_schedule_pause_disables_it_delete_removes_it(alice: ApiClient) -> None:
    subscription_id = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}}).json["subscriptionId"]
    patched = alice.patch(
        f"/api/subscriptions/{subscription_id}",
        {"schedule": {"cron": "30 7 * * 1-5", "timezone": "Europe/London"}, "formats": ["pdf", "xlsx"]},
    )
    assert patched.status == 200, patched.body
    assert patched.json["formats"] == ["pdf", "xlsx"]
    schedule = describe_schedule(subscription_id)
    assert schedule is not None
    assert (schedule["ScheduleExpression"], schedule["ScheduleExpressionTimezone"]) == (
        "cron(30 7 ? * 2-6 *)",
        "Europe/London",
    )
    assert alice.patch(f"/api/subscriptions/{subscription_id}", {"schedule": {"cron": "* * * * *"}}).status == 400

    paused = alice.patch(f"/api/subscriptions/{subscription_id}", {"status": "paused"})
    assert paused.json["status"] == "paused"
    assert paused.json["nextRunAt"] is None
    assert describe_schedule(subscription_id)["State"] == "DISABLED"  # type: ignore[index]
    resumed = alice.patch(f"/api/subscriptions/{subscription_id}", {"status": "active"})
    assert describe_schedule(subscription_id)["State"] == "ENABLED"  # type: ignore[index]
    assert resumed.json["nextRunAt"] is not None

    assert alice.delete(f"/api/subscriptions/{subscription_id}").status == 204
    assert describe_schedule(subscription_id) is None
    assert alice.get(f"/api/subscriptions/{subscription_id}").status == 404


def test_another_tenant_or_user_sees_404_for_subscriptions_and_jobs(alice: ApiClient, token: TokenFactory) -> None:
    subscription_id = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}}).json["subscriptionId"]
    job_id = alice.post(f"/api/subscriptions/{subscription_id}/run").json["jobId"]
    wait_for_job(alice, job_id)
    other_tenant = token(tenant="globex", sub="alice", role="admin")
    other_user = token(sub="bob", role="user")
    for who in (other_tenant, other_user):
        assert alice.get(f"/api/subscriptions/{subscription_id}", token=who).status == 404
        assert alice.patch(f"/api/subscriptions/{subscription_id}", {"name": "x"}, token=who).status == 404
        assert alice.delete(f"/api/subscriptions/{subscription_id}", token=who).status == 404
        assert alice.post(f"/api/subscriptions/{subscription_id}/run", token=who).status == 404
        assert alice.get(f"/api/subscriptions/{subscription_id}/jobs", token=who).status == 404
        assert alice.get(f"/api/jobs/{job_id}", token=who).status == 404
        assert alice.get(f"/api/reports/exports/{job_id}/download", token=who).status == 404
    assert alice.get(f"/api/jobs/{job_id}", token=token(sub="boss", role="admin")).status == 200


def test_jobs_of_a_subscription_are_newest_first_and_paged(alice: ApiClient) -> None:
    subscription_id = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}}).json["subscriptionId"]
    first = alice.post(f"/api/subscriptions/{subscription_id}/run").json["jobId"]
    wait_for_job(alice, first)
    second = alice.post(f"/api/subscriptions/{subscription_id}/run").json["jobId"]
    wait_for_job(alice, second)
    page = alice.get(f"/api/subscriptions/{subscription_id}/jobs?limit=1").json
    assert [j["jobId"] for j in page["items"]] == [second]
    assert page["cursor"]
    rest = alice.get(f"/api/subscriptions/{subscription_id}/jobs?limit=1&cursor={page['cursor']}").json
    assert [j["jobId"] for j in rest["items"]] == [first]
    assert alice.get(f"/api/subscriptions/{subscription_id}/jobs?cursor=garbage!").status == 400
    subscription = alice.get(f"/api/subscriptions/{subscription_id}").json
    assert subscription["runCount"] == 2
    assert subscription["lastRunAt"] is not None
    listed = alice.get("/api/subscriptions").json
    assert [s["subscriptionId"] for s in listed["items"]] == [subscription_id]


def test_download_needs_a_format_when_there_are_several_and_a_finished_job(alice: ApiClient) -> None:
    subscription_id = alice.post(
        "/api/subscriptions", {"filters": {"trialId": TRIAL}, "formats": ["csv", "xlsx"]}
    ).json["subscriptionId"]
    job_id = alice.post(f"/api/subscriptions/{subscription_id}/run").json["jobId"]
    wait_for_job(alice, job_id)
    ambiguous = alice.get(f"/api/reports/exports/{job_id}/download")
    assert ambiguous.status == 400
    assert "choose one with ?format=" in ambiguous.json["message"]
    assert alice.get(f"/api/reports/exports/{job_id}/download?format=pdf").status == 404
    redirect = alice.get(f"/api/reports/exports/{job_id}/download?format=csv")
    assert redirect.status == 302
    assert alice.get("/api/reports/exports/job_nothing/download").status == 404


def test_channel_secrets_are_never_replied_and_a_patch_may_send_them_back_masked(alice: ApiClient) -> None:
    secret = "s3cr3t-signing-key-0123456789"
    hook = {
        "channel": "webhook",
        "recipients": ["ops"],
        "config": {"url": "https://hooks.example.com/r", "secret": secret},
    }
    slack = {
        "channel": "slack",
        "recipients": ["#reports"],
        "config": {"webhook_url": "https://hooks.slack.com/services/T/B/x"},
    }
    created = alice.post("/api/subscriptions", {"reportType": "weekly", "channels": [hook, slack]})
    assert created.status == 201, created.body
    path = f"/api/subscriptions/{created.json['subscriptionId']}"
    shown = alice.get(path).json
    listed = alice.get("/api/subscriptions").json["items"][0]
    for reply in (shown, listed):
        assert [c["config"].get("secret", c["config"].get("webhook_url")) for c in reply["channels"]] == ["***", "***"]
    assert secret not in json.dumps(listed)

    patched = alice.patch(
        path, {"channels": [{**c, "recipients": [*c["recipients"], "more"]} for c in shown["channels"]]}
    )
    assert patched.status == 200, patched.body
    assert "hooks.slack.com" not in json.dumps(patched.json)
    stored = store.get("acme", created.json["subscriptionId"])
    assert stored is not None
    opened = [open_config(c.config, "acme") for c in stored.channels]
    assert [c.get("secret", c.get("webhook_url")) for c in opened] == [
        secret,
        slack["config"]["webhook_url"],
    ], "the masked values sent back kept the stored secrets"

    fresh = {
        "channel": "webhook",
        "recipients": ["x"],
        "config": {"url": "https://hooks.example.com/r", "secret": "***"},
    }
    moved = alice.patch(path, {"channels": [slack, fresh]})
    assert moved.status == 200, "a masked secret keeps the stored webhook's even at another position"
    stored = store.get("acme", created.json["subscriptionId"])
    assert stored is not None
    assert open_config(stored.channels[1].config, "acme")["secret"] == secret
    nothing = alice.post("/api/subscriptions", {"reportType": "weekly", "channels": [slack]}).json["subscriptionId"]
    unknown = alice.patch(f"/api/subscriptions/{nothing}", {"channels": [fresh]})
    assert unknown.status == 400
    assert "send the value itself" in unknown.json["message"]


def test_a_page_of_20_jobs_is_read_with_one_query_and_each_job_keeps_its_deliveries(alice: ApiClient) -> None:
    subscription_id = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}}).json["subscriptionId"]
    subscription = store.get("acme", subscription_id)
    assert subscription is not None
    slots = [clock.iso(datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(days=7 * n)) for n in range(25)]
    for slot in slots:
        clock.set_now(datetime.fromisoformat(slot.replace("Z", "+00:00")) + timedelta(minutes=1))
        job, created = jobs.create_job_for_slot(subscription, slot)
        assert created
        for recipient in ("alice@example.com", "carol@example.com"):
            delivery_records.create(
                DeliveryRecord(
                    deliveryId=f"dlv-{job.jobId}-{recipient}",
                    tenantId="acme",
                    jobId=job.jobId,
                    subscriptionId=subscription_id,
                    ownerId="alice",
                    channel="email",
                    recipient=recipient,
                    createdAt=job.createdAt,
                    updatedAt=job.createdAt,
                )
            )

    with counting_dynamodb_calls() as calls:
        page = alice.get(f"/api/subscriptions/{subscription_id}/jobs?limit=20")
    assert page.status == 200, page.body
    assert len(page.json["items"]) == 20
    assert calls.operations == ["GetItem", "Query"], "the subscription, then one query for the whole page"
    assert calls.items_read("subscription-index") == 20
    assert calls.items_read("job-index") == 0, "no delivery is read for a list"
    assert all("deliveries" not in item for item in page.json["items"])

    newest = page.json["items"][0]
    assert newest["jobId"] == jobs.job_id_for(subscription_id, slots[-1])
    detail = alice.get(f"/api/jobs/{newest['jobId']}").json
    assert {d["recipient"]: d["status"] for d in detail["deliveries"]} == {
        "alice@example.com": "created",
        "carol@example.com": "created",
    }
    assert len(alice.get(f"/api/jobs/{newest['jobId']}/deliveries").json) == 2
    assert {k: v for k, v in detail.items() if k != "deliveries"} == newest, "the list shows the same job"
