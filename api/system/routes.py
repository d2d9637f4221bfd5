"""Operational endpoints outside ``/v1``: health, readiness, metrics, problem pages."""

from __future__ import annotations

import html

import structlog
from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest
from pydantic import BaseModel

from api.access import OpenCaller
from api.kit.routing import new_router
from api.problems import CATALOGUE, ApiProblem
from domain.kernel import clock
from persistence import outbox
from persistence.webhooks.repositories import outcomes as webhook_outcomes

log = structlog.get_logger("causerie.metrics")
# The worker's backlog, read from the database at each scrape (any API process answers
# for the whole queue).
OUTBOX_PENDING = Gauge("causerie_outbox_pending", "Due events not yet dispatched.")
OUTBOX_OLDEST = Gauge("causerie_outbox_oldest_pending_seconds", "Wait of the oldest due event.")
JOBS_QUEUED = Gauge("causerie_jobs_queued", "Jobs ready to run and not yet claimed.")
JOBS_OLDEST = Gauge("causerie_jobs_oldest_queued_seconds", "Wait of the oldest ready job.")
# Webhook attempts in the delivery log by outcome (pending, succeeded, failed, cancelled).
WEBHOOK_DELIVERIES = Gauge(
    "causerie_webhook_deliveries", "Webhook delivery attempts by outcome.", ["outcome"]
)
OUTCOMES = ("pending", "succeeded", "failed", "cancelled")

router = new_router(tags=["system"])


class Health(BaseModel):
    status: str


@router.get("/healthz", operation_id="system-health", response_model=Health)
async def healthz(_: OpenCaller) -> Health:
    """The process is up. Says nothing about the database (see ``/readyz``)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="system-ready",
    response_model=Health,
    responses={503: {"description": "The database is not reachable"}},
)
async def readyz(request: Request, _: OpenCaller) -> Health:
    """The database answers a query: ready for traffic."""
    try:
        await request.app.state.db.ping()
    except Exception as exc:
        raise ApiProblem("service_unavailable", "The database does not answer.") from exc
    return Health(status="ok")


@router.get("/metrics", operation_id="system-metrics", response_class=Response)
async def metrics(request: Request, _: OpenCaller) -> Response:
    """Prometheus text exposition of request counts and latencies, and the worker's
    backlog (outbox events and queued jobs, with the oldest one's wait) and the webhook
    delivery attempts by outcome."""
    try:
        async with request.app.state.db.transaction() as tx:
            figures = await outbox.backlog(tx, clock.now())
            deliveries = await webhook_outcomes(tx)
    except Exception:  # the request figures still answer while the database is away
        log.warning("backlog unavailable")
    else:
        for gauge, value in zip(
            (OUTBOX_PENDING, OUTBOX_OLDEST, JOBS_QUEUED, JOBS_OLDEST), figures, strict=True
        ):
            gauge.set(value)
        for outcome in OUTCOMES:
            WEBHOOK_DELIVERIES.labels(outcome=outcome).set(deliveries.get(outcome, 0))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/problems/{slug}",
    operation_id="system-problem",
    response_class=HTMLResponse,
    responses={404: {"description": "Unknown problem type"}},
)
async def problem_page(slug: str, _: OpenCaller) -> HTMLResponse:
    """A short page explaining one problem ``type`` (the URI every error carries)."""
    ptype = CATALOGUE.get(slug.replace("-", "_"))
    if ptype is None:
        raise ApiProblem("not_found", "No such problem type.")
    return HTMLResponse(
        f"<!doctype html><title>{html.escape(ptype.title)}</title>"
        f"<h1>{ptype.status} {html.escape(ptype.title)}</h1>"
        f"<p>Code: <code>{ptype.code}</code></p><p>{html.escape(ptype.explanation)}</p>"
    )
