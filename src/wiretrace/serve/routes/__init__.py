"""The routes of the application, one router per concern.

- :mod:`.trace`: ``POST /v1/trace``;
- :mod:`.documents`: ``POST /v1/documents``, ``GET /v1/documents`` (list and search),
  ``GET /v1/documents/{id}``, ``GET /v1/index`` and ``GET /v1/health``;
- :mod:`.page`: the web page at ``/`` and its static files.

The routes only parse, call the library off the event loop, and format; what they share is
the :class:`~wiretrace.serve.service.Service` they get with a ``ServiceDep`` parameter.
"""

from fastapi import APIRouter

from wiretrace.serve.routes import documents, page, trace

__all__ = ["routers"]


def routers() -> tuple[APIRouter, ...]:
    """The application's routers, in the order their paths appear in the OpenAPI document."""
    return (trace.build_router(), documents.router, page.router)
