"""The routes of the application, one router per concern.

- :mod:`.trace`: ``POST /v1/trace``;
- :mod:`.documents`: ``POST /v1/documents``, ``GET /v1/documents/{id}`` and ``GET /v1/health``;
- :mod:`.page`: the web page at ``/`` and its static files.

The routes only parse, call the library off the event loop, and format; what they share is
the :class:`~wiretrace.serve.service.Service` they get with a ``ServiceDep`` parameter.
"""

from wiretrace.serve.routes.documents import router as documents_router
from wiretrace.serve.routes.page import router as page_router
from wiretrace.serve.routes.trace import router as trace_router

ROUTERS = (trace_router, documents_router, page_router)

__all__ = ["ROUTERS"]
