"""Build the django-ninja API at /api/v1/ and turn service errors into JSON."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from breachdesk.api.auth import RateLimited, TokenAuth, VerifiedSessionAuth
from breachdesk.api.routers.incidents import router as incidents_router
from breachdesk.core.errors import ApplicationError
from breachdesk.inquiries.api import router as inquiries_router

api = NinjaAPI(
    title="breachdesk API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    docs_url=None,
    description="Incidents, tasks, members, stakeholders and the timeline. Every route is scoped by membership.",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    body = {"error": "rate_limited", "message": str(exc), "retry_after": exc.retry_after}
    response = api.create_response(request, body, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"error": "not_found", "message": "Not found."}, status=404)


api.add_router("/incidents", incidents_router)
api.add_router("/incidents", inquiries_router)
