"""Seed 001's routes: `/api/subscriptions[/{id}]` (create, list, read, update, delete), run now, the jobs of a
subscription, and `GET /api/jobs/{id}`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.api.replies import CallerDep, json_reply, no_content
from shared.api.resolver import new_resolver
from shared.jobs import logic as jobs
from shared.jobs.models import JobPage, JobReply, RunStarted
from shared.observability import http_entry
from shared.subscriptions import logic
from shared.subscriptions.models import (
    Subscription,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPage,
    SubscriptionUpdate,
)

router = Router()


@router.post("/api/subscriptions", summary="Subscribe to a report", responses={201: {"description": "Created"}})
def create(body: SubscriptionCreate, caller: CallerDep) -> Response[SubscriptionCreated]:
    created = logic.create(caller, body)
    return json_reply(
        201,
        SubscriptionCreated(subscriptionId=created.subscriptionId, status=created.status, nextRunAt=created.nextRunAt),
    )


@router.get("/api/subscriptions", summary="The caller's subscriptions (all of the tenant's with all=true, admins)")
def list_all(
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    all: Annotated[bool, Query()] = False,
) -> SubscriptionPage:
    page = logic.list_subscriptions(caller, limit, cursor, everyone=all)
    return page.model_copy(update={"items": [logic.shown(s) for s in page.items]})


@router.get("/api/subscriptions/<subscription_id>", summary="A subscription")
def read(subscription_id: str, caller: CallerDep) -> Subscription:
    return logic.shown(logic.get(caller, subscription_id))


@router.patch("/api/subscriptions/<subscription_id>", summary="Change filters, formats, channels, schedule or status")
def patch(subscription_id: str, body: SubscriptionUpdate, caller: CallerDep) -> Subscription:
    return logic.shown(logic.update(caller, subscription_id, body))


@router.delete("/api/subscriptions/<subscription_id>", summary="Unsubscribe: the schedule and its future runs go")
def delete(subscription_id: str, caller: CallerDep) -> Response[str]:
    logic.delete(caller, subscription_id)
    return no_content()


@router.post(
    "/api/subscriptions/<subscription_id>/run",
    summary="Run the report now",
    responses={202: {"description": "Started"}},
)
def run(subscription_id: str, caller: CallerDep) -> Response[RunStarted]:
    return json_reply(202, logic.run_now(caller, subscription_id))


@router.get("/api/subscriptions/<subscription_id>/jobs", summary="The subscription's jobs, newest first")
def list_jobs(
    subscription_id: str,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> JobPage:
    return logic.list_jobs(caller, subscription_id, limit, cursor)


@router.get("/api/jobs/<job_id>", summary="A job's status, step, artifacts and deliveries")
def read_job(job_id: str, caller: CallerDep) -> JobReply:
    return jobs.reply(jobs.get(caller, job_id))


app = new_resolver(router)
handler = http_entry(app.resolve)
